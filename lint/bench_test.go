package lint

import (
	"os"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/agreement"
)

// benchDoc is the worked example when it is present (it draws on the real
// boundaries under examples/), else a test document of this package.
func benchDoc(b *testing.B) string {
	const example = "../examples/ukraine-2025/agreement.yaml"
	if _, err := os.Stat(example); err == nil {
		return example
	}
	b.Logf("%s absent; benchmarking testdata/check/weak.yaml", example)
	return "testdata/check/weak.yaml"
}

// BenchmarkLoad is the baseline: reading, checking and compiling the
// document, with no lint.
func BenchmarkLoad(b *testing.B) {
	path := benchDoc(b)
	for b.Loop() {
		if _, err := agreement.Load(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadAndCheck is what `backstop check` does for one document:
// load it, then run every rule, zones built afresh each time (a new Doc has
// an empty zone cache).
func BenchmarkLoadAndCheck(b *testing.B) {
	path := benchDoc(b)
	for b.Loop() {
		doc, err := agreement.Load(path)
		if err != nil {
			b.Fatal(err)
		}
		Check(doc, Options{})
	}
}

// BenchmarkCheckCached lints a loaded document whose zones are already
// built: the cost of the rules themselves (deal enumeration, CEL
// evaluation, overlays on cached zones).
func BenchmarkCheckCached(b *testing.B) {
	doc, err := agreement.Load(benchDoc(b))
	if err != nil {
		b.Fatal(err)
	}
	Check(doc, Options{})
	for b.Loop() {
		Check(doc, Options{})
	}
}

// TestExampleFindings checks the linter against the worked example, whose
// drafters planted four weaknesses (marked WEAKNESS in the file): the
// hybrid loophole, salami thresholds, an obligation without a deadline and
// a contradiction. Each must be found, pointed at the clause the comment
// marks.
func TestExampleFindings(t *testing.T) {
	const example = "../examples/ukraine-2025/agreement.yaml"
	if _, err := os.Stat(example); err != nil {
		t.Skipf("%s absent", example)
	}
	doc := mustLoad(t, example)
	found := map[string][]string{}
	for _, d := range Check(doc, Options{}) {
		found[d.Rule] = append(found[d.Rule], d.Message)
	}
	for _, want := range []struct{ rule, contains string }{
		{"uncovered-incident-kind", "cyber_operation, sabotage, blockade"},
		{"salami-threshold", `trigger "strike-count"`},
		{"salami-threshold", `trigger "skirmishes"`},
		{"obligation-without-deadline", `"assurance-consultation"`},
		{"contradiction", `"coalition-deploy"`},
	} {
		ok := false
		for _, m := range found[want.rule] {
			if strings.Contains(m, want.contains) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("no %s finding mentions %s; got %q", want.rule, want.contains, found[want.rule])
		}
	}
}
