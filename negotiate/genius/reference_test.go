package genius

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/backstop-dev/backstop/negotiate"
)

// refPoint and refFile mirror the reference answer files (schema negref/1).
type refPoint struct {
	Outcome   []string  `json:"outcome"`
	Utilities []float64 `json:"utilities"`
}

type refFile struct {
	Domain      string     `json:"domain"`
	DomainFile  string     `json:"domain_file"`
	Profiles    []string   `json:"profiles"`
	NOutcomes   float64    `json:"n_outcomes"`
	NRational   int64      `json:"n_rational_outcomes"`
	Reserved    []float64  `json:"reserved_values"`
	UtilityMax  []float64  `json:"utility_max"`
	UtilityMin  []float64  `json:"utility_min"`
	Frontier    []refPoint `json:"frontier"`
	Nash        []refPoint `json:"nash"`
	KS          []refPoint `json:"ks"`
	Egalitarian []refPoint `json:"egalitarian"`
	MaxWelfare  []refPoint `json:"max_welfare"`
	Timing      struct {
		Frontier float64 `json:"frontier_wall_time_s"`
	} `json:"timing"`
}

// referenceFiles lists every reference answer with its scenario folder.
func referenceFiles(tb testing.TB) (refs []string, scen string) {
	ref := shareddata.Path(tb, "negotiation", "reference")
	scen = shareddata.Path(tb, "negotiation", "scenarios")
	err := filepath.Walk(ref, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".json") {
			refs = append(refs, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(refs)
	return refs, scen
}

func loadRef(tb testing.TB, path string) *refFile {
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var r refFile
	if err := json.Unmarshal(data, &r); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return &r
}

// diffPoints compares two point sets (order ignored, utilities within tol)
// and describes every difference.
func diffPoints(d *negotiate.Domain, got []negotiate.Point, want []refPoint, tol float64) []string {
	key := func(labels []string) string { return strings.Join(labels, " | ") }
	wm := map[string][]float64{}
	for _, w := range want {
		wm[key(w.Outcome)] = w.Utilities
	}
	var diffs []string
	seen := map[string]bool{}
	for _, g := range got {
		k := key(d.Labels(g.Outcome))
		seen[k] = true
		w, ok := wm[k]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("extra   %s %v", k, g.Utilities))
			continue
		}
		for i := range w {
			if math.Abs(w[i]-g.Utilities[i]) > tol {
				diffs = append(diffs, fmt.Sprintf("utility %s: got %v; want %v", k, g.Utilities, w))
				break
			}
		}
	}
	for _, w := range want {
		if !seen[key(w.Outcome)] {
			diffs = append(diffs, fmt.Sprintf("missing %s %v", key(w.Outcome), w.Utilities))
		}
	}
	if len(got) != len(want) && len(diffs) == 0 {
		diffs = append(diffs, fmt.Sprintf("got %d points; want %d (duplicates?)", len(got), len(want)))
	}
	return diffs
}

// TestReference checks the frontier and all four bargaining points on every
// domain with a reference answer, by enumeration and by the additive
// programme, against the reference sets (utilities within 1e-9).
func TestReference(t *testing.T) {
	refs, scen := referenceFiles(t)
	if len(refs) != 116 {
		t.Errorf("found %d reference files; want 116", len(refs))
	}
	for _, rp := range refs {
		r := loadRef(t, rp)
		t.Run(r.Domain, func(t *testing.T) {
			s, err := LoadDir(filepath.Join(scen, r.Domain), r.Profiles...)
			if err != nil {
				t.Fatal(err)
			}
			if got := filepath.Base(s.Domain.File); got != r.DomainFile {
				t.Errorf("domain file %s; want %s", got, r.DomainFile)
			}
			p := s.Problem()
			methods := []string{"additive", "enumerate"}
			if testing.Short() && p.Domain.SizeFloat() > 200_000 {
				methods = methods[:1]
			}
			for _, m := range methods {
				a, err := negotiate.Analyze(context.Background(), p, negotiate.Options{Method: m})
				if err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				if got := a.Outcomes.String(); got != fmt.Sprint(int64(r.NOutcomes)) {
					t.Errorf("%s: outcomes %s; want %d", m, got, int64(r.NOutcomes))
				}
				if a.Rational >= 0 && a.Rational != r.NRational {
					t.Errorf("%s: rational outcomes %d; want %d", m, a.Rational, r.NRational)
				}
				for i := range r.Reserved {
					if a.Reserved[i] != r.Reserved[i] || math.Abs(a.Max[i]-r.UtilityMax[i]) > 1e-9 || math.Abs(a.Min[i]-r.UtilityMin[i]) > 1e-9 {
						t.Errorf("%s: party %d reserved/min/max %v/%v/%v; want %v/%v/%v", m, i, a.Reserved[i], a.Min[i], a.Max[i], r.Reserved[i], r.UtilityMin[i], r.UtilityMax[i])
					}
				}
				for _, c := range []struct {
					name string
					got  []negotiate.Point
					want []refPoint
				}{
					{"frontier", a.Frontier, r.Frontier},
					{"nash", a.Nash, r.Nash},
					{"kalai_smorodinsky", a.KalaiSmorodinsky, r.KS},
					{"egalitarian", a.Egalitarian, r.Egalitarian},
					{"max_welfare", a.MaxWelfare, r.MaxWelfare},
				} {
					if d := diffPoints(p.Domain, c.got, c.want, 1e-9); len(d) > 0 {
						if len(d) > 10 {
							d = append(d[:10], fmt.Sprintf("... and %d more", len(d)-10))
						}
						t.Errorf("%s %s: got %d points; want %d:\n  %s", m, c.name, len(c.got), len(c.want), strings.Join(d, "\n  "))
					}
				}
			}
		})
	}
}
