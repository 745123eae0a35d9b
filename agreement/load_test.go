package agreement

import (
	"bytes"
	"strings"
	"testing"
)

func TestLoadMinimal(t *testing.T) {
	d, err := Load("testdata/minimal.yaml")
	if err != nil {
		var b bytes.Buffer
		if ds, ok := err.(Diagnostics); ok {
			ds.Print(&b, nil)
		}
		t.Fatalf("Load: %v\n%s", err, b.String())
	}
	if got := len(d.Parties); got != 3 {
		t.Errorf("parties: got %d; want 3", got)
	}
	if got := d.DealCount(); got != 6 {
		t.Errorf("DealCount: got %d; want 6", got)
	}
	pr := d.Provisions[0]
	for _, tc := range []struct {
		form string
		want bool
	}{{"defence", true}, {"assurance", false}} {
		got, err := pr.InForceExpr().Eval(map[string]any{"terms": map[string]any{"form": tc.form, "width_km": int64(0)}})
		if err != nil || got != tc.want {
			t.Errorf("in_force under form=%s: got %v, %v; want %v", tc.form, got, err, tc.want)
		}
	}
	if pr.Pos.Line != 22 {
		t.Errorf("provision position: got line %d; want 22", pr.Pos.Line)
	}
}

func TestLoadReportsEveryProblemWithPosition(t *testing.T) {
	src := strings.NewReplacer(
		"kind: prohibition", "kind: prohibitoin",
		"terms.form == 'defence'", "terms.from == 'defense'",
		"roles: [guarantor]}", "roles: [guarantor], colour: blue}",
		"incident.counts.launched", "incident.count.launched",
		"zones: [square]", "zones: [sqaure]",
	).Replace(mustRead(t, "testdata/minimal.yaml"))
	_, err := Parse("testdata/minimal.yaml", []byte(src))
	ds, ok := err.(Diagnostics)
	if !ok {
		t.Fatalf("got %v; want Diagnostics", err)
	}
	want := []string{
		`testdata/minimal.yaml:7:61: unknown field "colour" in party`,
		`testdata/minimal.yaml:23:11: provision kind "prohibitoin": want prohibition, obligation or permission`,
		`testdata/minimal.yaml:27:13: unknown zone "sqaure" (did you mean "square"?)`,
		`testdata/minimal.yaml:28:21: in expression: unknown term "from" (did you mean "form"?)`,
		`testdata/minimal.yaml:40:16: in expression: incident has no field "count" (did you mean "counts"?)`,
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Pos.String()+": "+d.Message)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\ngot:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var b bytes.Buffer
	ds.Print(&b, map[string][]byte{"testdata/minimal.yaml": []byte(src)})
	// The caret must sit under the "f" of "from".
	lines := strings.Split(b.String(), "\n")
	found := false
	for i, ln := range lines {
		if strings.HasSuffix(ln, "in_force: terms.from == 'defense'") && i+1 < len(lines) {
			found = strings.Index(lines[i+1], "^") == strings.Index(ln, "from")
		}
	}
	if !found {
		t.Errorf("no caret under the unknown term:\n%s", b.String())
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := readLimited(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
