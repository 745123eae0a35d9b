package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/agreement"
	"github.com/backstop-dev/backstop/lint"
)

var updateCheck = flag.Bool("update-check", false, "rewrite the check golden files")

// checkData is where the check command's test documents live (with the
// lint package's, which owns them).
const checkData = "../../lint/testdata/check"

func runCheckMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

// TestCheckGolden compares the text output with golden files: a document
// with planted load errors (YAML, references, CEL), one with lint findings
// including a contradiction, and a clean one.
func TestCheckGolden(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		// wantAt lists "line:col: severity" prefixes the output must hold:
		// each planted problem, pointed at.
		wantAt []string
	}{
		{"broken", []string{"broken.yaml"}, exitFindings, []string{
			"broken.yaml:6:67: error: role \"garantor\"",
			"broken.yaml:15:19: error: unknown party \"BY\"",
			"broken.yaml:16:29: error: unknown incident kind \"cyber_attack\"",
			"broken.yaml:17:21: error: in expression: unknown term \"guarantee_from\"",
			"broken.yaml:21:46: error: in expression: Syntax error",
			"broken.yaml:27:9: error: duration \"3 days\"",
			"broken.yaml:27:45: error: unknown action \"send_weapons\"",
			"7 errors, 0 warnings in 1 document",
		}},
		{"weak", []string{"weak.yaml"}, exitFindings, []string{
			"weak.yaml:5:64: warning: 16,274 km² of UA's territory",
			"weak.yaml:30:1: warning: 10 hostile incident kinds",
			"weak.yaml:31:5: warning: invocation trigger \"attack\"",
			"weak.yaml:31:5: warning: trigger \"attack\" opens invocation on a single incident",
			"weak.yaml:38:5: warning: 4 artillery incidents every 3d, i.e. 40 a month",
			"weak.yaml:44:11: warning: obligation \"consult\" of stage \"consultation\" has no deadline",
			"weak.yaml:47:45: error: obligation \"reassure\" of stage \"invocation\" requires US, UK to deploy_forces",
			"1 error, 6 warnings in 1 document",
		}},
		{"clean", []string{"clean.yaml"}, exitOK, []string{"0 errors, 0 warnings in 1 document"}},
		{"deals", []string{"deals"}, exitFindings, []string{
			"deals/bad.yaml:3:25: error: term \"guarantee_form\" has no value \"article5\"",
			"deals/bad.yaml:3:43: error: unknown term \"troops\"",
			"2 errors, 0 warnings in 3 documents",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"check"}
			for _, a := range tc.args {
				args = append(args, filepath.Join(checkData, a))
			}
			out, errOut, code := runCheckMain(t, args...)
			if code != tc.wantCode {
				t.Errorf("exit status: got %d; want %d\nstderr: %s", code, tc.wantCode, errOut)
			}
			for _, w := range tc.wantAt {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q", w)
				}
			}
			golden := filepath.Join(checkData, tc.name+".golden")
			if *updateCheck {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update-check to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (run with -update-check after checking it):\n--- got\n%s\n--- want\n%s", golden, out, want)
			}
		})
	}
}

func TestCheckSortedByPosition(t *testing.T) {
	out, _, _ := runCheckMain(t, "check", "--format", "json", filepath.Join(checkData, "weak.yaml"))
	var res checkResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	for i := 1; i < len(res.Findings); i++ {
		a, b := res.Findings[i-1], res.Findings[i]
		if a.File == b.File && (a.Line > b.Line || (a.Line == b.Line && a.Col > b.Col)) {
			t.Errorf("finding %d (%d:%d) comes after %d:%d", i, b.Line, b.Col, a.Line, a.Col)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	out, _, code := runCheckMain(t, "check", filepath.Join(checkData, "weak.yaml"), "--format", "json")
	if code != exitFindings {
		t.Errorf("exit status: got %d; want %d", code, exitFindings)
	}
	var res checkResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if res.Errors != 1 || res.Warnings != 6 {
		t.Errorf("errors, warnings: got %d, %d; want 1, 6", res.Errors, res.Warnings)
	}
	if len(res.Documents) != 1 || !strings.HasSuffix(res.Documents[0], "weak.yaml") {
		t.Errorf("documents: got %v; want [.../weak.yaml]", res.Documents)
	}
	var contradiction *agreement.Diagnostic
	for i, f := range res.Findings {
		if f.Rule == "contradiction" {
			contradiction = &res.Findings[i]
		}
	}
	if contradiction == nil {
		t.Fatalf("no contradiction finding in %s", out)
	}
	if contradiction.Line != 47 || contradiction.Severity != "error" || contradiction.Why == "" || contradiction.Fix == "" {
		t.Errorf("contradiction: got %+v; want line 47, error, with why and fix", *contradiction)
	}
	// A clean document still prints an empty list, not null.
	out, _, _ = runCheckMain(t, "check", "--format=json", filepath.Join(checkData, "clean.yaml"))
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("clean JSON output lacks an empty findings list:\n%s", out)
	}
}

func TestCheckFlags(t *testing.T) {
	weak := filepath.Join(checkData, "weak.yaml")
	clean := filepath.Join(checkData, "clean.yaml")
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
	}{
		{"no args", []string{"check"}, exitUsage, "", "Usage: backstop check"},
		{"missing file", []string{"check", "no/such.yaml"}, exitUsage, "", "no such file"},
		{"bad format", []string{"check", "--format", "xml", clean}, exitUsage, "", "want text or json"},
		{"unknown rule", []string{"check", "--disable", "no-such-rule", clean}, exitUsage, "", "unknown rule \"no-such-rule\""},
		{"warnings only", []string{"check", weak, "--disable", "contradiction"}, exitOK, "0 errors, 6 warnings", ""},
		{"strict", []string{"check", "--strict", weak, "--disable", "contradiction"}, exitFindings, "0 errors, 6 warnings", ""},
		{"disable two", []string{"check", weak, "--disable", "contradiction,salami-threshold"}, exitOK, "0 errors, 5 warnings", ""},
		{"strict clean", []string{"check", "--strict", clean}, exitOK, "0 errors, 0 warnings", ""},
		{"list rules", []string{"check", "--list-rules"}, exitOK, "salami-threshold", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runCheckMain(t, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit status: got %d; want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, out, errOut)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out)
			}
			if !strings.Contains(errOut, tc.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.wantErr, errOut)
			}
		})
	}
	out, _, _ := runCheckMain(t, "check", "--list-rules")
	for _, r := range lint.Rules {
		if !strings.Contains(out, r.ID) {
			t.Errorf("--list-rules lacks %s", r.ID)
		}
	}
}

// TestCheckDir checks that a folder is searched for agreement documents
// (and only them), and that a deal is checked against its folder's
// agreement when it names none.
func TestCheckDir(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(checkData, "clean.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	geo, err := os.ReadFile(filepath.Join(checkData, "country.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"agreement.yaml":     string(src),
		"country.geojson":    string(geo),
		"deal-ok.yaml":       "deal: ok\nterms: {guarantee_form: defence}\n",
		"deal-bad.yml":       "deal: bad\nterms:\n  guarantee_form: defense\n",
		"notes.yaml":         "title: not an agreement\n",
		"testdata/skip.yaml": "backstop: 1\nid: [broken\n",
		"sub/other.yaml":     "backstop: 1\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, _, code := runCheckMain(t, "check", dir, "--format", "json")
	if code != exitFindings {
		t.Errorf("exit status: got %d; want %d", code, exitFindings)
	}
	var res checkResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	var names []string
	for _, d := range res.Documents {
		rel, _ := filepath.Rel(dir, d)
		names = append(names, filepath.ToSlash(rel))
	}
	want := "agreement.yaml sub/other.yaml deal-bad.yml deal-ok.yaml"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("documents: got %s; want %s", got, want)
	}
	var badDeal, other bool
	for _, f := range res.Findings {
		if strings.HasSuffix(f.File, "deal-bad.yml") && f.Line == 3 && strings.Contains(f.Message, `"defense"`) {
			badDeal = true
		}
		if strings.HasSuffix(f.File, "other.yaml") && strings.Contains(f.Message, "no id") {
			other = true
		}
		if strings.Contains(f.File, "testdata") || strings.Contains(f.File, "notes") {
			t.Errorf("finding in a file that should be skipped: %+v", f)
		}
	}
	if !badDeal || !other {
		t.Errorf("missing findings (bad deal %v, incomplete agreement %v) in %+v", badDeal, other, res.Findings)
	}
}
