package negotiate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// Bounded is a utility that can bound itself over the completions of a
// partial deal, which lets BranchAndBound find frontiers of non-additive
// utilities (e.g. GENIUS hyper-rectangle profiles) without enumeration.
type Bounded interface {
	Utility
	NewBounder() Bounder
}

// Bounder tracks a partial deal, assigned and unassigned in LIFO order.
type Bounder interface {
	Assign(issue, value int)
	Unassign(issue int)
	// Upper and Lower bound the utility of every completion of the
	// current partial deal (exactly the utility once every issue is set).
	Upper() float64
	Lower() float64
	// Weight says how much issue i matters (used to order the search).
	Weight(issue int) float64
}

// MethodBranchAndBound names the branch-and-bound frontier.
const MethodBranchAndBound = "branch and bound (exact; one deal per utility vector)"

// BBNodeLimit bounds the nodes BranchAndBound visits; past it the result
// is labelled approximate.
var BBNodeLimit = 200_000_000

// BranchAndBound computes the Pareto frontier of a problem whose utilities
// all implement Bounded: a depth-first search over issues that drops a
// partial deal when a deal already found is at least as good, for every
// party, as the partial deal's upper bounds. Equal utility vectors are
// reported once (with one witness deal), because plateaus of equal utility
// in constraint profiles can hold astronomically many deals. If the node
// budget runs out, the frontier of the deals found so far is returned and
// the method says "approximate".
func BranchAndBound(ctx context.Context, p *Problem) (*frontierResult, error) {
	return branchAndBound(ctx, p, true)
}

// FrontierBB returns only the branch-and-bound frontier (no extremes, no
// bargaining points) and the method label; it is what comparisons with
// GENIUS's pareto.xml need, at a fraction of the cost.
func FrontierBB(ctx context.Context, p *Problem) ([]Point, string, error) {
	fr, err := branchAndBound(ctx, p, false)
	if err != nil {
		return nil, "", err
	}
	return fr.frontier, fr.method, nil
}

func branchAndBound(ctx context.Context, p *Problem, extremes bool) (*frontierResult, error) {
	n := len(p.Parties)
	bs := make([]Bounder, n)
	for i, pt := range p.Parties {
		b, ok := pt.U.(Bounded)
		if !ok {
			return nil, fmt.Errorf("branch and bound needs bounded utilities; party %q has none", pt.Name)
		}
		bs[i] = b.NewBounder()
	}
	d := p.Domain
	ni := len(d.Issues)
	// Search the issues that matter most first.
	order := make([]int, ni)
	for i := range order {
		order[i] = i
	}
	wt := make([]float64, ni)
	for i := range wt {
		for _, b := range bs {
			wt[i] += b.Weight(i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return wt[order[a]] > wt[order[b]] })
	reserved := make([]float64, n)
	for i, pt := range p.Parties {
		reserved[i] = pt.Reserved
	}
	lo, hi := make([]float64, n), make([]float64, n)
	nodes := 0
	exhausted := false
	var ctxErr error
	o := make(Outcome, ni)
	ub := make([]float64, n)

	opt := &bbSearch{p: p, bs: bs, order: order, o: o, ctx: ctx}
	// Extremes of each party over all deals (for the bargaining points).
	for i := range n {
		if !extremes {
			lo[i], hi[i] = math.Inf(-1), math.Inf(1)
			continue
		}
		var ok bool
		if hi[i], _, ok = opt.optimize(i, 1, nil, nil); !ok {
			hi[i] = math.Inf(1)
		}
		if lo[i], _, ok = opt.optimize(i, -1, nil, nil); !ok {
			lo[i] = math.Inf(-1)
		}
	}
	if opt.err != nil {
		return nil, opt.err
	}
	if n == 2 {
		return opt.frontier2(reserved, lo, hi)
	}
	nodes = opt.nodes
	exhausted = opt.approx
	type found struct {
		u []float64
		o Outcome
	}
	var front []found
	weakly := func(f, u []float64) bool {
		for i := range f {
			if f[i] < u[i] {
				return false
			}
		}
		return true
	}
	var rec func(k int)
	rec = func(k int) {
		if exhausted || ctxErr != nil {
			return
		}
		nodes++
		if nodes > BBNodeLimit {
			exhausted = true
			return
		}
		if nodes&0xfffff == 0 {
			ctxErr = ctx.Err()
		}
		if k == ni {
			for i, pt := range p.Parties {
				ub[i] = pt.U.Utility(o) // exact, as GENIUS computes it
			}
		} else {
			for i, b := range bs {
				ub[i] = b.Upper()
			}
		}
		for i := range bs {
			if ub[i] < reserved[i] {
				return
			}
		}
		for _, f := range front {
			if weakly(f.u, ub) {
				return
			}
		}
		if k == ni {
			u := slices.Clone(ub)
			kept := front[:0]
			for _, f := range front {
				if !weakly(u, f.u) {
					kept = append(kept, f)
				}
			}
			front = append(kept, found{u, slices.Clone(o)})
			return
		}
		is := order[k]
		// Try values best-first for the party with the most room.
		for v := range d.Issues[is].Values {
			o[is] = v
			for _, b := range bs {
				b.Assign(is, v)
			}
			rec(k + 1)
			for _, b := range bs {
				b.Unassign(is)
			}
		}
		o[is] = 0
	}
	rec(0)
	if ctxErr != nil {
		return nil, ctxErr
	}
	fr := &frontierResult{lo: lo, hi: hi, rational: -1, method: MethodBranchAndBound}
	if exhausted || opt.approx {
		fr.method = fmt.Sprintf("branch and bound, APPROXIMATE: node budget of %d exhausted; deals found so far", BBNodeLimit)
	}
	for _, f := range front {
		// Re-evaluate exactly (bounds equal utilities at the leaves).
		u := make([]float64, n)
		for i, pt := range p.Parties {
			u[i] = pt.U.Utility(f.o)
		}
		fr.frontier = append(fr.frontier, Point{Outcome: f.o, Utilities: u})
	}
	return fr, nil
}

// bbSearch runs single-objective branch and bound searches.
type bbSearch struct {
	p         *Problem
	bs        []Bounder
	order     []int
	o         Outcome
	ctx       context.Context
	err       error
	nodes     int
	exhausted bool
	approx    bool // some search ran out of budget
}

// optimize maximises sign × u_obj subject to u_i >= atLeast[i] and u_i >
// above[i] (nil: no constraint). It returns the optimum of u_obj, a
// witness and whether a feasible deal exists; with a tie it prefers
// nothing in particular. Values are tried best bound first.
func (s *bbSearch) optimize(obj int, sign float64, atLeast, above []float64) (float64, Outcome, bool) {
	d := s.p.Domain
	ni := len(d.Issues)
	best := math.Inf(-1)
	var witness Outcome
	budget := s.nodes + BBNodeLimit
	bound := func() float64 {
		if sign > 0 {
			return s.bs[obj].Upper()
		}
		return -s.bs[obj].Lower()
	}
	feasible := func() bool {
		for i, b := range s.bs {
			u := b.Upper()
			if atLeast != nil && u < atLeast[i] {
				return false
			}
			if above != nil && u <= above[i] {
				return false
			}
		}
		return true
	}
	// Order values by the optimistic bound for maximisation, and for
	// minimisation by the pessimistic one (the upper bound), which says
	// much earlier which values keep utility low.
	order := func() float64 {
		if sign > 0 {
			return s.bs[obj].Upper()
		}
		return -s.bs[obj].Upper()
	}
	type cand struct {
		v    int
		b, h float64
	}
	// Without constraints only the objective's bounder needs updating.
	active := s.bs
	if atLeast == nil && above == nil {
		active = s.bs[obj : obj+1]
	}
	bufs := make([][]cand, ni)
	var rec func(k int)
	rec = func(k int) {
		if s.exhausted || s.err != nil {
			return
		}
		s.nodes++
		if s.nodes > budget {
			s.exhausted = true
			return
		}
		if s.nodes&0xfffff == 0 {
			s.err = s.ctx.Err()
		}
		if k == ni {
			for i, pt := range s.p.Parties {
				if atLeast == nil && above == nil {
					break
				}
				u := pt.U.Utility(s.o)
				if (atLeast != nil && u < atLeast[i]) || (above != nil && u <= above[i]) {
					return
				}
			}
			if v := sign * s.p.Parties[obj].U.Utility(s.o); v > best {
				best, witness = v, slices.Clone(s.o)
			}
			return
		}
		is := s.order[k]
		nv := len(d.Issues[is].Values)
		cs := bufs[k][:0]
		for v := 0; v < nv; v++ {
			for _, b := range active {
				b.Assign(is, v)
			}
			if b := bound(); b > best && (len(active) == 1 || feasible()) {
				cs = append(cs, cand{v, b, order()})
			}
			for _, b := range active {
				b.Unassign(is)
			}
		}
		bufs[k] = cs
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].h > cs[b].h })
		for _, c := range cs {
			if c.b <= best {
				continue
			}
			s.o[is] = c.v
			for _, b := range active {
				b.Assign(is, c.v)
			}
			rec(k + 1)
			for _, b := range active {
				b.Unassign(is)
			}
		}
	}
	n0, t0 := s.nodes, time.Now()
	rec(0)
	if debugBB {
		fmt.Println("optimize", obj, sign, s.nodes-n0, time.Since(t0))
	}
	if s.exhausted {
		// Keep the best deal found (the result is then approximate) and
		// give the next search a fresh budget.
		s.approx, s.exhausted = true, false
	}
	if witness == nil {
		return 0, nil, false
	}
	return sign * best, witness, true
}

// frontier2 walks a two-party frontier from the best deal for party 1 down:
// maximise u1 subject to u2 above the last point's u2, then maximise u2
// subject to that u1; each step is one exact single-objective search.
func (s *bbSearch) frontier2(reserved, lo, hi []float64) (*frontierResult, error) {
	fr := &frontierResult{lo: lo, hi: hi, rational: -1, method: MethodBranchAndBound}
	above := []float64{math.Inf(-1), math.Inf(-1)}
	for {
		above[0] = math.Inf(-1)
		m1, w1, ok := s.optimize(0, 1, reserved, above)
		if !ok {
			break
		}
		atLeast := []float64{max(m1, reserved[0]), reserved[1]}
		m2, w, ok := s.optimize(1, 1, atLeast, above)
		if !ok {
			// Only when a search ran out of budget: keep the first deal.
			w, m2 = w1, s.p.Parties[1].U.Utility(w1)
		}
		if m2 <= above[1] {
			break
		}
		u := []float64{s.p.Parties[0].U.Utility(w), m2}
		fr.frontier = append(fr.frontier, Point{Outcome: w, Utilities: u})
		above[1] = m2
		if s.err != nil {
			break
		}
	}
	if s.err != nil {
		return nil, s.err
	}
	if s.approx {
		fr.method = fmt.Sprintf("branch and bound, APPROXIMATE: node budget of %d exhausted; deals found so far", BBNodeLimit)
	}
	return fr, nil
}

var debugBB = false
