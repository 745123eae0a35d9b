package negotiate

import "fmt"

// Utility evaluates a deal for one party. Implementations must be safe for
// concurrent use and must not keep o.
type Utility interface {
	Utility(o Outcome) float64
}

// Additive is a utility that is a sum of one contribution per issue,
// added in issue order starting at 0.0: u(o) = ((0 + c[0][o0]) + c[1][o1]) + ...
// A contribution is typically weight × evaluation, rounded once to float64,
// which is exactly how GENIUS's AdditiveUtilitySpace computes a utility.
type Additive struct {
	// Contrib[i][v] is what value v of issue i adds.
	Contrib [][]float64
}

// Utility implements Utility.
func (a *Additive) Utility(o Outcome) float64 {
	u := 0.0
	for i, v := range o {
		u += a.Contrib[i][v]
	}
	return u
}

// Bounds returns the smallest and largest utility over all outcomes. Because
// float64 addition is monotone in each operand, picking the extreme
// contribution of every issue gives the exact float extremes.
func (a *Additive) Bounds() (lo, hi float64) {
	for _, c := range a.Contrib {
		mn, mx := c[0], c[0]
		for _, x := range c[1:] {
			mn = min(mn, x)
			mx = max(mx, x)
		}
		lo += mn
		hi += mx
	}
	return lo, hi
}

// check verifies that the table fits the domain.
func (a *Additive) check(d *Domain) error {
	if len(a.Contrib) != len(d.Issues) {
		return fmt.Errorf("additive utility has %d issues; domain has %d", len(a.Contrib), len(d.Issues))
	}
	for i, c := range a.Contrib {
		if len(c) != len(d.Issues[i].Values) {
			return fmt.Errorf("issue %q: additive utility has %d values; domain has %d", d.Issues[i].Name, len(c), len(d.Issues[i].Values))
		}
	}
	return nil
}

// Party is one negotiator in a Problem.
type Party struct {
	Name string
	// U is the party's utility; *Additive enables the fast frontier.
	U Utility
	// Reserved is the walk-away value: a deal below it is worse than no
	// deal for this party (GENIUS's reservation value, 0 if absent).
	Reserved float64
	// Discount is GENIUS's discount factor (1 or 0 means none). Analysis
	// ignores it, as the reference tools do; simulation may apply it.
	Discount float64
}

// Problem is a domain and the parties negotiating over it.
type Problem struct {
	Domain  *Domain
	Parties []Party
	// Feasible, when set, restricts the deals to those it accepts (e.g.
	// red lines); analysis treats other deals as non-existent for the
	// frontier but still counts them in Outcomes.
	Feasible func(o Outcome) bool
}

// Validate reports structural problems.
func (p *Problem) Validate() error {
	if p.Domain == nil {
		return fmt.Errorf("problem has no domain")
	}
	if err := p.Domain.Validate(); err != nil {
		return err
	}
	if len(p.Parties) == 0 {
		return fmt.Errorf("problem has no parties")
	}
	for _, pt := range p.Parties {
		if pt.U == nil {
			return fmt.Errorf("party %q has no utility function", pt.Name)
		}
		if a, ok := pt.U.(*Additive); ok {
			if err := a.check(p.Domain); err != nil {
				return fmt.Errorf("party %q: %w", pt.Name, err)
			}
		}
	}
	return nil
}

// additives returns the parties' additive tables, or nil if any party's
// utility is not additive.
func (p *Problem) additives() []*Additive {
	out := make([]*Additive, len(p.Parties))
	for i, pt := range p.Parties {
		a, ok := pt.U.(*Additive)
		if !ok {
			return nil
		}
		out[i] = a
	}
	return out
}

// bounded reports whether every party's utility implements Bounded.
func (p *Problem) bounded() bool {
	for _, pt := range p.Parties {
		if _, ok := pt.U.(Bounded); !ok {
			return false
		}
	}
	return true
}
