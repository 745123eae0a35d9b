// Package simulate runs automated negotiations over a negotiate.Problem
// with the stacked alternating offers protocol (SAOP) for two or more
// parties, and tournaments between strategies.
//
// In SAOP the parties sit in a ring. The first party offers a deal; each
// following party either accepts the standing offer or rejects it by making
// a counter-offer, which becomes the standing offer. A deal is reached when
// every other party has accepted the standing offer in turn; the session
// ends without agreement at the deadline (rounds, or wall-clock time).
//
// Cost per step does not depend on the size of the outcome space: each
// agent sorts its candidate bids by its own utility once, before the
// session, and then finds a bid for a target utility by binary search and
// evaluates an offer in time linear in the number of issues. Domains too
// large to list use the exact Pareto frontier (additive utilities) plus a
// seeded random sample as candidate bids.
//
// Sessions are reproducible: the same problem, agents, seed and round
// deadline give the same result (a wall-clock deadline does not).
package simulate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/backstop-dev/backstop/negotiate"
)

// MaxListed is the largest outcome space whose every outcome becomes a
// candidate bid; larger spaces are sampled.
const MaxListed = 200_000

// SampleSize is the number of random outcomes added to the frontier as
// candidate bids in large spaces.
const SampleSize = 50_000

// Bids are one party's candidate bids sorted by its own utility, ascending.
type Bids struct {
	Outcomes  []negotiate.Outcome
	Utilities []float64
}

// Candidates lists the outcomes agents may offer: every outcome of a small
// space (restricted to p.Feasible), or the Pareto frontier plus a seeded
// sample of a large one.
func Candidates(ctx context.Context, p *negotiate.Problem, seed uint64) ([]negotiate.Outcome, error) {
	d := p.Domain
	if size, ok := d.SizeUint64(); ok && size <= MaxListed {
		var out []negotiate.Outcome
		for r := uint64(0); r < size; r++ {
			o := d.Decode(r, nil)
			if p.Feasible == nil || p.Feasible(o) {
				out = append(out, o)
			}
		}
		return out, nil
	}
	var out []negotiate.Outcome
	if a, err := negotiate.Analyze(ctx, p, negotiate.Options{}); err == nil {
		for _, pt := range a.Frontier {
			out = append(out, pt.Outcome)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5a0b))
	for len(out) < SampleSize {
		o := make(negotiate.Outcome, len(d.Issues))
		for i, is := range d.Issues {
			o[i] = rng.IntN(len(is.Values))
		}
		if p.Feasible == nil || p.Feasible(o) {
			out = append(out, o)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// NewBids sorts the candidates by party's utility.
func NewBids(p *negotiate.Problem, party int, cands []negotiate.Outcome) *Bids {
	b := &Bids{Outcomes: make([]negotiate.Outcome, len(cands)), Utilities: make([]float64, len(cands))}
	idx := make([]int, len(cands))
	us := make([]float64, len(cands))
	for i, o := range cands {
		idx[i] = i
		us[i] = p.Parties[party].U.Utility(o)
	}
	sort.SliceStable(idx, func(a, c int) bool { return us[idx[a]] < us[idx[c]] })
	for k, i := range idx {
		b.Outcomes[k] = cands[i]
		b.Utilities[k] = us[i]
	}
	return b
}

// AtLeast returns the index of the cheapest bid with utility >= target (the
// best bid when none reaches it).
func (b *Bids) AtLeast(target float64) int {
	i := sort.SearchFloat64s(b.Utilities, target)
	if i >= len(b.Utilities) {
		return len(b.Utilities) - 1
	}
	return i
}

// Max is the best bid's utility.
func (b *Bids) Max() float64 { return b.Utilities[len(b.Utilities)-1] }

// Min is the worst bid's utility.
func (b *Bids) Min() float64 { return b.Utilities[0] }

// Env is what an agent knows about its session.
type Env struct {
	Problem *negotiate.Problem
	Self    int
	Bids    *Bids
	Rng     *rand.Rand
}

// Utility is the agent's own utility for a deal.
func (e *Env) Utility(o negotiate.Outcome) float64 { return e.Problem.Parties[e.Self].U.Utility(o) }

// Reserved is the agent's walk-away value.
func (e *Env) Reserved() float64 { return e.Problem.Parties[e.Self].Reserved }

// Agent is a negotiation strategy. t is the relative time in [0,1].
type Agent interface {
	Name() string
	// Init prepares the agent for a session.
	Init(env *Env)
	// Propose returns the agent's offer (a bid from env.Bids).
	Propose(t float64) negotiate.Outcome
	// Respond says whether the agent accepts the standing offer.
	Respond(t float64, offer negotiate.Outcome) bool
	// Observe tells the agent about an offer made by another party.
	Observe(from int, offer negotiate.Outcome)
}

// Config sets a session's deadline and seed.
type Config struct {
	// Rounds is the deadline in rounds (one round: every party acts once).
	Rounds int
	// Deadline, if set, is a wall-clock limit used instead of Rounds for
	// relative time (not reproducible).
	Deadline time.Duration
	Seed     uint64
}

// Result is the outcome of one session.
type Result struct {
	Agents    []string          `json:"agents"`
	Agreement bool              `json:"agreement"`
	Outcome   negotiate.Outcome `json:"-"`
	Deal      map[string]string `json:"deal,omitempty"`
	Round     int               `json:"round"`
	Steps     int               `json:"steps"`
	Utilities []float64         `json:"utilities"`
	// DistFrontier and DistNash are Euclidean distances in utility space
	// from the agreement to the nearest frontier deal and Nash deal (-1
	// without agreement or without a frontier).
	DistFrontier float64 `json:"distance_to_frontier"`
	DistNash     float64 `json:"distance_to_nash"`
}

// Session is a prepared negotiation: the problem, the candidate bids and
// the reference points, reusable across many runs.
type Session struct {
	Problem  *negotiate.Problem
	Bids     []*Bids
	Frontier []negotiate.Point
	Nash     []negotiate.Point
}

// NewSession prepares a problem: candidate bids per party and, when it can
// be computed, the frontier and the Nash point for distances.
func NewSession(ctx context.Context, p *negotiate.Problem, seed uint64) (*Session, error) {
	cands, err := Candidates(ctx, p, seed)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("no admissible deal to offer")
	}
	s := &Session{Problem: p}
	for i := range p.Parties {
		s.Bids = append(s.Bids, NewBids(p, i, cands))
	}
	if a, err := negotiate.Analyze(ctx, p, negotiate.Options{}); err == nil {
		s.Frontier, s.Nash = a.Frontier, a.Nash
	}
	return s, nil
}

// Run negotiates once between the agents (one per party, in party order).
func (s *Session) Run(ctx context.Context, agents []Agent, cfg Config) (*Result, error) {
	p := s.Problem
	n := len(p.Parties)
	if len(agents) != n {
		return nil, fmt.Errorf("%d agents for %d parties", len(agents), n)
	}
	if n < 2 {
		return nil, fmt.Errorf("a negotiation needs at least two parties")
	}
	if cfg.Rounds <= 0 && cfg.Deadline <= 0 {
		cfg.Rounds = 100
	}
	res := &Result{DistFrontier: -1, DistNash: -1}
	for i, a := range agents {
		res.Agents = append(res.Agents, a.Name())
		a.Init(&Env{Problem: p, Self: i, Bids: s.Bids[i], Rng: rand.New(rand.NewPCG(cfg.Seed, uint64(i)))})
	}
	start := time.Now()
	maxSteps := cfg.Rounds * n
	relTime := func(step int) float64 {
		if cfg.Deadline > 0 {
			return min(1, float64(time.Since(start))/float64(cfg.Deadline))
		}
		return min(1, float64(step)/float64(maxSteps))
	}
	var offer negotiate.Outcome
	offerer, accepts := 0, 0
	step := 0
	for {
		if cfg.Deadline > 0 {
			if time.Since(start) >= cfg.Deadline {
				break
			}
		} else if step >= maxSteps {
			break
		}
		if step&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		t := relTime(step)
		cur := (offerer + accepts + 1) % n
		if offer == nil {
			cur = 0
		}
		a := agents[cur]
		if offer != nil && a.Respond(t, offer) {
			accepts++
			step++
			if accepts == n-1 {
				res.Agreement = true
				break
			}
			continue
		}
		offer = a.Propose(t)
		offerer, accepts = cur, 0
		for j, b := range agents {
			if j != cur {
				b.Observe(cur, offer)
			}
		}
		step++
	}
	res.Steps = step
	res.Round = (step + n - 1) / n
	if res.Agreement {
		res.Outcome = offer
		res.Deal = map[string]string{}
		for i, is := range p.Domain.Issues {
			res.Deal[is.Name] = is.Values[offer[i]]
		}
		for _, pt := range p.Parties {
			res.Utilities = append(res.Utilities, pt.U.Utility(offer))
		}
		res.DistFrontier = nearest(res.Utilities, s.Frontier)
		res.DistNash = nearest(res.Utilities, s.Nash)
	}
	return res, nil
}

func nearest(u []float64, pts []negotiate.Point) float64 {
	if len(pts) == 0 {
		return -1
	}
	best := math.Inf(1)
	for _, p := range pts {
		d := 0.0
		for i := range u {
			x := u[i] - p.Utilities[i]
			d += x * x
		}
		best = min(best, d)
	}
	return math.Sqrt(best)
}
