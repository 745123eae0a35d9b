package simulate

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/backstop-dev/backstop/negotiate"
)

// TimeDependent concedes from its best bid towards its walk-away value as
// time passes: target(t) = r + (max − r)(1 − t^(1/E)). E < 1 is Boulware
// (holds firm until late), E = 1 linear, E > 1 conceder. It accepts any
// offer at least as good as what it would offer next.
type TimeDependent struct {
	E     float64
	Label string
	env   *Env
	floor float64
}

// Boulware, Linear and Conceder are the classic time-dependent agents.
func Boulware() Agent { return &TimeDependent{E: 0.2, Label: "boulware"} }

// Linear concedes at a constant rate.
func Linear() Agent { return &TimeDependent{E: 1, Label: "linear"} }

// Conceder concedes early.
func Conceder() Agent { return &TimeDependent{E: 2, Label: "conceder"} }

// Name implements Agent.
func (a *TimeDependent) Name() string { return a.Label }

// Init implements Agent.
func (a *TimeDependent) Init(env *Env) {
	a.env = env
	a.floor = max(env.Reserved(), env.Bids.Min())
}

func (a *TimeDependent) target(t float64) float64 {
	mx := a.env.Bids.Max()
	return a.floor + (mx-a.floor)*(1-math.Pow(t, 1/a.E))
}

// Propose implements Agent.
func (a *TimeDependent) Propose(t float64) negotiate.Outcome {
	return a.env.Bids.Outcomes[a.env.Bids.AtLeast(a.target(t))]
}

// Respond implements Agent.
func (a *TimeDependent) Respond(t float64, offer negotiate.Outcome) bool {
	u := a.env.Utility(offer)
	return u >= a.env.Reserved() && u >= a.env.Bids.Utilities[a.env.Bids.AtLeast(a.target(t))]
}

// Observe implements Agent.
func (a *TimeDependent) Observe(int, negotiate.Outcome) {}

// Aspiration lowers its aspiration level geometrically in time (exponent
// Exp: target(t) = r + (max − r)(1 − t^Exp)) and, among the bids that meet
// its aspiration, offers the one closest (fewest differing terms) to the
// last offer it received, within a fixed window of bids, so that its
// concessions move towards the others.
type Aspiration struct {
	Exp    float64
	Window int
	env    *Env
	floor  float64
	last   negotiate.Outcome
}

// NewAspiration returns an aspiration agent with exponent 3 and a window of
// 64 bids.
func NewAspiration() Agent { return &Aspiration{Exp: 3, Window: 64} }

// Name implements Agent.
func (a *Aspiration) Name() string { return "aspiration" }

// Init implements Agent.
func (a *Aspiration) Init(env *Env) {
	a.env, a.last = env, nil
	a.floor = max(env.Reserved(), env.Bids.Min())
}

func (a *Aspiration) target(t float64) float64 {
	mx := a.env.Bids.Max()
	return a.floor + (mx-a.floor)*(1-math.Pow(t, a.Exp))
}

// Propose implements Agent.
func (a *Aspiration) Propose(t float64) negotiate.Outcome {
	b := a.env.Bids
	i := b.AtLeast(a.target(t))
	if a.last == nil {
		return b.Outcomes[i]
	}
	best, bestD := i, math.MaxInt
	for k := i; k < len(b.Outcomes) && k < i+a.Window; k++ {
		d := 0
		for j, v := range b.Outcomes[k] {
			if v != a.last[j] {
				d++
			}
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return b.Outcomes[best]
}

// Respond implements Agent.
func (a *Aspiration) Respond(t float64, offer negotiate.Outcome) bool {
	u := a.env.Utility(offer)
	return u >= a.env.Reserved() && u >= a.target(t)
}

// Observe implements Agent.
func (a *Aspiration) Observe(_ int, offer negotiate.Outcome) { a.last = offer }

// TitForTat mirrors the others' concessions, measured in its own utility:
// it concedes from its best bid by as much as the best offer received so
// far improved on the first one received, never below its walk-away value
// and never less than a small time-based minimum, so that two tit-for-tat
// agents do not stall forever.
type TitForTat struct {
	env          *Env
	first, bestU float64
	seen         bool
}

// NewTitForTat returns a relative tit-for-tat agent.
func NewTitForTat() Agent { return &TitForTat{} }

// Name implements Agent.
func (a *TitForTat) Name() string { return "tit-for-tat" }

// Init implements Agent.
func (a *TitForTat) Init(env *Env) { a.env, a.seen = env, false }

func (a *TitForTat) target(t float64) float64 {
	mx := a.env.Bids.Max()
	floor := max(a.env.Reserved(), a.env.Bids.Min())
	conc := 0.0
	if a.seen {
		conc = a.bestU - a.first
	}
	conc = max(conc, (mx-floor)*math.Pow(t, 3)) // late, minimal concession
	return max(floor, mx-conc)
}

// Propose implements Agent.
func (a *TitForTat) Propose(t float64) negotiate.Outcome {
	return a.env.Bids.Outcomes[a.env.Bids.AtLeast(a.target(t))]
}

// Respond implements Agent.
func (a *TitForTat) Respond(t float64, offer negotiate.Outcome) bool {
	u := a.env.Utility(offer)
	return u >= a.env.Reserved() && u >= a.target(t)
}

// Observe implements Agent.
func (a *TitForTat) Observe(_ int, offer negotiate.Outcome) {
	u := a.env.Utility(offer)
	if !a.seen {
		a.first, a.bestU, a.seen = u, u, true
	}
	a.bestU = max(a.bestU, u)
}

// Strategies maps strategy names to constructors.
var Strategies = map[string]func() Agent{
	"boulware":    Boulware,
	"linear":      Linear,
	"conceder":    Conceder,
	"aspiration":  NewAspiration,
	"tit-for-tat": NewTitForTat,
}

// StrategyNames lists the strategies in a fixed order.
func StrategyNames() []string {
	var s []string
	for k := range Strategies {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// NewAgent returns a fresh agent of the named strategy.
func NewAgent(name string) (Agent, error) {
	f, ok := Strategies[name]
	if !ok {
		return nil, fmt.Errorf("unknown strategy %q (want one of %s)", name, strings.Join(StrategyNames(), ", "))
	}
	return f(), nil
}
