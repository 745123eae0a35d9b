// Package genius reads negotiation domains and preference profiles in the
// formats of the GENIUS negotiation platform (XML) and its successor
// GeniusWeb (JSON), so that the ANAC competition domains run through
// Backstop's analysis and simulation unchanged.
//
// Utilities follow GENIUS 10.4 exactly, because results are compared with
// reference answers computed with its semantics:
//
//   - an additive profile's utility is Σ weight_i × eval_i(value), summed in
//     the domain's issue order starting at 0.0, each product rounded once;
//   - weights are matched to issues by the issue's index attribute, which is
//     an identifier, not a position (several ANAC files number issues from 2);
//     they are used as written, not re-normalised, and the total is not
//     clamped to 1;
//   - a discrete evaluation is the item's evaluation divided by the largest
//     evaluation of that issue in the profile (0 if that maximum is below
//     1e-5); when an item is listed twice the later one wins, as in GENIUS's
//     hash map;
//   - an integer (or real) evaluation is clamp(slope × (v − lowerbound) +
//     offset, 0, 1), with parameter0/parameter1 read as offset/slope where
//     slope/offset are absent, and lowerbound taken from the profile's issue,
//     its <range>, or the domain;
//   - hyper-rectangle (non-linear) profiles sum the utility × weight of
//     every INCLUDES rectangle that contains the bid and every EXCLUDES
//     rectangle that does not, divide by maxutility and cap at 1.
//
// Discount factors and reservation values are read; analysis ignores the
// discount factor as the reference tools do.
package genius

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/negotiate"
)

// RealSteps is the number of intervals a real-valued issue is cut into for
// analysis (RealSteps+1 values, both bounds included).
const RealSteps = 10

// MaxIntegerValues bounds the number of values of one integer issue.
const MaxIntegerValues = 10_000_000

// Domain is a GENIUS domain: the issues and the index attribute of each.
type Domain struct {
	*negotiate.Domain
	File string
	// IDs[i] is the index attribute of issue i.
	IDs []int
	// lower[i] is the lower bound of integer/real issue i.
	lower []float64
}

// Profile is one party's preferences over a Domain.
type Profile struct {
	File     string
	Name     string // file name without extension
	U        negotiate.Utility
	Reserved float64
	Discount float64
	// Notes record liberties taken to read the file.
	Notes []string
}

// Party converts the profile into a negotiating party.
func (p *Profile) Party() negotiate.Party {
	return negotiate.Party{Name: p.Name, U: p.U, Reserved: p.Reserved, Discount: p.Discount}
}

func attrFloat(file string, n *node, name string) (float64, bool, error) {
	s, ok := n.Attr[name]
	if !ok {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, true, &Error{File: file, Line: n.Line, Element: n.Name, Msg: fmt.Sprintf("attribute %s=%q is not a number", name, s)}
	}
	return f, true, nil
}

func attrInt(file string, n *node, name string) (int, bool, error) {
	s, ok := n.Attr[name]
	if !ok {
		return 0, false, nil
	}
	i, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, true, &Error{File: file, Line: n.Line, Element: n.Name, Msg: fmt.Sprintf("attribute %s=%q is not an integer", name, s)}
	}
	return i, true, nil
}

// issueType returns discrete, integer or real.
func issueType(n *node) string {
	for _, a := range []string{"etype", "type", "vtype"} {
		switch strings.ToLower(n.Attr[a]) {
		case "integer":
			return "integer"
		case "real":
			return "real"
		case "discrete":
			return "discrete"
		}
	}
	return "discrete"
}

// bounds returns an integer/real issue's bounds from its attributes or its
// <range> child.
func bounds(file string, n *node) (lo, hi float64, ok bool, err error) {
	l, okl, err := attrFloat(file, n, "lowerbound")
	if err != nil {
		return 0, 0, false, err
	}
	h, okh, err := attrFloat(file, n, "upperbound")
	if err != nil {
		return 0, 0, false, err
	}
	if okl && okh {
		return l, h, true, nil
	}
	if r := n.child("range"); r != nil {
		l, okl, err = attrFloat(file, r, "lowerbound")
		if err != nil {
			return 0, 0, false, err
		}
		h, okh, err = attrFloat(file, r, "upperbound")
		if err != nil {
			return 0, 0, false, err
		}
		if okl && okh {
			return l, h, true, nil
		}
	}
	return 0, 0, false, nil
}

// ReadDomain reads a GENIUS domain file (a <negotiation_template> holding a
// <utility_space>, or a bare <utility_space>).
func ReadDomain(path string) (*Domain, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read", Err: err}
	}
	root, err := parseXML(path, data)
	if err != nil {
		return nil, err
	}
	return domainFrom(path, root)
}

func domainFrom(path string, root *node) (*Domain, error) {
	us := root
	if root.Name != "utility_space" {
		us = root.child("utility_space")
		if us == nil {
			if ff := root.find("utility_space"); len(ff) > 0 {
				us = ff[0]
			}
		}
	}
	if us == nil {
		return nil, &Error{File: path, Line: root.Line, Element: root.Name, Msg: "no <utility_space> element: not a GENIUS domain"}
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	d := &Domain{Domain: &negotiate.Domain{Name: name}, File: path}
	seen := map[int]int{}
	for _, is := range us.find("issue", "issue") {
		id, ok, err := attrInt(path, is, "index")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: "issue has no index attribute"}
		}
		if prev, dup := seen[id]; dup {
			return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("issue index %d already used by issue %q", id, d.Issues[prev].Name)}
		}
		issue := negotiate.Issue{Name: is.Attr["name"]}
		if issue.Name == "" {
			return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: "issue has no name"}
		}
		for _, other := range d.Issues {
			if other.Name == issue.Name {
				// Outcomes are keyed by issue name, so two issues of one
				// name would silently share a value.
				return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("issue name %q is used twice", issue.Name)}
			}
		}
		lower := 0.0
		switch issueType(is) {
		case "discrete":
			issue.Kind = negotiate.Discrete
			vals := map[string]bool{}
			for _, it := range is.children("item") {
				v, ok := it.Attr["value"]
				if !ok {
					return nil, &Error{File: path, Line: it.Line, Element: "item", Msg: "item has no value attribute"}
				}
				if vals[v] {
					continue // duplicate item: GENIUS keeps one value
				}
				vals[v] = true
				issue.Values = append(issue.Values, v)
			}
			if len(issue.Values) == 0 {
				return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("discrete issue %q has no <item> values", issue.Name)}
			}
		case "integer", "real":
			lo, hi, ok, err := bounds(path, is)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("issue %q has no lowerbound/upperbound (attributes or <range>)", issue.Name)}
			}
			if hi < lo {
				return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("issue %q: upperbound %g below lowerbound %g", issue.Name, hi, lo)}
			}
			issue.Min, issue.Max, lower = lo, hi, lo
			if issueType(is) == "integer" {
				issue.Kind = negotiate.Integer
				if lo != math.Trunc(lo) || hi != math.Trunc(hi) {
					return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("integer issue %q has fractional bounds", issue.Name)}
				}
				if hi-lo+1 > MaxIntegerValues {
					return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("integer issue %q has %g values (limit %d)", issue.Name, hi-lo+1, MaxIntegerValues)}
				}
				for v := int64(lo); v <= int64(hi); v++ {
					issue.Values = append(issue.Values, strconv.FormatInt(v, 10))
				}
			} else {
				issue.Kind = negotiate.Real
				for k := 0; k <= RealSteps; k++ {
					x := lo + (hi-lo)*float64(k)/RealSteps
					issue.Values = append(issue.Values, strconv.FormatFloat(x, 'g', -1, 64))
				}
			}
		}
		seen[id] = len(d.Issues)
		d.Issues = append(d.Issues, issue)
		d.IDs = append(d.IDs, id)
		d.lower = append(d.lower, lower)
	}
	if len(d.Issues) == 0 {
		return nil, &Error{File: path, Line: us.Line, Element: "utility_space", Msg: "domain has no <issue> elements"}
	}
	return d, nil
}

// position returns the issue position for an index attribute, or -1.
func (d *Domain) position(id int) int {
	for i, x := range d.IDs {
		if x == id {
			return i
		}
	}
	return -1
}

// ReadProfile reads a GENIUS preference profile for the domain.
func ReadProfile(path string, d *Domain) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read", Err: err}
	}
	root, err := parseXML(path, data)
	if err != nil {
		return nil, err
	}
	return profileFrom(path, root, d)
}

func profileFrom(path string, root *node, d *Domain) (*Profile, error) {
	if root.Name != "utility_space" {
		return nil, &Error{File: path, Line: root.Line, Element: root.Name, Msg: "not a GENIUS profile (root element should be <utility_space>)"}
	}
	p := &Profile{File: path, Name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), Discount: 1}
	if r := root.find("reservation", "issue"); len(r) > 0 {
		v, ok, err := attrFloat(path, r[0], "value")
		if err != nil {
			return nil, err
		}
		if ok {
			p.Reserved = v
		}
	}
	if r := root.find("discount_factor", "issue"); len(r) > 0 {
		v, ok, err := attrFloat(path, r[0], "value")
		if err != nil {
			return nil, err
		}
		if ok {
			p.Discount = v
		}
	}
	if u := root.find("utility", "issue"); len(u) > 0 {
		c, err := readConstraint(path, u[0], d)
		if err != nil {
			return nil, err
		}
		p.U = c
		return p, nil
	}
	// Additive profile.
	weights := map[int]float64{}
	for _, w := range root.find("weight", "issue") {
		id, ok, err := attrInt(path, w, "index")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &Error{File: path, Line: w.Line, Element: "weight", Msg: "weight has no index attribute"}
		}
		v, ok, err := attrFloat(path, w, "value")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &Error{File: path, Line: w.Line, Element: "weight", Msg: "weight has no value attribute"}
		}
		weights[id] = v
	}
	issues := map[int]*node{}
	for _, is := range root.find("issue", "issue") {
		id, ok, err := attrInt(path, is, "index")
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: "issue has no index attribute"}
		}
		if d.position(id) < 0 {
			return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("issue index %d (%q) is not in the domain %s", id, is.Attr["name"], filepath.Base(d.File))}
		}
		issues[id] = is
	}
	add := &negotiate.Additive{Contrib: make([][]float64, len(d.Issues))}
	for i, issue := range d.Issues {
		id := d.IDs[i]
		is := issues[id]
		if is == nil {
			return nil, &Error{File: path, Line: root.Line, Element: "utility_space", Msg: fmt.Sprintf("no <issue index=\"%d\"> for domain issue %q", id, issue.Name)}
		}
		w, ok := weights[id]
		if !ok {
			return nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("no <weight index=\"%d\"> for issue %q", id, issue.Name)}
		}
		evals, notes, err := evaluations(path, is, d, i)
		if err != nil {
			return nil, err
		}
		p.Notes = append(p.Notes, notes...)
		c := make([]float64, len(evals))
		for v, e := range evals {
			c[v] = float64(w * e) // one rounding, no fused multiply-add
		}
		add.Contrib[i] = c
	}
	p.U = add
	return p, nil
}

// evaluations returns eval_i(v) for every value of domain issue i.
func evaluations(path string, is *node, d *Domain, i int) ([]float64, []string, error) {
	issue := d.Issues[i]
	var notes []string
	out := make([]float64, len(issue.Values))
	if issue.Kind == negotiate.Discrete {
		ev := map[string]float64{}
		for _, it := range is.children("item") {
			v := it.Attr["value"]
			e, ok, err := attrFloat(path, it, "evaluation")
			if err != nil {
				return nil, nil, err
			}
			if !ok {
				return nil, nil, &Error{File: path, Line: it.Line, Element: "item", Msg: fmt.Sprintf("item %q of issue %q has no evaluation attribute", v, issue.Name)}
			}
			ev[v] = e // a later duplicate wins, as in GENIUS
		}
		mx := math.Inf(-1)
		for _, e := range ev {
			mx = max(mx, e)
		}
		for k, v := range issue.Values {
			e, ok := ev[v]
			if !ok {
				notes = append(notes, fmt.Sprintf("%s: issue %q value %q has no evaluation; using 0", filepath.Base(path), issue.Name, v))
			}
			if mx < 1e-5 {
				out[k] = 0
			} else {
				out[k] = e / mx
			}
		}
		return out, notes, nil
	}
	ev := is.child("evaluator")
	if ev == nil {
		return nil, nil, &Error{File: path, Line: is.Line, Element: "issue", Msg: fmt.Sprintf("%s issue %q has no <evaluator>", issue.Kind, issue.Name)}
	}
	if ft := ev.Attr["ftype"]; ft != "" && ft != "linear" {
		return nil, nil, &Error{File: path, Line: ev.Line, Element: "evaluator", Msg: fmt.Sprintf("evaluator ftype %q is not supported (only linear)", ft)}
	}
	slope, okS, err := attrFloat(path, ev, "slope")
	if err != nil {
		return nil, nil, err
	}
	offset, okO, err := attrFloat(path, ev, "offset")
	if err != nil {
		return nil, nil, err
	}
	if !okS && !okO {
		offset, okO, err = attrFloat(path, ev, "parameter0")
		if err != nil {
			return nil, nil, err
		}
		slope, okS, err = attrFloat(path, ev, "parameter1")
		if err != nil {
			return nil, nil, err
		}
		if okS || okO {
			notes = append(notes, fmt.Sprintf("%s: issue %q: evaluator parameter0/parameter1 read as offset/slope", filepath.Base(path), issue.Name))
		}
	}
	if !okS && !okO {
		return nil, nil, &Error{File: path, Line: ev.Line, Element: "evaluator", Msg: "evaluator has neither slope/offset nor parameter0/parameter1"}
	}
	lb, ok, err := attrFloat(path, is, "lowerbound")
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		if lo, _, okr, err := bounds(path, is); err != nil {
			return nil, nil, err
		} else if okr {
			lb = lo
		} else {
			lb = d.lower[i]
		}
	}
	for k, s := range issue.Values {
		v, _ := strconv.ParseFloat(s, 64)
		x := float64(slope*(v-lb)) + offset
		out[k] = min(max(x, 0), 1)
	}
	return out, notes, nil
}

// Constraint is a GENIUS non-linear (hyper-rectangle) utility: the capped,
// normalised sum of the rectangles a bid falls in (or, for EXCLUDES
// rectangles, out of).
type Constraint struct {
	Max   float64 // maxutility
	Funcs ufun
	sizes []int // number of values of each issue
}

type bound struct {
	pos      int // issue position
	min, max float64
}

type rect struct {
	utility, weight float64
	exclusive       bool
	all             bool // no bounds: applies to every bid
	bounds          []bound
}

type ufun struct {
	agg    string // sum, max or min
	weight float64
	rects  []rect
	inner  []ufun
}

// Utility implements negotiate.Utility.
func (c *Constraint) Utility(o negotiate.Outcome) float64 {
	r := c.Funcs.eval(o) / c.Max
	if r > 1 {
		return 1
	}
	return r
}

// values[i][v] converts a value index back to the integer GENIUS compares;
// for integer issues value index v stands for lower+v.
func (f *ufun) eval(o negotiate.Outcome) float64 {
	final := 0.0
	switch f.agg {
	case "min":
		final = math.MaxInt32
	case "max":
		final = -math.MaxInt32
	}
	combine := func(x float64) {
		switch f.agg {
		case "max":
			final = max(final, x)
		case "min":
			final = min(final, x)
		default:
			final += x
		}
	}
	for i := range f.rects {
		combine(f.rects[i].eval(o))
	}
	for i := range f.inner {
		combine(float64(f.inner[i].eval(o) * f.inner[i].weight))
	}
	return final
}

func (r *rect) eval(o negotiate.Outcome) float64 {
	if r.all {
		return float64(r.utility * r.weight)
	}
	for _, b := range r.bounds {
		v := float64(o[b.pos]) // value index = value − lowerbound
		if v < b.min || v > b.max {
			if r.exclusive {
				return float64(r.utility * r.weight)
			}
			return 0
		}
	}
	if r.exclusive {
		return 0
	}
	return float64(r.utility * r.weight)
}

func readConstraint(path string, u *node, d *Domain) (*Constraint, error) {
	mx, ok, err := attrFloat(path, u, "maxutility")
	if err != nil {
		return nil, err
	}
	if !ok || mx == 0 {
		return nil, &Error{File: path, Line: u.Line, Element: "utility", Msg: "non-linear utility needs a non-zero maxutility attribute"}
	}
	for i, is := range d.Issues {
		if is.Kind != negotiate.Integer {
			return nil, &Error{File: path, Line: u.Line, Element: "utility", Msg: fmt.Sprintf("hyper-rectangle profiles need integer issues; %q is %s", is.Name, is.Kind)}
		}
		_ = i
	}
	top := u.child("ufun")
	if top == nil {
		return nil, &Error{File: path, Line: u.Line, Element: "utility", Msg: "no <ufun> inside <utility>"}
	}
	f, err := readUfun(path, top, d)
	if err != nil {
		return nil, err
	}
	sizes := make([]int, len(d.Issues))
	for i, is := range d.Issues {
		sizes[i] = len(is.Values)
	}
	return &Constraint{Max: mx, Funcs: f, sizes: sizes}, nil
}

func readUfun(path string, n *node, d *Domain) (ufun, error) {
	f := ufun{agg: strings.ToLower(n.Attr["aggregation"]), weight: 1}
	if f.agg == "" {
		f.agg = "sum"
	}
	if f.agg != "sum" && f.agg != "max" && f.agg != "min" {
		return f, &Error{File: path, Line: n.Line, Element: "ufun", Msg: fmt.Sprintf("unknown aggregation %q (want sum, max or min)", f.agg)}
	}
	if w, ok, err := attrFloat(path, n, "weight"); err != nil {
		return f, err
	} else if ok {
		f.weight = w
	}
	for _, h := range n.children("hyperRectangle") {
		r := rect{weight: 1}
		u, ok, err := attrFloat(path, h, "utility")
		if err != nil {
			return f, err
		}
		if !ok {
			return f, &Error{File: path, Line: h.Line, Element: "hyperRectangle", Msg: "no utility attribute"}
		}
		r.utility = u
		if w, ok, err := attrFloat(path, h, "weight"); err != nil {
			return f, err
		} else if ok {
			r.weight = w
		}
		inc, exc := h.children("INCLUDES"), h.children("EXCLUDES")
		bs := inc
		if len(exc) > 0 { // GENIUS: EXCLUDES overrides INCLUDES
			bs, r.exclusive = exc, true
		}
		r.all = len(bs) == 0
		for _, b := range bs {
			id, ok, err := attrInt(path, b, "index")
			if err != nil {
				return f, err
			}
			pos := d.position(id)
			if !ok || pos < 0 {
				return f, &Error{File: path, Line: b.Line, Element: b.Name, Msg: fmt.Sprintf("bound refers to issue index %q, not in the domain", b.Attr["index"])}
			}
			lo, ok1, err := attrFloat(path, b, "min")
			if err != nil {
				return f, err
			}
			hi, ok2, err := attrFloat(path, b, "max")
			if err != nil {
				return f, err
			}
			if !ok1 || !ok2 {
				return f, &Error{File: path, Line: b.Line, Element: b.Name, Msg: "bound needs min and max"}
			}
			off := d.lower[pos]
			r.bounds = append(r.bounds, bound{pos: pos, min: lo - off, max: hi - off})
		}
		f.rects = append(f.rects, r)
	}
	for _, c := range n.children("ufun") {
		g, err := readUfun(path, c, d)
		if err != nil {
			return f, err
		}
		f.inner = append(f.inner, g)
	}
	return f, nil
}

// Scenario is a folder holding one GENIUS domain and its profiles.
type Scenario struct {
	Dir      string
	Domain   *Domain
	Profiles []*Profile
	// Ignored lists XML files that are neither domain nor profile (e.g.
	// tournament logs) and non-profile files.
	Ignored []string
}

// LoadDir reads a folder: the domain file (root <negotiation_template>) and
// every profile (root <utility_space>) in file-name order. If only is not
// empty, only the profiles with those file names are read, in that order.
func LoadDir(dir string, only ...string) (*Scenario, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, &Error{File: dir, Msg: "cannot read folder", Err: err}
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".xml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	s := &Scenario{Dir: dir}
	type prof struct {
		name string
		root *node
	}
	var profs []prof
	var domRoot *node
	var domFile string
	for _, n := range names {
		path := filepath.Join(dir, n)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, &Error{File: path, Msg: "cannot read", Err: err}
		}
		root, err := parseXML(path, data)
		if err != nil {
			if strings.EqualFold(n, "pareto.xml") {
				s.Ignored = append(s.Ignored, n)
				continue
			}
			return nil, err
		}
		switch root.Name {
		case "negotiation_template":
			if domRoot != nil {
				return nil, &Error{File: path, Line: root.Line, Element: root.Name, Msg: "second domain file in the folder (first: " + filepath.Base(domFile) + ")"}
			}
			domRoot, domFile = root, path
		case "utility_space":
			profs = append(profs, prof{n, root})
		default:
			s.Ignored = append(s.Ignored, n)
		}
	}
	if domRoot == nil {
		return nil, &Error{File: dir, Msg: "no domain file (an XML file whose root is <negotiation_template>)"}
	}
	d, err := domainFrom(domFile, domRoot)
	if err != nil {
		return nil, err
	}
	s.Domain = d
	if len(only) > 0 {
		byName := map[string]*node{}
		for _, p := range profs {
			byName[p.name] = p.root
		}
		profs = profs[:0]
		for _, o := range only {
			r, ok := byName[o]
			if !ok {
				return nil, &Error{File: filepath.Join(dir, o), Msg: "no such profile in the folder"}
			}
			profs = append(profs, prof{o, r})
		}
	}
	for _, p := range profs {
		pr, err := profileFrom(filepath.Join(dir, p.name), p.root, d)
		if err != nil {
			return nil, err
		}
		s.Profiles = append(s.Profiles, pr)
	}
	if len(s.Profiles) == 0 {
		return nil, &Error{File: dir, Msg: "no profile (an XML file whose root is <utility_space>)"}
	}
	return s, nil
}

// Problem returns the negotiation problem with every loaded profile as a party.
func (s *Scenario) Problem() *negotiate.Problem {
	p := &negotiate.Problem{Domain: s.Domain.Domain}
	for _, pr := range s.Profiles {
		p.Parties = append(p.Parties, pr.Party())
	}
	return p
}
