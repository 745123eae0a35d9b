package simulate

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/backstop-dev/backstop/negotiate"
)

// MaxAssignments bounds the number of strategy assignments a tournament
// plays; beyond it a seeded sample is drawn.
const MaxAssignments = 625

// Standing summarises one strategy's sessions in a tournament.
type Standing struct {
	Strategy   string  `json:"strategy"`
	Sessions   int     `json:"sessions"`
	Agreements int     `json:"agreements"`
	MeanUtil   float64 `json:"mean_utility"`              // own utility; walk-away value when no deal
	MeanDistF  float64 `json:"mean_distance_to_frontier"` // over agreements
	MeanDistN  float64 `json:"mean_distance_to_nash"`     // over agreements
	MeanRounds float64 `json:"mean_rounds"`
}

// Tournament plays every assignment of the strategies to the parties (or a
// seeded sample of MaxAssignments), reps times each with seeds cfg.Seed,
// cfg.Seed+1, ..., and ranks the strategies by mean own utility.
func (s *Session) Tournament(ctx context.Context, strategies []string, cfg Config, reps int) ([]*Result, []Standing, error) {
	n := len(s.Problem.Parties)
	k := len(strategies)
	total := 1
	for i := 0; i < n && total <= MaxAssignments; i++ {
		total *= k
	}
	var assigns [][]int
	if total <= MaxAssignments {
		for a := 0; a < total; a++ {
			row := make([]int, n)
			x := a
			for i := n - 1; i >= 0; i-- {
				row[i] = x % k
				x /= k
			}
			assigns = append(assigns, row)
		}
	} else {
		rng := rand.New(rand.NewPCG(cfg.Seed, 0x70))
		for a := 0; a < MaxAssignments; a++ {
			row := make([]int, n)
			for i := range row {
				row[i] = rng.IntN(k)
			}
			assigns = append(assigns, row)
		}
	}
	st := make([]Standing, k)
	nd := make([]int, k)
	for i, name := range strategies {
		st[i].Strategy = name
	}
	var results []*Result
	for _, row := range assigns {
		for r := 0; r < max(reps, 1); r++ {
			agents := make([]Agent, n)
			for i, si := range row {
				a, err := NewAgent(strategies[si])
				if err != nil {
					return nil, nil, err
				}
				agents[i] = a
			}
			c := cfg
			c.Seed = cfg.Seed + uint64(r)
			res, err := s.Run(ctx, agents, c)
			if err != nil {
				return nil, nil, err
			}
			results = append(results, res)
			for i, si := range row {
				x := &st[si]
				x.Sessions++
				x.MeanRounds += float64(res.Round)
				if res.Agreement {
					x.Agreements++
					x.MeanUtil += res.Utilities[i]
					if res.DistFrontier >= 0 {
						x.MeanDistF += res.DistFrontier
						x.MeanDistN += res.DistNash
						nd[si]++
					}
				} else {
					x.MeanUtil += s.Problem.Parties[i].Reserved
				}
			}
		}
	}
	for i := range st {
		if st[i].Sessions > 0 {
			st[i].MeanUtil /= float64(st[i].Sessions)
			st[i].MeanRounds /= float64(st[i].Sessions)
		}
		if nd[i] > 0 {
			st[i].MeanDistF /= float64(nd[i])
			st[i].MeanDistN /= float64(nd[i])
		} else {
			st[i].MeanDistF, st[i].MeanDistN = -1, -1
		}
	}
	// Rank by mean utility, best first (stable, so ties keep name order).
	for i := 1; i < len(st); i++ {
		for j := i; j > 0 && st[j].MeanUtil > st[j-1].MeanUtil; j-- {
			st[j], st[j-1] = st[j-1], st[j]
		}
	}
	return results, st, nil
}

// MeasureSteps times SAOP steps between two Boulware agents that never
// agree early, on a synthetic 10^6-outcome additive domain (candidate bids:
// frontier plus sample), and returns nanoseconds per step.
func MeasureSteps() float64 {
	p := Synthetic(6, 10, 1)
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		panic(err)
	}
	steps, elapsed := 0, time.Duration(0)
	for elapsed < 300*time.Millisecond {
		start := time.Now()
		res, err := s.Run(context.Background(), []Agent{Boulware(), Boulware()}, Config{Rounds: 10000, Seed: 1})
		if err != nil {
			panic(err)
		}
		elapsed += time.Since(start)
		steps += res.Steps
	}
	return float64(elapsed.Nanoseconds()) / float64(steps)
}

// Synthetic returns a 2-party additive problem with issues×values outcomes
// and seeded uniform contributions.
func Synthetic(issues, values int, seed uint64) *negotiate.Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	d := &negotiate.Domain{Name: "synthetic"}
	for i := 0; i < issues; i++ {
		is := negotiate.Issue{Name: "i" + itoa(i), Kind: negotiate.Discrete}
		for v := 0; v < values; v++ {
			is.Values = append(is.Values, itoa(v))
		}
		d.Issues = append(d.Issues, is)
	}
	p := &negotiate.Problem{Domain: d}
	for j := 0; j < 2; j++ {
		a := &negotiate.Additive{}
		for i := 0; i < issues; i++ {
			c := make([]float64, values)
			for v := range c {
				c[v] = rng.Float64() / float64(issues)
			}
			a.Contrib = append(a.Contrib, c)
		}
		p.Parties = append(p.Parties, negotiate.Party{Name: "p" + itoa(j+1), U: a, Reserved: 0.3})
	}
	return p
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}
