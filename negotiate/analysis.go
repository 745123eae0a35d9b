package negotiate

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
)

// Tie is the tolerance within which two bargaining scores count as equal,
// so that every tied deal is reported (the reference tools' 1e-12).
const Tie = 1e-12

// Analysis is what Analyze finds.
type Analysis struct {
	// Outcomes is the number of possible deals.
	Outcomes *big.Int
	// Rational counts the deals every party weakly prefers to walking away
	// (and that pass Feasible); -1 when the method did not count them.
	Rational int64
	// Method names the frontier algorithm.
	Method string
	// Min and Max are each party's lowest and highest utility over all deals.
	Min, Max []float64
	// Reserved are the parties' walk-away values (the Nash disagreement point).
	Reserved []float64
	// Frontier lists the rational, Pareto-efficient deals; deals with
	// equal utility vectors are all listed.
	Frontier []Point
	// The bargaining points, each a subset of Frontier with every tie.
	Nash, KalaiSmorodinsky, Egalitarian, MaxWelfare []Point
}

// Options tune Analyze.
type Options struct {
	// Method forces "enumerate" or "additive"; empty picks the fastest exact
	// method available.
	Method string
	// Progress, if set, receives the number of outcomes enumerated so far.
	Progress func(done, total uint64)
}

// Analyze computes the frontier and the bargaining points of a problem.
func Analyze(ctx context.Context, p *Problem, opt Options) (*Analysis, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var fr *frontierResult
	var err error
	additive := p.additives() != nil && p.Feasible == nil
	size, small := p.Domain.SizeUint64()
	small = small && size <= EnumerateLimit
	switch {
	case opt.Method == "local" || (opt.Method == "" && !additive && !small && p.Feasible == nil && p.bounded() && p.Domain.SizeFloat() > ExactBBLimit):
		var pts []Point
		pts, err = LocalSearchFrontier(ctx, p, 1, 200)
		if err == nil {
			fr = &frontierResult{frontier: pts, rational: -1, method: MethodLocalSearch}
			// Extremes: the best deal found (approximate like the frontier)
			// and the lower bound over all deals.
			for i, pt := range p.Parties {
				fr.lo = append(fr.lo, max(0, pt.U.(Bounded).NewBounder().Lower()))
				fr.hi = append(fr.hi, math.Inf(-1))
				for _, q := range pts {
					fr.hi[i] = max(fr.hi[i], q.Utilities[i])
				}
			}
		}
	case opt.Method == "bnb" || (opt.Method == "" && !additive && !small && p.Feasible == nil && p.bounded()):
		fr, err = BranchAndBound(ctx, p)
	case opt.Method == "additive" || (opt.Method == "" && additive):
		fr, err = AdditiveFrontier(ctx, p)
	case opt.Method == "enumerate" || opt.Method == "":
		if size, ok := p.Domain.SizeUint64(); opt.Method == "" && (!ok || size > EnumerateLimit) {
			return nil, fmt.Errorf("domain has %.3g outcomes and non-additive utilities: too many to enumerate (limit %d)", p.Domain.SizeFloat(), EnumerateLimit)
		}
		var prog func(uint64)
		if opt.Progress != nil {
			total, _ := p.Domain.SizeUint64()
			prog = func(done uint64) { opt.Progress(done, total) }
		}
		fr, err = Enumerate(ctx, p, prog)
	default:
		return nil, fmt.Errorf("unknown method %q (want enumerate, additive, bnb or local)", opt.Method)
	}
	if err != nil {
		return nil, err
	}
	a := &Analysis{
		Outcomes: p.Domain.Size(),
		Rational: fr.rational,
		Method:   fr.method,
		Min:      fr.lo,
		Max:      fr.hi,
		Frontier: fr.frontier,
	}
	for _, pt := range p.Parties {
		a.Reserved = append(a.Reserved, pt.Reserved)
	}
	a.Nash, a.KalaiSmorodinsky, a.Egalitarian, a.MaxWelfare = BargainingPoints(a.Frontier, a.Reserved, a.Min, a.Max)
	for _, l := range [][]Point{a.Frontier, a.Nash, a.KalaiSmorodinsky, a.Egalitarian, a.MaxWelfare} {
		SortPoints(l)
	}
	return a, nil
}

// BargainingPoints picks the Nash, Kalai–Smorodinsky, egalitarian and
// maximum-welfare deals from a frontier, with every tie (scores within Tie).
// reserved is the disagreement point for Nash; lo and hi are each party's
// extreme utilities over all deals. The definitions are those of the
// reference files (negmas conventions):
//
//   - Nash maximises Π (u_i − r_i);
//   - KS: with d_i = max(r_i, lo_i), a_i = (u_i − d_i)/(hi_i − d_i),
//     minimise max a − min a;
//   - egalitarian maximises min (u_i − d_i);
//   - maximum welfare maximises Σ u_i.
//
// KS and egalitarian return the whole frontier when some hi_i − d_i ≤ Tie;
// maximum welfare does when some hi_i − lo_i ≤ Tie.
func BargainingPoints(front []Point, reserved, lo, hi []float64) (nash, ks, egal, welfare []Point) {
	if len(front) == 0 {
		return nil, nil, nil, nil
	}
	n := len(reserved)
	d := make([]float64, n)
	degenerate, flat := false, false
	for i := range n {
		d[i] = max(reserved[i], lo[i])
		if hi[i]-d[i] <= Tie {
			degenerate = true
		}
		if hi[i]-lo[i] <= Tie {
			flat = true
		}
	}
	nash = best(front, true, func(u []float64) float64 {
		prod := 1.0
		for i, x := range u {
			prod *= x - reserved[i]
		}
		return prod
	})
	if degenerate {
		ks, egal = slices.Clone(front), slices.Clone(front)
	} else {
		ks = best(front, false, func(u []float64) float64 {
			mx, mn := math.Inf(-1), math.Inf(1)
			for i, x := range u {
				a := (x - d[i]) / (hi[i] - d[i])
				mx, mn = max(mx, a), min(mn, a)
			}
			return mx - mn
		})
		egal = best(front, true, func(u []float64) float64 {
			m := math.Inf(1)
			for i, x := range u {
				m = min(m, x-d[i])
			}
			return m
		})
	}
	if flat {
		welfare = slices.Clone(front)
	} else {
		welfare = best(front, true, func(u []float64) float64 {
			s := 0.0
			for _, x := range u {
				s += x
			}
			return s
		})
	}
	return nash, ks, egal, welfare
}

// best returns the points whose score is within Tie of the best score.
func best(pts []Point, maximise bool, score func([]float64) float64) []Point {
	sc := make([]float64, len(pts))
	b := math.Inf(1)
	if maximise {
		b = math.Inf(-1)
	}
	for i, p := range pts {
		sc[i] = score(p.Utilities)
		if maximise {
			b = max(b, sc[i])
		} else {
			b = min(b, sc[i])
		}
	}
	var out []Point
	for i, p := range pts {
		if (maximise && sc[i] >= b-Tie) || (!maximise && sc[i] <= b+Tie) {
			out = append(out, p)
		}
	}
	return out
}

// SortPoints orders points as the reference files do: by utilities rounded
// to 9 decimals, first party descending, then the next...; then by value
// indices ascending.
func SortPoints(pts []Point) {
	sort.SliceStable(pts, func(a, b int) bool {
		ua, ub := pts[a].Utilities, pts[b].Utilities
		for i := range ua {
			x, y := roundTo9(ua[i]), roundTo9(ub[i])
			if x != y {
				return x > y
			}
		}
		return slices.Compare(pts[a].Outcome, pts[b].Outcome) < 0
	})
}
