package negotiate

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/crillab/gophersat/solver"
)

// SATScale is the fixed-point scale at which walk-away constraints are
// written as pseudo-Boolean constraints (utilities are rounded to 1e-6).
const SATScale = 1_000_000

// satModel encodes the positions as a pseudo-Boolean problem: one variable
// per (term, value) with exactly one value per term, one selector per red
// line (true = relaxed), a clause per forbidden combination of each red
// line's truth table, and one weighted constraint per walk-away value.
type satModel struct {
	pos   *Positions
	varOf [][]int // varOf[t][v] = variable of term t taking value v
	sel   []int   // selector variable per red line
	hard  []solver.PBConstr
	walk  []solver.PBConstr
	nVars int
}

func newSATModel(pos *Positions) *satModel {
	m := &satModel{pos: pos}
	next := 1
	for _, is := range pos.Domain.Issues {
		row := make([]int, len(is.Values))
		for v := range row {
			row[v] = next
			next++
		}
		m.varOf = append(m.varOf, row)
		m.hard = append(m.hard, solver.AtLeast(row, 1), solver.AtMost(row, 1))
	}
	for j, r := range pos.redLines {
		s := next
		next++
		m.sel = append(m.sel, s)
		idx := make([]int, len(r.Terms))
		for k, ok := range r.table {
			if ok {
				continue
			}
			rem := k
			for q := len(r.Terms) - 1; q >= 0; q-- {
				n := len(pos.Domain.Issues[r.Terms[q]].Values)
				idx[q] = rem % n
				rem /= n
			}
			lits := []int{s}
			for q, t := range r.Terms {
				lits = append(lits, -m.varOf[t][idx[q]])
			}
			m.hard = append(m.hard, solver.PropClause(lits...))
		}
		_ = j
	}
	for i := range pos.Parties {
		pp := &pos.Parties[i]
		var lits, ws []int
		for t, c := range pp.u.Contrib {
			for v, x := range c {
				w := int(math.Round(x * SATScale))
				if w != 0 {
					lits = append(lits, m.varOf[t][v])
					ws = append(ws, w)
				}
			}
		}
		// Slack of one unit per term: every deal that truly meets the
		// walk-away value satisfies the rounded constraint; solve re-checks
		// each model in float64 and excludes the few false positives.
		need := int(math.Floor(pp.WalkAway*SATScale)) - len(pp.u.Contrib)
		m.walk = append(m.walk, solver.GtEq(lits, ws, need))
	}
	m.nVars = next - 1
	return m
}

// solve returns a deal and the relaxed set, or ok=false when unsatisfiable.
// forbid lists selectors forced false (red lines kept), extra adds clauses.
func (m *satModel) solve(walk bool, keep []int, extra []solver.PBConstr) (Outcome, uint64, bool) {
	cs := append([]solver.PBConstr{}, m.hard...)
	if walk {
		cs = append(cs, m.walk...)
	}
	for _, j := range keep {
		cs = append(cs, solver.PropClause(-m.sel[j]))
	}
	cs = append(cs, extra...)
	for {
		// gophersat may rewrite constraints in place: give it copies.
		fresh := make([]solver.PBConstr, len(cs))
		for i, c := range cs {
			fresh[i] = solver.PBConstr{Lits: slices.Clone(c.Lits), Weights: slices.Clone(c.Weights), AtLeast: c.AtLeast}
		}
		s := solver.New(solver.ParsePBConstrs(fresh))
		if s.Solve() != solver.Sat {
			return nil, 0, false
		}
		model := s.Model()
		o := make(Outcome, len(m.varOf))
		for t, row := range m.varOf {
			for v, x := range row {
				if model[x-1] {
					o[t] = v
				}
			}
		}
		if walk && !m.acceptable(o) {
			// A rounding false positive: exclude this very deal.
			nogood := make([]int, len(o))
			for t, v := range o {
				nogood[t] = -m.varOf[t][v]
			}
			cs = append(cs, solver.PropClause(nogood...))
			continue
		}
		// The relaxed set is what the deal actually violates.
		return o, m.pos.Violations(o), true
	}
}

// acceptable checks the walk-away values exactly, in float64.
func (m *satModel) acceptable(o Outcome) bool {
	for i := range m.pos.Parties {
		if m.pos.Parties[i].u.Utility(o) < m.pos.Parties[i].WalkAway {
			return false
		}
	}
	return true
}

// DiagnoseSAT is Diagnose without enumeration: red lines and walk-away
// values become a pseudo-Boolean problem for gophersat, and every minimal
// relaxation is found by the standard loop — find a deal, shrink the set of
// red lines it breaks until minimal, block that set and its supersets,
// repeat until unsatisfiable. Walk-away checks use utilities rounded to
// 1/SATScale. The zone is not counted (Zone = -1 when it is not empty).
func (pos *Positions) DiagnoseSAT(ctx context.Context) (*Deadlock, error) {
	m := newSATModel(pos)
	d := &Deadlock{Path: fmt.Sprintf("SAT/pseudo-Boolean (gophersat) over %d variables; no enumeration", m.nVars)}
	nr := len(pos.redLines)
	all := make([]int, nr)
	for j := range all {
		all[j] = j
	}
	// Conflicting pairs: both red lines kept, nothing else, no walk-aways.
	for a := 0; a < nr; a++ {
		for b := a + 1; b < nr; b++ {
			if pos.redLines[a].Party == pos.redLines[b].Party {
				continue
			}
			var relaxOthers []solver.PBConstr
			if _, _, ok := m.solve(false, []int{a, b}, relaxOthers); !ok {
				d.Conflicts = append(d.Conflicts, [2]*RedLine{pos.redLines[a], pos.redLines[b]})
			}
		}
	}
	if _, _, ok := m.solve(true, all, nil); ok {
		d.Zone = -1
		return d, nil
	}
	var blocks []solver.PBConstr
	var minimal []uint64
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		_, mask, ok := m.solve(true, nil, blocks)
		if !ok {
			break
		}
		// Shrink: try keeping each relaxed red line in turn.
		for j := 0; j < nr; j++ {
			if mask&(1<<j) == 0 {
				continue
			}
			var keep []int
			for k := 0; k < nr; k++ {
				if mask&(1<<k) == 0 || k == j {
					keep = append(keep, k)
				}
			}
			if _, m2, ok := m.solve(true, keep, blocks); ok {
				mask = m2
			}
		}
		minimal = append(minimal, mask)
		var lits []int
		for j := 0; j < nr; j++ {
			if mask&(1<<j) != 0 {
				lits = append(lits, -m.sel[j])
			}
		}
		if len(lits) == 0 {
			break
		}
		blocks = append(blocks, solver.PropClause(lits...))
	}
	if len(minimal) == 0 {
		d.WalkAwayBlocks = true
		return d, nil
	}
	size, ok := pos.Domain.SizeUint64()
	return d, pos.fillRelaxations(ctx, d, minimal, nil, ok && size <= EnumerateLimit)
}
