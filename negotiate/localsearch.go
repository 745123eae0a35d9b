package negotiate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
)

// MethodLocalSearch names the approximate frontier of very large
// non-additive domains.
const MethodLocalSearch = "APPROXIMATE: seeded local search over weighted sums (no optimality proof)"

// ExactBBLimit is the largest outcome space on which Analyze runs the exact
// branch and bound for bounded (constraint) utilities; beyond it the
// search space defeats the bounds and LocalSearchFrontier is used.
var ExactBBLimit = 1e15

// LocalSearchFrontier approximates the frontier of a problem whose
// utilities implement Bounded: for a spread of weights λ it climbs from
// seeded random deals to a local maximum of Σ λ_i u_i (changing one issue
// at a time, evaluated incrementally), and keeps every deal it meets that
// no other deal met dominates. The result is a set of achievable,
// mutually non-dominated deals — not a proof that nothing better exists.
func LocalSearchFrontier(ctx context.Context, p *Problem, seed uint64, restarts int) ([]Point, error) {
	n := len(p.Parties)
	bs := make([]Bounder, n)
	for i, pt := range p.Parties {
		b, ok := pt.U.(Bounded)
		if !ok {
			return nil, fmt.Errorf("local search needs bounded utilities; party %q has none", pt.Name)
		}
		bs[i] = b.NewBounder()
	}
	d := p.Domain
	ni := len(d.Issues)
	rng := rand.New(rand.NewPCG(seed, 0x10ca1))
	var archive []Point
	add := func(o Outcome) {
		u := make([]float64, n)
		for i, pt := range p.Parties {
			u[i] = pt.U.Utility(o)
			if u[i] < pt.Reserved {
				return
			}
		}
		for _, a := range archive {
			if dominates(a.Utilities, u) || equalVec(a.Utilities, u) {
				return
			}
		}
		kept := archive[:0]
		for _, a := range archive {
			if !dominates(u, a.Utilities) {
				kept = append(kept, a)
			}
		}
		archive = append(kept, Point{Outcome: slices.Clone(o), Utilities: u})
	}
	cur := func(lam []float64) float64 {
		s := 0.0
		for i, b := range bs {
			s += lam[i] * b.Lower() // all issues set: Lower is the utility (less slack)
		}
		return s
	}
	steps := 11
	o := make(Outcome, ni)
	for k := 0; k <= steps; k++ {
		lam := make([]float64, n)
		if n == 2 {
			lam[0] = float64(k) / float64(steps)
			lam[1] = 1 - lam[0]
		} else {
			for i := range lam {
				lam[i] = rng.Float64()
			}
		}
		for r := 0; r < restarts; r++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for j := range o {
				o[j] = rng.IntN(len(d.Issues[j].Values))
				for _, b := range bs {
					b.Assign(j, o[j])
				}
			}
			val := cur(lam)
			for improved := true; improved; {
				improved = false
				for _, j := range rng.Perm(ni) {
					bestV, bestVal := o[j], val
					for v := range d.Issues[j].Values {
						if v == o[j] {
							continue
						}
						for _, b := range bs {
							b.Unassign(j)
							b.Assign(j, v)
						}
						if x := cur(lam); x > bestVal+1e-12 {
							bestV, bestVal = v, x
						}
						for _, b := range bs {
							b.Unassign(j)
							b.Assign(j, o[j])
						}
					}
					if bestV != o[j] {
						o[j], val, improved = bestV, bestVal, true
						for _, b := range bs {
							b.Unassign(j)
							b.Assign(j, bestV)
						}
						add(o)
					}
				}
			}
			add(o)
			for j := range o {
				for _, b := range bs {
					b.Unassign(j)
				}
			}
		}
	}
	return archive, nil
}
