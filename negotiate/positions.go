package negotiate

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"cel.dev/cel-go/cel"
	"gopkg.in/yaml.v3"

	"github.com/backstop-dev/backstop/agreement"
)

// Positions is a positions file: each party's red lines, preferences and
// walk-away value over the terms of an agreement document. See
// docs/negotiation.md for the format.
type Positions struct {
	// Agreement is the path of the agreement document whose terms are
	// negotiated, relative to the positions file.
	Agreement string `yaml:"agreement"`
	// Note is shown with every analysis (e.g. that weights are illustrative).
	Note    string          `yaml:"note"`
	Parties []PartyPosition `yaml:"parties"`

	// Path is the file read; Domain the terms as issues; Terms the
	// agreement's terms in the same order.
	Path   string           `yaml:"-"`
	Domain *Domain          `yaml:"-"`
	Terms  []agreement.Term `yaml:"-"`
	// termValues[i][v] is the Go value (string, bool, int64) of value v of
	// term i, as CEL sees it.
	termValues [][]any
	redLines   []*RedLine // all parties' red lines, in file order
}

// PartyPosition is one party's position.
type PartyPosition struct {
	Party    string  `yaml:"party"`
	Name     string  `yaml:"name"`
	WalkAway float64 `yaml:"walk_away"`
	// RedLines are hard constraints: a deal violating one is unacceptable
	// to this party whatever its utility.
	RedLines    []*RedLine  `yaml:"red_lines"`
	Preferences Preferences `yaml:"preferences"`
	Uncertainty Uncertainty `yaml:"uncertainty"`
	Line        int         `yaml:"-"`

	u       *Additive
	weights []float64   // normalised weight per term
	evals   [][]float64 // utility per term value
}

// Preferences are additive: Σ weight(term) × value(term, deal's value),
// with weights normalised to sum to 1.
type Preferences struct {
	Weights map[string]float64 `yaml:"weights"`
	// Values gives, per term, the utility in [0,1] of each value. Enum and
	// bool terms list values by name; int terms give points (value:
	// utility) between which utility is piecewise linear, flat outside.
	Values map[string]map[string]float64 `yaml:"values"`
}

// Uncertainty gives the half-widths of uniform ranges around the stated
// preferences: Weights is relative (0.1: each weight ±10%, then
// renormalised), Values absolute (0.1: each value's utility ±0.1, clamped to
// [0,1]).
type Uncertainty struct {
	Weights float64 `yaml:"weights"`
	Values  float64 `yaml:"values"`
}

// RedLine is a hard constraint of one party over the terms, a CEL
// expression over terms.<id> that a deal must make true.
type RedLine struct {
	ID        string  `yaml:"id"`
	Text      string  `yaml:"text"`
	Require   string  `yaml:"require"`
	RelaxCost float64 `yaml:"relax_cost"`
	Line      int     `yaml:"-"`
	// Party is the id of the party holding the red line.
	Party string `yaml:"-"`
	// Terms are the positions of the terms the expression reads.
	Terms []int `yaml:"-"`
	// table[k] says whether the k-th assignment (mixed radix over Terms)
	// satisfies the red line.
	table []bool
}

// checkKeys rejects unknown keys in a mapping (yaml.v3's KnownFields does
// not reach inside custom unmarshalers).
func checkKeys(n *yaml.Node, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return fmt.Errorf("line %d: field %s not found (want one of %s)", k.Line, k.Value, strings.Join(allowed, ", "))
		}
	}
	return nil
}

// UnmarshalYAML records the line of a red line.
func (r *RedLine) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "id", "text", "require", "relax_cost"); err != nil {
		return err
	}
	type plain RedLine
	if err := n.Decode((*plain)(r)); err != nil {
		return err
	}
	r.Line = n.Line
	return nil
}

// UnmarshalYAML records the line of a party's position.
func (p *PartyPosition) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, "party", "name", "walk_away", "red_lines", "preferences", "uncertainty"); err != nil {
		return err
	}
	type plain PartyPosition
	if err := n.Decode((*plain)(p)); err != nil {
		return err
	}
	p.Line = n.Line
	return nil
}

// LoadPositions reads a positions file and the agreement it names.
func LoadPositions(path string) (*Positions, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("positions: %w", err)
	}
	var pos Positions
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&pos); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pos.Path = path
	if pos.Agreement == "" {
		return nil, fmt.Errorf("%s: no agreement: name the agreement document whose terms are negotiated", path)
	}
	ap := pos.Agreement
	if !filepath.IsAbs(ap) {
		ap = filepath.Join(filepath.Dir(path), ap)
	}
	doc, err := agreement.Load(ap)
	if err != nil {
		return nil, fmt.Errorf("%s: agreement %s: %w", path, pos.Agreement, err)
	}
	terms := make([]agreement.Term, len(doc.Terms))
	for i, t := range doc.Terms {
		terms[i] = *t
	}
	names := map[string]string{}
	for _, p := range doc.Parties {
		names[p.ID] = p.Name
	}
	if err := pos.compile(terms, names); err != nil {
		return nil, err
	}
	return &pos, nil
}

// ParsePositions builds positions from YAML source and a list of terms,
// without an agreement document (for tests and tools).
func ParsePositions(name string, src []byte, terms []agreement.Term) (*Positions, error) {
	var pos Positions
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&pos); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	pos.Path = name
	if err := pos.compile(terms, nil); err != nil {
		return nil, err
	}
	return &pos, nil
}

var termRef = regexp.MustCompile(`terms\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['"]([^'"]+)['"]\s*\])`)

func (pos *Positions) errf(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("%s:%d: %s", pos.Path, line, msg)
	}
	return fmt.Errorf("%s: %s", pos.Path, msg)
}

func (pos *Positions) compile(terms []agreement.Term, names map[string]string) error {
	pos.Terms = terms
	pos.Domain = &Domain{Name: strings.TrimSuffix(filepath.Base(pos.Path), filepath.Ext(pos.Path))}
	termIdx := map[string]int{}
	for i := range terms {
		t := &terms[i]
		termIdx[t.ID] = i
		vals := t.Domain()
		if len(vals) == 0 {
			return pos.errf(0, "term %q has no values", t.ID)
		}
		is := Issue{Name: t.ID}
		switch t.Type {
		case agreement.Int:
			is.Kind = Integer
		default:
			is.Kind = Discrete
		}
		for _, v := range vals {
			is.Values = append(is.Values, fmt.Sprint(v))
		}
		pos.Domain.Issues = append(pos.Domain.Issues, is)
		pos.termValues = append(pos.termValues, vals)
	}
	if len(terms) == 0 {
		return pos.errf(0, "the agreement declares no terms")
	}
	if len(pos.Parties) == 0 {
		return pos.errf(0, "no parties")
	}
	env, err := cel.NewEnv(cel.Variable("terms", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		return err
	}
	seenParty, seenLine := map[string]bool{}, map[string]bool{}
	for pi := range pos.Parties {
		p := &pos.Parties[pi]
		if p.Party == "" {
			return pos.errf(p.Line, "party without an id (party: ...)")
		}
		if seenParty[p.Party] {
			return pos.errf(p.Line, "party %q listed twice", p.Party)
		}
		seenParty[p.Party] = true
		if p.Name == "" {
			p.Name = names[p.Party]
		}
		if p.Name == "" {
			p.Name = p.Party
		}
		if p.WalkAway < 0 || p.WalkAway > 1 {
			return pos.errf(p.Line, "party %s: walk_away %g is outside [0,1]", p.Party, p.WalkAway)
		}
		for _, r := range p.RedLines {
			r.Party = p.Party
			if r.ID == "" {
				return pos.errf(r.Line, "red line without an id")
			}
			if seenLine[r.ID] {
				return pos.errf(r.Line, "red line id %q used twice", r.ID)
			}
			seenLine[r.ID] = true
			if r.Require == "" {
				return pos.errf(r.Line, "red line %s has no require expression", r.ID)
			}
			if r.RelaxCost == 0 {
				r.RelaxCost = 1
			}
			if r.RelaxCost < 0 {
				return pos.errf(r.Line, "red line %s: relax_cost must be positive", r.ID)
			}
			if err := pos.compileRedLine(env, r, termIdx); err != nil {
				return err
			}
			pos.redLines = append(pos.redLines, r)
		}
		if len(pos.redLines) > 62 {
			return pos.errf(r0(p.RedLines), "more than 62 red lines")
		}
		u, err := pos.utility(p, termIdx)
		if err != nil {
			return err
		}
		p.u = u
	}
	return nil
}

func r0(rs []*RedLine) int {
	if len(rs) > 0 {
		return rs[0].Line
	}
	return 0
}

// compileRedLine compiles the expression and tabulates it over the terms it
// reads: red lines over a few terms are decided by table look-up, never by
// evaluating CEL per deal.
func (pos *Positions) compileRedLine(env *cel.Env, r *RedLine, termIdx map[string]int) error {
	ast, iss := env.Compile(r.Require)
	if iss != nil && iss.Err() != nil {
		return pos.errf(r.Line, "red line %s: %v", r.ID, iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		return pos.errf(r.Line, "red line %s: %v", r.ID, err)
	}
	seen := map[int]bool{}
	for _, m := range termRef.FindAllStringSubmatch(r.Require, -1) {
		id := m[1] + m[2]
		i, ok := termIdx[id]
		if !ok {
			return pos.errf(r.Line, "red line %s reads terms.%s, which the agreement does not declare", r.ID, id)
		}
		if !seen[i] {
			seen[i] = true
			r.Terms = append(r.Terms, i)
		}
	}
	sort.Ints(r.Terms)
	size := 1
	for _, i := range r.Terms {
		size *= len(pos.termValues[i])
	}
	if size > 1<<20 {
		return pos.errf(r.Line, "red line %s reads terms with %d combinations; limit 2^20", r.ID, size)
	}
	r.table = make([]bool, size)
	vars := map[string]any{}
	tm := map[string]any{}
	vars["terms"] = tm
	idx := make([]int, len(r.Terms))
	for k := 0; k < size; k++ {
		rem := k
		for j := len(r.Terms) - 1; j >= 0; j-- {
			n := len(pos.termValues[r.Terms[j]])
			idx[j] = rem % n
			rem /= n
		}
		for j, i := range r.Terms {
			tm[pos.Terms[i].ID] = pos.termValues[i][idx[j]]
		}
		out, _, err := prg.Eval(vars)
		if err != nil {
			return pos.errf(r.Line, "red line %s: evaluating %q: %v", r.ID, r.Require, err)
		}
		b, ok := out.Value().(bool)
		if !ok {
			return pos.errf(r.Line, "red line %s: %q gives %v, not true or false", r.ID, r.Require, out)
		}
		r.table[k] = b
	}
	return nil
}

// Holds reports whether a deal satisfies the red line.
func (r *RedLine) Holds(d *Domain, o Outcome) bool {
	k := 0
	for _, i := range r.Terms {
		k = k*len(d.Issues[i].Values) + o[i]
	}
	return r.table[k]
}

func (pos *Positions) utility(p *PartyPosition, termIdx map[string]int) (*Additive, error) {
	for id, w := range p.Preferences.Weights {
		if _, ok := termIdx[id]; !ok {
			return nil, pos.errf(p.Line, "party %s: weight for unknown term %q", p.Party, id)
		}
		if w < 0 || math.IsNaN(w) {
			return nil, pos.errf(p.Line, "party %s: weight of %s is negative", p.Party, id)
		}
	}
	total := 0.0 // summed in term order: map order would change the last bit
	for _, t := range pos.Terms {
		total += p.Preferences.Weights[t.ID]
	}
	if total <= 0 {
		return nil, pos.errf(p.Line, "party %s: preferences need positive weights", p.Party)
	}
	for id := range p.Preferences.Values {
		if _, ok := termIdx[id]; !ok {
			return nil, pos.errf(p.Line, "party %s: values for unknown term %q", p.Party, id)
		}
	}
	evals := make([][]float64, len(pos.Terms))
	for i, t := range pos.Terms {
		ev := make([]float64, len(pos.termValues[i]))
		vals := p.Preferences.Values[t.ID]
		if t.Type == agreement.Int && len(vals) > 0 {
			type pt struct{ x, y float64 }
			var pts []pt
			for k, y := range vals {
				x, err := strconv.ParseFloat(k, 64)
				if err != nil {
					return nil, pos.errf(p.Line, "party %s: values of int term %s: key %q is not a number", p.Party, t.ID, k)
				}
				pts = append(pts, pt{x, y})
			}
			sort.Slice(pts, func(a, b int) bool { return pts[a].x < pts[b].x })
			for v, val := range pos.termValues[i] {
				x := float64(val.(int64))
				switch {
				case x <= pts[0].x:
					ev[v] = pts[0].y
				case x >= pts[len(pts)-1].x:
					ev[v] = pts[len(pts)-1].y
				default:
					for j := 1; j < len(pts); j++ {
						if x <= pts[j].x {
							a, b := pts[j-1], pts[j]
							ev[v] = a.y + (x-a.x)*(b.y-a.y)/(b.x-a.x)
							break
						}
					}
				}
			}
		} else {
			known := map[string]bool{}
			for v, label := range pos.Domain.Issues[i].Values {
				ev[v] = vals[label]
				known[label] = true
			}
			for k := range vals {
				if !known[k] {
					return nil, pos.errf(p.Line, "party %s: term %s has no value %q (values: %s)", p.Party, t.ID, k, strings.Join(pos.Domain.Issues[i].Values, ", "))
				}
			}
		}
		for v, e := range ev {
			if e < 0 || e > 1 {
				return nil, pos.errf(p.Line, "party %s: utility %g of %s=%s is outside [0,1]", p.Party, e, t.ID, pos.Domain.Issues[i].Values[v])
			}
		}
		evals[i] = ev
	}
	p.weights = make([]float64, len(pos.Terms))
	for i, t := range pos.Terms {
		p.weights[i] = p.Preferences.Weights[t.ID] / total
	}
	p.evals = evals
	return additiveFrom(p.weights, evals), nil
}

// additiveFrom builds Σ w_i × e_i(v) as contribution tables.
func additiveFrom(weights []float64, evals [][]float64) *Additive {
	a := &Additive{Contrib: make([][]float64, len(weights))}
	for i, w := range weights {
		c := make([]float64, len(evals[i]))
		for v, e := range evals[i] {
			c[v] = float64(w * e)
		}
		a.Contrib[i] = c
	}
	return a
}

// RedLines returns every party's red lines in file order.
func (pos *Positions) RedLines() []*RedLine { return pos.redLines }

// Problem returns the negotiation with every red line in force.
func (pos *Positions) Problem() *Problem { return pos.ProblemWithout(0) }

// ProblemWithout returns the negotiation with the red lines in the bit set
// relaxed (bit j: RedLines()[j]) and the others in force.
func (pos *Positions) ProblemWithout(relaxed uint64) *Problem {
	p := &Problem{Domain: pos.Domain}
	for i := range pos.Parties {
		pp := &pos.Parties[i]
		p.Parties = append(p.Parties, Party{Name: pp.Party, U: pp.u, Reserved: pp.WalkAway, Discount: 1})
	}
	var active []*RedLine
	for j, r := range pos.redLines {
		if relaxed&(1<<j) == 0 {
			active = append(active, r)
		}
	}
	if len(active) > 0 {
		d := pos.Domain
		p.Feasible = func(o Outcome) bool {
			for _, r := range active {
				if !r.Holds(d, o) {
					return false
				}
			}
			return true
		}
	}
	return p
}

// Violations returns the bit set of red lines a deal violates.
func (pos *Positions) Violations(o Outcome) uint64 {
	var m uint64
	for j, r := range pos.redLines {
		if !r.Holds(pos.Domain, o) {
			m |= 1 << j
		}
	}
	return m
}
