package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/agreement"
)

// The rule tests are documents under testdata/rules named <rule>_<case>.yaml.
// A line the rule must flag carries the comment `# want: <rule>` (the rule
// repeated once per expected finding on that line), and optionally
// `# msg: <text>` that one of those findings must contain. The test runs
// every rule and compares, for the file's rule only, the lines flagged with
// the lines marked: a missing finding and an extra one both fail. Every
// rule has a _fire case (with marks) and an _ok case (without).

var (
	wantRE = regexp.MustCompile(`# want:([^#]*)`)
	msgRE  = regexp.MustCompile(`# msg: ([^#]*)`)
)

func mustLoad(t testing.TB, path string) *agreement.Doc {
	t.Helper()
	doc, err := agreement.Load(path)
	if err != nil {
		var b bytes.Buffer
		if ds, ok := err.(agreement.Diagnostics); ok {
			ds.Print(&b, nil)
		}
		t.Fatalf("Load %s: %v\n%s", path, err, b.String())
	}
	return doc
}

func TestRules(t *testing.T) {
	files, err := filepath.Glob("testdata/rules/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no rule tests: %v", err)
	}
	cases := map[string][]string{}
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".yaml")
		rule, kind, ok := strings.Cut(base, "_")
		if !ok {
			t.Fatalf("%s: name it <rule>_<case>.yaml", f)
		}
		if _, known := RuleByID(rule); !known {
			t.Fatalf("%s: no rule %q", f, rule)
		}
		cases[rule] = append(cases[rule], kind)
		t.Run(base, func(t *testing.T) {
			doc := mustLoad(t, f)
			src := doc.Source[f]
			want := map[int]int{}
			msgs := map[int][]string{}
			for i, line := range strings.Split(string(src), "\n") {
				if m := wantRE.FindStringSubmatch(line); m != nil {
					for _, r := range strings.Fields(m[1]) {
						if r == rule {
							want[i+1]++
						}
					}
				}
				if m := msgRE.FindStringSubmatch(line); m != nil {
					msgs[i+1] = append(msgs[i+1], strings.TrimSpace(m[1]))
				}
			}
			if strings.HasPrefix(kind, "fire") && len(want) == 0 {
				t.Fatalf("a _fire case must mark at least one line with # want: %s", rule)
			}
			if strings.HasPrefix(kind, "ok") && len(want) != 0 {
				t.Fatalf("an _ok case must mark no line")
			}
			got := map[int]int{}
			byLine := map[int][]string{}
			for _, d := range Check(doc, Options{}) {
				if d.Rule != rule {
					continue
				}
				if d.File != f {
					t.Errorf("finding in file %q; want %q", d.File, f)
				}
				if d.Why == "" || d.Fix == "" || d.Message == "" {
					t.Errorf("line %d: finding lacks message, why or fix: %+v", d.Line, d)
				}
				wantSev := agreement.SevWarning
				if rule == "contradiction" {
					wantSev = agreement.SevError
				}
				if d.Severity != wantSev {
					t.Errorf("line %d: severity %s; want %s", d.Line, d.Severity, wantSev)
				}
				got[d.Line]++
				byLine[d.Line] = append(byLine[d.Line], d.Message)
			}
			for _, line := range union(want, got) {
				if got[line] != want[line] {
					t.Errorf("line %d: got %d %s findings %q; want %d", line, got[line], rule, byLine[line], want[line])
				}
			}
			for line, ms := range msgs {
				for _, m := range ms {
					if !slices.ContainsFunc(byLine[line], func(s string) bool { return strings.Contains(s, m) }) {
						t.Errorf("line %d: no %s finding contains %q; got %q", line, rule, m, byLine[line])
					}
				}
			}
		})
	}
	for _, r := range Rules {
		ks := cases[r.ID]
		hasFire := slices.ContainsFunc(ks, func(k string) bool { return strings.HasPrefix(k, "fire") })
		hasOK := slices.ContainsFunc(ks, func(k string) bool { return strings.HasPrefix(k, "ok") })
		if !hasFire || !hasOK {
			t.Errorf("rule %s: test cases %v; want at least one _fire and one _ok", r.ID, ks)
		}
	}
}

func union(a, b map[int]int) []int {
	var out []int
	for k := range a {
		out = append(out, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Ints(out)
	return out
}

func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/lint.md")
	if err != nil {
		t.Skipf("docs/lint.md: %v", err)
	}
	idRE := regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	seen := map[string]bool{}
	for _, r := range Rules {
		if !idRE.MatchString(r.ID) {
			t.Errorf("rule id %q is not kebab-case", r.ID)
		}
		if seen[r.ID] {
			t.Errorf("rule id %q twice", r.ID)
		}
		seen[r.ID] = true
		if r.Summary == "" || r.Why == "" {
			t.Errorf("rule %s lacks a summary or why", r.ID)
		}
		if !bytes.Contains(doc, []byte("## "+r.ID)) {
			t.Errorf("docs/lint.md has no section \"## %s\"", r.ID)
		}
	}
}

func TestDisable(t *testing.T) {
	doc := mustLoad(t, "testdata/rules/obligation-without-deadline_fire.yaml")
	all := Check(doc, Options{})
	n := 0
	for _, d := range all {
		if d.Rule == "obligation-without-deadline" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("got %d obligation-without-deadline findings; want 2", n)
	}
	got := Check(doc, Options{Disable: []string{"obligation-without-deadline"}})
	if len(got) != len(all)-n {
		t.Errorf("with the rule disabled: got %d findings; want %d", len(got), len(all)-n)
	}
	for _, d := range got {
		if d.Rule == "obligation-without-deadline" {
			t.Errorf("disabled rule still reported: %s", d.Message)
		}
	}
}

func TestCheckNil(t *testing.T) {
	if got := Check(nil, Options{}); got != nil {
		t.Errorf("Check(nil): got %v; want nil", got)
	}
}

// TestUncoveredTerritoryZonesFail checks that a zone builder failure makes
// the geometric rules skip, not crash or guess.
func TestUncoveredTerritoryZonesFail(t *testing.T) {
	doc := mustLoad(t, "testdata/rules/uncovered-territory_fire.yaml")
	got := Check(doc, Options{Zones: func(*agreement.Deal) (ZoneSet, error) { return nil, fmt.Errorf("boom") }})
	for _, d := range got {
		if d.Rule == "uncovered-territory" {
			t.Errorf("finding despite unbuildable zones: %s", d.Message)
		}
	}
}
