package negotiate

import (
	"context"
	"fmt"
	"math/bits"
	"sort"
)

// Relaxation is a set of red lines whose relaxation opens a zone of
// agreement, with what the negotiation then looks like.
type Relaxation struct {
	// Mask has bit j set for Positions.RedLines()[j].
	Mask     uint64
	RedLines []*RedLine
	// Cost is the sum of the relaxed red lines' relax_cost.
	Cost float64
	// Zone is the number of deals every party can then accept.
	Zone int64
	// Analysis is the frontier and bargaining points once relaxed.
	Analysis *Analysis
}

// Deadlock describes what blocks agreement.
type Deadlock struct {
	// Zone counts the deals that satisfy every red line and give every
	// party at least its walk-away value.
	Zone int64
	// Conflicts lists pairs of red lines (of different parties) that no
	// deal satisfies together, whatever the utilities.
	Conflicts [][2]*RedLine
	// Minimal lists EVERY minimal set of red lines whose relaxation opens
	// a zone of agreement (no proper subset does), cheapest first.
	Minimal []Relaxation
	// Cheapest indexes the minimal relaxations of least total cost (all ties).
	Cheapest []int
	// WalkAwayBlocks is true when even relaxing every red line leaves no
	// deal above every walk-away value.
	WalkAwayBlocks bool
	// Path says how red lines were decided ("enumeration" or "SAT").
	Path string
}

// Diagnose finds the zone of agreement and, when it is empty, every minimal
// relaxation of red lines that opens one. It enumerates the deals (red
// lines are table look-ups, utilities additive), which suits agreements of
// up to EnumerateLimit deals; larger spaces use DiagnoseSAT.
func (pos *Positions) Diagnose(ctx context.Context) (*Deadlock, error) {
	size, ok := pos.Domain.SizeUint64()
	if !ok || size > EnumerateLimit {
		return pos.DiagnoseSAT(ctx)
	}
	p := pos.Problem()
	masks := map[uint64]int64{}    // violation mask → acceptable deals with it
	satisfied := map[uint64]bool{} // distinct satisfied-sets, ignoring utilities
	n := len(p.Parties)
	o := make(Outcome, len(pos.Domain.Issues))
	all := uint64(1)<<len(pos.redLines) - 1
	for rank := uint64(0); rank < size; rank++ {
		if rank&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		o = pos.Domain.Decode(rank, o)
		v := pos.Violations(o)
		satisfied[all&^v] = true
		ok := true
		for i := 0; i < n; i++ {
			if p.Parties[i].U.Utility(o) < p.Parties[i].Reserved {
				ok = false
				break
			}
		}
		if ok {
			masks[v]++
		}
	}
	d := &Deadlock{Zone: masks[0], Path: fmt.Sprintf("enumeration of all %d deals (each red line a truth table over the terms it reads)", size)}
	d.Conflicts = pos.conflicts(satisfied)
	if d.Zone > 0 {
		return d, nil
	}
	if len(masks) == 0 {
		d.WalkAwayBlocks = true
		return d, nil
	}
	var minimal []uint64
	for m := range masks {
		isMin := true
		for m2 := range masks {
			if m2 != m && m2&m == m2 {
				isMin = false
				break
			}
		}
		if isMin {
			minimal = append(minimal, m)
		}
	}
	return d, pos.fillRelaxations(ctx, d, minimal, func(m uint64) int64 {
		var z int64
		for m2, c := range masks {
			if m2&^m == 0 {
				z += c
			}
		}
		return z
	}, true)
}

// conflicts lists pairs of red lines of different parties that no deal
// satisfies together; sat holds every distinct set of satisfied red lines.
func (pos *Positions) conflicts(sat map[uint64]bool) [][2]*RedLine {
	var out [][2]*RedLine
	for a := range pos.redLines {
		for b := a + 1; b < len(pos.redLines); b++ {
			if pos.redLines[a].Party == pos.redLines[b].Party {
				continue
			}
			both := uint64(1)<<a | uint64(1)<<b
			ok := false
			for s := range sat {
				if s&both == both {
					ok = true
					break
				}
			}
			if !ok {
				out = append(out, [2]*RedLine{pos.redLines[a], pos.redLines[b]})
			}
		}
	}
	return out
}

// fillRelaxations analyses each minimal relaxation and orders them.
func (pos *Positions) fillRelaxations(ctx context.Context, d *Deadlock, minimal []uint64, zone func(uint64) int64, analyze bool) error {
	for _, m := range minimal {
		r := Relaxation{Mask: m}
		for j, rl := range pos.redLines {
			if m&(1<<j) != 0 {
				r.RedLines = append(r.RedLines, rl)
				r.Cost += rl.RelaxCost
			}
		}
		r.Zone = -1
		if analyze {
			a, err := Analyze(ctx, pos.ProblemWithout(m), Options{})
			if err != nil {
				return err
			}
			r.Analysis = a
			r.Zone = a.Rational
		}
		if zone != nil {
			r.Zone = zone(m)
		}
		d.Minimal = append(d.Minimal, r)
	}
	sort.Slice(d.Minimal, func(a, b int) bool {
		x, y := d.Minimal[a], d.Minimal[b]
		if x.Cost != y.Cost {
			return x.Cost < y.Cost
		}
		if bits.OnesCount64(x.Mask) != bits.OnesCount64(y.Mask) {
			return bits.OnesCount64(x.Mask) < bits.OnesCount64(y.Mask)
		}
		return bits.Reverse64(x.Mask) > bits.Reverse64(y.Mask) // earlier red lines first
	})
	for i, r := range d.Minimal {
		if r.Cost == d.Minimal[0].Cost {
			d.Cheapest = append(d.Cheapest, i)
		}
	}
	return nil
}
