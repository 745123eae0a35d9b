package negotiate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// OrderedOutcome is an outcome rendered as a JSON object whose keys are the
// issue names in domain order.
type OrderedOutcome struct {
	Names, Values []string
}

// MarshalJSON implements json.Marshaler, keeping issue order.
func (o OrderedOutcome) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range o.Names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(o.Names[i])
		v, _ := json.Marshal(o.Values[i])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// JSONPoint is a point in the JSON output.
type JSONPoint struct {
	Outcome   OrderedOutcome `json:"outcome"`
	Utilities []float64      `json:"utilities"`
}

// JSONIssue is an issue in the JSON output.
type JSONIssue struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// JSONParty is a party in the JSON output.
type JSONParty struct {
	Name     string  `json:"name"`
	Reserved float64 `json:"reserved"`
}

// JSONAnalysis is the JSON shape of an analysis; scripts depend on it.
type JSONAnalysis struct {
	Outcomes         json.Number `json:"outcomes"`
	RationalOutcomes *int64      `json:"rational_outcomes,omitempty"`
	Method           string      `json:"method"`
	Issues           []JSONIssue `json:"issues"`
	Parties          []JSONParty `json:"parties"`
	Frontier         []JSONPoint `json:"frontier"`
	Nash             []JSONPoint `json:"nash"`
	KalaiSmorodinsky []JSONPoint `json:"kalai_smorodinsky"`
	Egalitarian      []JSONPoint `json:"egalitarian"`
	MaxWelfare       []JSONPoint `json:"max_welfare"`
}

// JSONPoints converts points for output.
func JSONPoints(d *Domain, pts []Point) []JSONPoint {
	out := make([]JSONPoint, 0, len(pts))
	names := make([]string, len(d.Issues))
	for i, is := range d.Issues {
		names[i] = is.Name
	}
	for _, p := range pts {
		out = append(out, JSONPoint{Outcome: OrderedOutcome{Names: names, Values: d.Labels(p.Outcome)}, Utilities: p.Utilities})
	}
	return out
}

// JSON returns the analysis in its JSON shape.
func (a *Analysis) JSON(p *Problem) *JSONAnalysis {
	j := &JSONAnalysis{
		Outcomes:         json.Number(a.Outcomes.String()),
		Method:           a.Method,
		Frontier:         JSONPoints(p.Domain, a.Frontier),
		Nash:             JSONPoints(p.Domain, a.Nash),
		KalaiSmorodinsky: JSONPoints(p.Domain, a.KalaiSmorodinsky),
		Egalitarian:      JSONPoints(p.Domain, a.Egalitarian),
		MaxWelfare:       JSONPoints(p.Domain, a.MaxWelfare),
	}
	if a.Rational >= 0 {
		r := a.Rational
		j.RationalOutcomes = &r
	}
	for _, is := range p.Domain.Issues {
		j.Issues = append(j.Issues, JSONIssue{Name: is.Name, Values: is.Values})
	}
	for _, pt := range p.Parties {
		j.Parties = append(j.Parties, JSONParty{Name: pt.Name, Reserved: pt.Reserved})
	}
	return j
}

// fmtU formats a utility for people.
func fmtU(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }

func fmtUs(us []float64) string {
	s := make([]string, len(us))
	for i, u := range us {
		s[i] = fmtU(u)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// WriteText writes a readable summary of the analysis. maxFrontier bounds
// the number of frontier deals listed (0: all).
func (a *Analysis) WriteText(w io.Writer, p *Problem, maxFrontier int) {
	names := make([]string, len(p.Parties))
	for i, pt := range p.Parties {
		names[i] = pt.Name
	}
	fmt.Fprintf(w, "Domain %s: %d issues, %s possible deals.\n", p.Domain.Name, len(p.Domain.Issues), a.Outcomes)
	fmt.Fprintf(w, "Parties (utility order): %s.\n", strings.Join(names, ", "))
	for i, pt := range p.Parties {
		fmt.Fprintf(w, "  %-12s walk-away %s, utility range %s..%s\n", pt.Name, fmtU(pt.Reserved), fmtU(a.Min[i]), fmtU(a.Max[i]))
	}
	if a.Rational >= 0 {
		fmt.Fprintf(w, "Deals every party prefers to walking away: %d.\n", a.Rational)
	}
	fmt.Fprintf(w, "Pareto frontier (%s): %d deals.\n", a.Method, len(a.Frontier))
	if len(a.Frontier) == 0 {
		fmt.Fprintln(w, "No deal beats every party's walk-away value: there is no zone of agreement.")
		return
	}
	for _, s := range []struct {
		name string
		pts  []Point
	}{
		{"Nash bargaining point (max product of gains over walk-away)", a.Nash},
		{"Kalai-Smorodinsky point (equal share of each party's best)", a.KalaiSmorodinsky},
		{"Egalitarian point (max smallest gain)", a.Egalitarian},
		{"Maximum welfare (max sum of utilities)", a.MaxWelfare},
	} {
		fmt.Fprintf(w, "%s:\n", s.name)
		for _, pt := range s.pts {
			fmt.Fprintf(w, "  %s  %s\n", fmtUs(pt.Utilities), p.Domain.Format(pt.Outcome))
		}
	}
	n := len(a.Frontier)
	if maxFrontier > 0 && n > maxFrontier {
		n = maxFrontier
	}
	fmt.Fprintf(w, "Frontier deals (utilities %s):\n", strings.Join(names, ", "))
	for _, pt := range a.Frontier[:n] {
		fmt.Fprintf(w, "  %s  %s\n", fmtUs(pt.Utilities), p.Domain.Format(pt.Outcome))
	}
	if n < len(a.Frontier) {
		fmt.Fprintf(w, "  ... %d more (use --format json for all)\n", len(a.Frontier)-n)
	}
}
