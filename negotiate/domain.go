package negotiate

import (
	"fmt"
	"math"
	"math/big"
	"strings"
)

// IssueKind says how an issue's values arose; analysis treats every issue as
// a finite list of values either way.
type IssueKind string

// Issue kinds.
const (
	Discrete IssueKind = "discrete" // named values
	Integer  IssueKind = "integer"  // every integer from Min to Max
	Real     IssueKind = "real"     // a real interval, discretised into Values
)

// Issue is one negotiable term: a name and the values a deal may give it.
type Issue struct {
	Name   string    `json:"name"`
	Kind   IssueKind `json:"type"`
	Values []string  `json:"values"`
	// Min and Max bound integer and real issues (informational).
	Min, Max float64 `json:"-"`
}

// Domain is the space of possible deals: the Cartesian product of its
// issues' values, last issue fastest.
type Domain struct {
	Name   string
	Issues []Issue
}

// Outcome is a deal: for every issue of a Domain, the index of its value.
type Outcome []int

// Size returns the number of outcomes; it may exceed any machine integer.
func (d *Domain) Size() *big.Int {
	n := big.NewInt(1)
	for _, is := range d.Issues {
		n.Mul(n, big.NewInt(int64(len(is.Values))))
	}
	return n
}

// SizeUint64 returns the number of outcomes and whether it fits in a uint64.
func (d *Domain) SizeUint64() (uint64, bool) {
	s := d.Size()
	if !s.IsUint64() {
		return 0, false
	}
	return s.Uint64(), true
}

// SizeFloat returns the number of outcomes as a float (for display).
func (d *Domain) SizeFloat() float64 {
	f := 1.0
	for _, is := range d.Issues {
		f *= float64(len(is.Values))
	}
	return f
}

// Validate reports the first structural problem: no issues, an issue with no
// values, duplicate issue names.
func (d *Domain) Validate() error {
	if len(d.Issues) == 0 {
		return fmt.Errorf("domain %q has no issues", d.Name)
	}
	seen := map[string]bool{}
	for i, is := range d.Issues {
		if len(is.Values) == 0 {
			return fmt.Errorf("issue %d (%q) has no values", i+1, is.Name)
		}
		if seen[is.Name] {
			return fmt.Errorf("issue %q appears twice", is.Name)
		}
		seen[is.Name] = true
	}
	return nil
}

// IssueIndex returns the position of the named issue, or -1.
func (d *Domain) IssueIndex(name string) int {
	for i, is := range d.Issues {
		if is.Name == name {
			return i
		}
	}
	return -1
}

// Labels returns the value labels of an outcome, in issue order.
func (d *Domain) Labels(o Outcome) []string {
	s := make([]string, len(o))
	for i, v := range o {
		s[i] = d.Issues[i].Values[v]
	}
	return s
}

// Format renders an outcome as "issue=value, ...".
func (d *Domain) Format(o Outcome) string {
	var b strings.Builder
	for i, v := range o {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.Issues[i].Name)
		b.WriteByte('=')
		b.WriteString(d.Issues[i].Values[v])
	}
	return b.String()
}

// Decode turns an outcome's rank (0 ≤ rank < Size, last issue fastest) into
// the outcome, writing into o when it has the right length.
func (d *Domain) Decode(rank uint64, o Outcome) Outcome {
	if len(o) != len(d.Issues) {
		o = make(Outcome, len(d.Issues))
	}
	for i := len(d.Issues) - 1; i >= 0; i-- {
		n := uint64(len(d.Issues[i].Values))
		o[i] = int(rank % n)
		rank /= n
	}
	return o
}

// roundTo9 mimics Python's round(x, 9) closely enough for sorting output the
// way the reference files do.
func roundTo9(x float64) float64 {
	return math.Round(x*1e9) / 1e9
}
