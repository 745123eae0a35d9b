package genius

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/backstop-dev/backstop/negotiate"
)

// GeniusWeb JSON: a domain {"name", "issuesValues": {issue: {"values": [...]}}}
// and LinearAdditiveUtilitySpace profiles {"issueUtilities": {issue:
// {"discreteutils": {"valueUtilities": {value: u}}}}, "issueWeights": {...},
// "reservationBid": {"issuevalues": {...}}}. Issue order is the order of the
// keys in the domain's "issuesValues" object, so the reader keeps key order.

// orderedObject decodes a JSON object keeping its key order.
type orderedObject struct {
	keys []string
	vals map[string]json.RawMessage
}

func (o *orderedObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object")
	}
	o.vals = map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		k := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if _, dup := o.vals[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = raw
	}
	return nil
}

type gwDomain struct {
	Name         string        `json:"name"`
	IssuesValues orderedObject `json:"issuesValues"`
}

type gwProfile struct {
	LAUS *struct {
		IssueUtilities map[string]struct {
			Discrete *struct {
				ValueUtilities map[string]float64 `json:"valueUtilities"`
			} `json:"discreteutils"`
			Number *struct {
				LowValue  float64 `json:"lowValue"`
				LowUtil   float64 `json:"lowUtility"`
				HighValue float64 `json:"highValue"`
				HighUtil  float64 `json:"highUtility"`
			} `json:"numberutils"`
		} `json:"issueUtilities"`
		IssueWeights   map[string]float64 `json:"issueWeights"`
		Name           string             `json:"name"`
		ReservationBid *struct {
			IssueValues map[string]json.RawMessage `json:"issuevalues"`
		} `json:"reservationBid"`
	} `json:"LinearAdditiveUtilitySpace"`
}

func jsonErr(path string, data []byte, err error) error {
	e := &Error{File: path, Msg: "malformed JSON", Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	if ok := asErr(err, &se); ok {
		off = se.Offset
	} else if ok := asErr(err, &te); ok {
		off = te.Offset
		e.Element = te.Field
	}
	if off >= 0 {
		e.Line = 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	}
	return e
}

func asErr[T error](err error, target *T) bool {
	for err != nil {
		if t, ok := err.(T); ok {
			*target = t
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

// ReadGeniusWebDomain reads a GeniusWeb domain JSON file.
func ReadGeniusWebDomain(path string) (*negotiate.Domain, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read", Err: err}
	}
	var g gwDomain
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, jsonErr(path, data, err)
	}
	if len(g.IssuesValues.keys) == 0 {
		return nil, &Error{File: path, Element: "issuesValues", Msg: "domain has no issues"}
	}
	d := &negotiate.Domain{Name: g.Name}
	for _, k := range g.IssuesValues.keys {
		var iv struct {
			Values []string `json:"values"`
		}
		if err := json.Unmarshal(g.IssuesValues.vals[k], &iv); err != nil || len(iv.Values) == 0 {
			return nil, &Error{File: path, Element: "issuesValues." + k, Msg: "issue needs a non-empty list of string values"}
		}
		d.Issues = append(d.Issues, negotiate.Issue{Name: k, Kind: negotiate.Discrete, Values: iv.Values})
	}
	return d, nil
}

// ReadGeniusWebProfile reads a GeniusWeb LinearAdditiveUtilitySpace profile.
// Its reserved value is the utility of its reservation bid (0 without one).
func ReadGeniusWebProfile(path string, d *negotiate.Domain) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read", Err: err}
	}
	var g gwProfile
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, jsonErr(path, data, err)
	}
	if g.LAUS == nil {
		return nil, &Error{File: path, Msg: "not a LinearAdditiveUtilitySpace profile"}
	}
	l := g.LAUS
	p := &Profile{File: path, Name: strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)), Discount: 1}
	add := &negotiate.Additive{Contrib: make([][]float64, len(d.Issues))}
	for i, is := range d.Issues {
		w, ok := l.IssueWeights[is.Name]
		if !ok {
			return nil, &Error{File: path, Element: "issueWeights." + is.Name, Msg: "issue has no weight"}
		}
		iu, ok := l.IssueUtilities[is.Name]
		if !ok {
			return nil, &Error{File: path, Element: "issueUtilities." + is.Name, Msg: "issue has no utilities"}
		}
		c := make([]float64, len(is.Values))
		for v, val := range is.Values {
			var e float64
			switch {
			case iu.Discrete != nil:
				e = iu.Discrete.ValueUtilities[val]
			case iu.Number != nil:
				var x float64
				fmt.Sscan(val, &x)
				n := iu.Number
				if n.HighValue != n.LowValue {
					e = n.LowUtil + (x-n.LowValue)*(n.HighUtil-n.LowUtil)/(n.HighValue-n.LowValue)
				}
			default:
				return nil, &Error{File: path, Element: "issueUtilities." + is.Name, Msg: "neither discreteutils nor numberutils"}
			}
			c[v] = float64(w * e)
		}
		add.Contrib[i] = c
	}
	p.U = add
	if rb := l.ReservationBid; rb != nil && len(rb.IssueValues) > 0 {
		o := make(negotiate.Outcome, len(d.Issues))
		for i, is := range d.Issues {
			raw, ok := rb.IssueValues[is.Name]
			if !ok {
				return nil, &Error{File: path, Element: "reservationBid.issuevalues", Msg: fmt.Sprintf("reservation bid has no value for %q", is.Name)}
			}
			var s string
			if json.Unmarshal(raw, &s) != nil {
				s = string(raw)
			}
			k := -1
			for j, v := range is.Values {
				if v == s {
					k = j
				}
			}
			if k < 0 {
				return nil, &Error{File: path, Element: "reservationBid.issuevalues." + is.Name, Msg: fmt.Sprintf("value %q is not in the domain", s)}
			}
			o[i] = k
		}
		p.Reserved = add.Utility(o)
	}
	return p, nil
}

// LoadGeniusWebDir reads a GeniusWeb folder: the domain is the JSON file
// with "issuesValues" at top level, the profiles are the others, in
// file-name order.
func LoadGeniusWebDir(dir string) (*negotiate.Domain, []*Profile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, &Error{File: dir, Msg: "cannot read folder", Err: err}
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && strings.HasSuffix(strings.ToLower(e.Name()), ".json") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var dom *negotiate.Domain
	var profs []string
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, nil, &Error{File: filepath.Join(dir, n), Msg: "cannot read", Err: err}
		}
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(data, &probe); err != nil {
			return nil, nil, jsonErr(filepath.Join(dir, n), data, err)
		}
		if _, ok := probe["issuesValues"]; ok && dom == nil {
			if dom, err = ReadGeniusWebDomain(filepath.Join(dir, n)); err != nil {
				return nil, nil, err
			}
			continue
		}
		profs = append(profs, n)
	}
	if dom == nil {
		return nil, nil, &Error{File: dir, Msg: "no GeniusWeb domain file (JSON with issuesValues)"}
	}
	var out []*Profile
	for _, n := range profs {
		p, err := ReadGeniusWebProfile(filepath.Join(dir, n), dom)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, p)
	}
	return dom, out, nil
}
