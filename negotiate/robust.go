package negotiate

import (
	"context"
	"math/rand/v2"
)

// Candidate is a deal whose robustness is measured.
type Candidate struct {
	Label   string
	Outcome Outcome
}

// CandidateRobustness is how often a candidate deal survived the sampled
// preferences.
type CandidateRobustness struct {
	Candidate
	// Acceptable is the share of samples in which the deal still gave every
	// party at least its walk-away value; Efficient the share in which no
	// other admissible deal dominated it; Both the share with both.
	Acceptable, Efficient, Both float64
}

// Robustness is the result of a Monte Carlo run over the uncertainty ranges.
type Robustness struct {
	Samples    int
	Seed       int64
	Candidates []CandidateRobustness
}

// Robustness samples every party's weights and value utilities uniformly
// within its uncertainty ranges (weights relative, then renormalised;
// values absolute, clamped to [0,1]) and counts how often each candidate
// deal stays acceptable and Pareto-efficient among the deals that meet the
// red lines not in relaxed. The run is reproducible for a given seed.
// progress, if set, is called after each sample.
func (pos *Positions) Robustness(ctx context.Context, relaxed uint64, cands []Candidate, samples int, seed int64, progress func(done, total uint64)) (*Robustness, error) {
	prob := pos.ProblemWithout(relaxed)
	size, _ := pos.Domain.SizeUint64()
	// The admissible deals are fixed (red lines do not depend on weights).
	var admissible []Outcome
	o := make(Outcome, len(pos.Domain.Issues))
	for rank := uint64(0); rank < size; rank++ {
		o = pos.Domain.Decode(rank, o)
		if prob.Feasible == nil || prob.Feasible(o) {
			admissible = append(admissible, append(Outcome(nil), o...))
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x6261636b73746f70))
	n := len(pos.Parties)
	res := &Robustness{Samples: samples, Seed: seed}
	counts := make([][3]int, len(cands))
	utils := make([]float64, len(admissible)*n)
	cu := make([]float64, n)
	for s := 0; s < samples; s++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		us := make([]*Additive, n)
		for i := range pos.Parties {
			us[i] = pos.Parties[i].sample(rng)
		}
		for k, a := range admissible {
			for i, u := range us {
				utils[k*n+i] = u.Utility(a)
			}
		}
		for c, cand := range cands {
			acc := true
			for i, u := range us {
				cu[i] = u.Utility(cand.Outcome)
				if cu[i] < pos.Parties[i].WalkAway {
					acc = false
				}
			}
			eff := true
			for k := range admissible {
				if dominates(utils[k*n:(k+1)*n], cu) {
					eff = false
					break
				}
			}
			if acc {
				counts[c][0]++
			}
			if eff {
				counts[c][1]++
			}
			if acc && eff {
				counts[c][2]++
			}
		}
		if progress != nil {
			progress(uint64(s+1), uint64(samples))
		}
	}
	for c, cand := range cands {
		f := float64(max(samples, 1))
		res.Candidates = append(res.Candidates, CandidateRobustness{Candidate: cand,
			Acceptable: float64(counts[c][0]) / f, Efficient: float64(counts[c][1]) / f, Both: float64(counts[c][2]) / f})
	}
	return res, nil
}

// sample draws preferences within the party's uncertainty ranges.
func (p *PartyPosition) sample(rng *rand.Rand) *Additive {
	w := make([]float64, len(p.weights))
	total := 0.0
	for i, x := range p.weights {
		w[i] = x * (1 + p.Uncertainty.Weights*(2*rng.Float64()-1))
		total += w[i]
	}
	ev := make([][]float64, len(p.evals))
	for i, row := range p.evals {
		w[i] /= total
		ev[i] = make([]float64, len(row))
		for v, e := range row {
			ev[i][v] = min(1, max(0, e+p.Uncertainty.Values*(2*rng.Float64()-1)))
		}
	}
	return additiveFrom(w, ev)
}
