package simulate

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/backstop-dev/backstop/negotiate"
	"github.com/backstop-dev/backstop/negotiate/genius"
)

func travel(t testing.TB) *negotiate.Problem {
	s, err := genius.LoadDir(filepath.Join(shareddata.Path(t, "negotiation", "scenarios", "anac", "y2012", "TravelB")))
	if err != nil {
		t.Fatal(err)
	}
	return s.Problem()
}

// TestSessions checks every pair of strategies on a real domain: results
// are reproducible, agreements are acceptable to both sides and lie within
// the utility space, and distances are consistent with the frontier.
func TestSessions(t *testing.T) {
	p := travel(t)
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Frontier) == 0 || len(s.Nash) == 0 {
		t.Fatalf("session has %d frontier and %d Nash points; want some", len(s.Frontier), len(s.Nash))
	}
	for _, a := range StrategyNames() {
		for _, b := range StrategyNames() {
			t.Run(a+"-"+b, func(t *testing.T) {
				run := func() *Result {
					x, _ := NewAgent(a)
					y, _ := NewAgent(b)
					r, err := s.Run(context.Background(), []Agent{x, y}, Config{Rounds: 60, Seed: 3})
					if err != nil {
						t.Fatal(err)
					}
					return r
				}
				r1, r2 := run(), run()
				if !reflect.DeepEqual(r1, r2) {
					t.Fatalf("not reproducible: %+v then %+v", r1, r2)
				}
				if r1.Round > 60 {
					t.Errorf("round %d beyond the deadline 60", r1.Round)
				}
				if !r1.Agreement {
					return
				}
				for i, pt := range p.Parties {
					if got := pt.U.Utility(r1.Outcome); got != r1.Utilities[i] || got < pt.Reserved {
						t.Errorf("party %d utility %v (reported %v), walk-away %v", i, got, r1.Utilities[i], pt.Reserved)
					}
				}
				if r1.DistFrontier < 0 || r1.DistNash < r1.DistFrontier-1e-12 {
					t.Errorf("distances frontier %v, Nash %v; want 0 ≤ frontier ≤ Nash", r1.DistFrontier, r1.DistNash)
				}
			})
		}
	}
}

// TestBoulwareHoldsOut: a Boulware agent facing a conceder gets more than
// the conceder (the classic result), and a session of two Boulware agents
// ends late.
func TestBoulwareHoldsOut(t *testing.T) {
	p := travel(t)
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(context.Background(), []Agent{Boulware(), Conceder()}, Config{Rounds: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Agreement || r.Utilities[0] <= r.Utilities[1] {
		t.Errorf("boulware vs conceder: agreement %v utilities %v; want agreement with boulware ahead", r.Agreement, r.Utilities)
	}
	r, err = s.Run(context.Background(), []Agent{Boulware(), Boulware()}, Config{Rounds: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Agreement && r.Round < 50 {
		t.Errorf("two boulware agents agreed in round %d; want late (≥ 50) or never", r.Round)
	}
}

// TestLargeDomainCandidates: a 10^12-outcome domain is negotiated over the
// frontier plus a bounded sample, never over the whole space.
func TestLargeDomainCandidates(t *testing.T) {
	p := Synthetic(12, 10, 2)
	c, err := Candidates(context.Background(), p, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(c) < SampleSize || len(c) > SampleSize+10_000 {
		t.Errorf("got %d candidate bids; want about %d", len(c), SampleSize)
	}
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(context.Background(), []Agent{Linear(), NewAspiration()}, Config{Rounds: 200, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Agreement {
		t.Errorf("linear vs aspiration on a 10^12 domain: no agreement")
	}
}

func TestTournament(t *testing.T) {
	p := travel(t)
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, st, err := s.Tournament(context.Background(), StrategyNames(), Config{Rounds: 50, Seed: 1}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := 25 * 2; len(res) != want {
		t.Errorf("got %d sessions; want %d", len(res), want)
	}
	for i := 1; i < len(st); i++ {
		if st[i].MeanUtil > st[i-1].MeanUtil {
			t.Errorf("standings not sorted by mean utility: %+v", st)
		}
	}
	for _, x := range st {
		if x.Sessions != 20 {
			t.Errorf("%s played %d sessions; want 20", x.Strategy, x.Sessions)
		}
	}
}

// scanAgent is the baseline for BenchmarkSteps: a Boulware agent that finds
// its bid by scanning every candidate each step (what the sorted bids avoid).
type scanAgent struct{ TimeDependent }

func (a *scanAgent) Propose(t float64) negotiate.Outcome {
	target := a.target(t)
	b := a.env.Bids
	best := len(b.Utilities) - 1
	for i, u := range b.Utilities {
		if u >= target && u < b.Utilities[best] {
			best = i
		}
	}
	return b.Outcomes[best]
}

// BenchmarkSteps measures SAOP steps on a 10^6-outcome domain with sorted
// bids, against the scanning baseline.
func BenchmarkSteps(b *testing.B) {
	p := Synthetic(6, 10, 1)
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		mk   func() Agent
	}{
		{"sorted", Boulware},
		{"scan-baseline", func() Agent { return &scanAgent{TimeDependent{E: 0.2, Label: "scan"}} }},
	} {
		b.Run(c.name, func(b *testing.B) {
			steps := 0
			for b.Loop() {
				r, err := s.Run(context.Background(), []Agent{c.mk(), c.mk()}, Config{Rounds: 1000, Seed: 1})
				if err != nil {
					b.Fatal(err)
				}
				steps += r.Steps
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
		})
	}
}

// TestTimeDeadline: a wall-clock deadline ends the session on time.
func TestTimeDeadline(t *testing.T) {
	p := travel(t)
	s, err := NewSession(context.Background(), p, 1)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r, err := s.Run(context.Background(), []Agent{Boulware(), Boulware()}, Config{Deadline: 50 * time.Millisecond, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("session with a 50ms deadline ran %v", el)
	}
	if r.Steps == 0 {
		t.Errorf("no steps taken before the deadline")
	}
}
