package agreement

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/backstop-dev/backstop"
)

// Deal fixes every term of an agreement: one point in the negotiation space,
// and the terms under which monitoring adjudicates.
type Deal struct {
	ID string `yaml:"deal"`
	// Agreement is the agreement file the deal belongs to, relative to the
	// deal file; informative.
	Agreement string `yaml:"agreement"`
	// Date is when the deal takes effect: the agreed line is the one on
	// this date, and no incident before it counts.
	Date time.Time `yaml:"date"`
	// Terms maps term ids to values: strings for enums, true/false for
	// bools, integers for ints.
	Terms map[string]any `yaml:"terms"`
	Path  string         `yaml:"-"`
}

// Value converts a value as written in YAML (or JSON) to the term's Go type
// (string, bool or int64) and checks that it lies in the domain.
func (t *Term) Value(v any) (any, error) {
	switch t.Type {
	case Enum:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("term %q takes one of %v, not %v", t.ID, t.Values, v)
		}
		if !slices.Contains(t.Values, s) {
			return nil, fmt.Errorf("term %q has no value %q%s; its values are %v", t.ID, s, suggest(s, t.Values), t.Values)
		}
		return s, nil
	case Bool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("term %q takes true or false, not %v", t.ID, v)
		}
		return b, nil
	case Int:
		var n int64
		switch x := v.(type) {
		case int:
			n = int64(x)
		case int64:
			n = x
		case uint64:
			n = int64(x)
		case float64:
			if x != float64(int64(x)) {
				return nil, fmt.Errorf("term %q takes a whole number, not %v", t.ID, x)
			}
			n = int64(x)
		case string:
			var err error
			if n, err = strconv.ParseInt(x, 10, 64); err != nil {
				return nil, fmt.Errorf("term %q takes a whole number, not %q", t.ID, x)
			}
		default:
			return nil, fmt.Errorf("term %q takes a whole number, not %v", t.ID, v)
		}
		step := int64(max(t.Step, 1))
		if n < int64(t.Min) || n > int64(t.Max) || (n-int64(t.Min))%step != 0 {
			return nil, fmt.Errorf("term %q takes %d to %d in steps of %d%s, not %d", t.ID, t.Min, t.Max, step, unitSuffix(t.Unit), n)
		}
		return n, nil
	}
	return nil, fmt.Errorf("term %q has no valid type", t.ID)
}

func unitSuffix(u string) string {
	if u == "" {
		return ""
	}
	return " " + u
}

// LoadDeal reads a deal file and checks it against the document: every term
// assigned, each value in its term's domain, no unknown terms.
func (d *Doc) LoadDeal(path string) (*Deal, error) {
	src, err := readLimited(path)
	if err != nil {
		return nil, Diagnostics{{Pos: Pos{File: path}, Severity: SevError, Message: err.Error()}}
	}
	return d.ParseDeal(path, src)
}

// ParseDeal is LoadDeal on text already read.
func (d *Doc) ParseDeal(name string, src []byte) (*Deal, error) {
	l := &loader{file: name, src: src, doc: d}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, yamlErrorDiags(name, src, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, Diagnostics{{Pos: Pos{File: name, Line: 1, Col: 1}, Severity: SevError, Message: "a deal must be a mapping with `deal` and `terms`"}}
	}
	l.root = &root
	deal := &Deal{Path: name}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(deal); err != nil {
		l.diags = append(l.diags, yamlErrorDiags(name, src, err)...)
	}
	if deal.ID == "" {
		deal.ID = filepath.Base(name)
	}
	for k, v := range deal.Terms {
		t := d.terms[k]
		if t == nil {
			l.errf(p("terms", k), "unknown term %q%s", k, suggest(k, l.termIDs()))
			continue
		}
		val, err := t.Value(v)
		if err != nil {
			l.errf(p("terms", k), "%v", err)
			continue
		}
		deal.Terms[k] = val
	}
	for _, t := range d.Terms {
		if _, ok := deal.Terms[t.ID]; !ok {
			l.errf(p("terms"), "the deal does not fix term %q (%s)", t.ID, t.Name)
		}
	}
	l.diags.Sort()
	if l.diags.HasErrors() {
		return nil, l.diags
	}
	return deal, nil
}

// WithTerms returns a copy of the deal with some terms replaced; values are
// converted and checked as in a deal file.
func (d *Doc) WithTerms(base *Deal, over map[string]any) (*Deal, error) {
	out := &Deal{Terms: map[string]any{}}
	if base != nil {
		*out = *base
		out.Terms = make(map[string]any, len(base.Terms))
		for k, v := range base.Terms {
			out.Terms[k] = v
		}
	}
	keys := make([]string, 0, len(over))
	for k := range over {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t := d.terms[k]
		if t == nil {
			return nil, backstop.Errorf(backstop.EINVALID, "unknown term %q", k)
		}
		v, err := t.Value(over[k])
		if err != nil {
			return nil, backstop.Errorf(backstop.EINVALID, "%v", err)
		}
		out.Terms[k] = v
	}
	for _, t := range d.Terms {
		if _, ok := out.Terms[t.ID]; !ok {
			return nil, backstop.Errorf(backstop.EINVALID, "the deal does not fix term %q", t.ID)
		}
	}
	return out, nil
}

// DealCount is the number of deals the terms allow (saturating at
// math.MaxInt64 / 2 to avoid overflow).
func (d *Doc) DealCount() int64 {
	n := int64(1)
	for _, t := range d.Terms {
		k := int64(len(t.Domain()))
		if k == 0 {
			return 0
		}
		if n > (1<<62)/k {
			return 1 << 62
		}
		n *= k
	}
	return n
}

// EachDeal calls fn with every assignment of the terms, in a fixed order,
// until fn returns false. The map is reused between calls; copy it to keep.
func (d *Doc) EachDeal(fn func(terms map[string]any) bool) {
	doms := make([][]any, len(d.Terms))
	for i, t := range d.Terms {
		doms[i] = t.Domain()
		if len(doms[i]) == 0 {
			return
		}
	}
	idx := make([]int, len(d.Terms))
	terms := make(map[string]any, len(d.Terms))
	for {
		for i, t := range d.Terms {
			terms[t.ID] = doms[i][idx[i]]
		}
		if !fn(terms) {
			return
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(doms[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}
