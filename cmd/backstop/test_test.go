package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// updateGolden is -update, shared with any other golden test of the package
// that defined it first.
var updateGolden = func() *bool {
	if f := flag.Lookup("update"); f != nil {
		if g, ok := f.Value.(flag.Getter); ok {
			if b, ok := g.Get().(bool); ok {
				v := b
				return &v
			}
		}
	}
	return flag.Bool("update", false, "rewrite golden files")
}()

const testdataDoc = "../../adjudicate/testdata/agreement.yaml"

func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

var timing = regexp.MustCompile(`\(\d+\.\dms\)`)

// TestTestVerboseGolden runs `backstop test -v` on the evaluator's testdata
// document; the output (with timings blanked) is compared with a golden
// file. Refresh with: go test ./cmd/backstop -run TestTestVerboseGolden -update
func TestTestVerboseGolden(t *testing.T) {
	code, out, errs := runMain(t, "test", testdataDoc, "-v")
	if code != exitOK {
		t.Fatalf("exit %d; want 0\n%s%s", code, out, errs)
	}
	got := timing.ReplaceAllString(out, "(T)")
	path := "../../adjudicate/testdata/test-v.golden"
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update after checking it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestTestFailureDiffAndExit(t *testing.T) {
	code, out, _ := runMain(t, "test", "../../adjudicate/testdata/failing")
	if code != exitFindings {
		t.Errorf("exit: got %d; want 1", code)
	}
	for _, want := range []string{
		"PASS: passes (",
		"FAIL: expects the wrong things (",
		"    - obligation aid G due 2026-01-04T00:00:00Z\n    - violation no-shelling\n    + obligation aid G due 2026-01-05T00:00:00Z\n    + unverified s1\n",
		"PASS: 1/2\nFAIL: 1/2\n",
		"COVERAGE: 75.0% of prohibitions, triggers and stages (3/4)\n  not exercised: provision no-shelling\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// --run selects the passing test only.
	if code, out, _ := runMain(t, "test", "../../adjudicate/testdata/failing", "--run", "^pass"); code != exitOK || strings.Contains(out, "wrong things") {
		t.Errorf("--run ^pass: exit %d; want 0 and only the passing test:\n%s", code, out)
	}
}

func TestTestJSON(t *testing.T) {
	code, out, _ := runMain(t, "test", "--format", "json", "../../adjudicate/testdata/failing/agreement.yaml")
	if code != exitFindings {
		t.Errorf("exit: got %d; want 1", code)
	}
	var res struct {
		Tests []struct {
			Name       string   `json:"name"`
			Pass       bool     `json:"pass"`
			DurationMS *float64 `json:"duration_ms"`
			Missing    []string `json:"missing"`
			Unexpected []string `json:"unexpected"`
		} `json:"tests"`
		Coverage struct {
			Percent   float64  `json:"percent"`
			Uncovered []string `json:"uncovered"`
		} `json:"coverage"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	if len(res.Tests) != 2 || !res.Tests[0].Pass || res.Tests[1].Pass || res.Tests[0].DurationMS == nil {
		t.Fatalf("tests: got %+v; want two, the first passing, with durations", res.Tests)
	}
	if got := strings.Join(res.Tests[1].Missing, "|"); got != "obligation aid G due 2026-01-04T00:00:00Z|violation no-shelling" {
		t.Errorf("missing: got %s", got)
	}
	if res.Coverage.Percent != 75 || strings.Join(res.Coverage.Uncovered, "|") != "provision no-shelling" {
		t.Errorf("coverage: got %+v; want 75%% with no-shelling uncovered", res.Coverage)
	}
}

func TestTestLoadErrorAndUsage(t *testing.T) {
	code, _, errs := runMain(t, "test", "../../adjudicate/testdata/broken")
	if code != exitFindings {
		t.Errorf("broken document: exit %d; want 1", code)
	}
	if want := "agreement.yaml:11:13: error: unknown incident kind \"missile_strik\" (did you mean \"missile_strike\"?)\n        kinds: [missile_strik]\n                ^\n"; !strings.Contains(errs, want) {
		t.Errorf("stderr lacks the diagnostic with caret %q:\n%s", want, errs)
	}
	for _, args := range [][]string{
		{"test"},
		{"test", "--format", "xml", testdataDoc},
		{"test", "--run", "(", testdataDoc},
		{"test", "no/such/file.yaml"},
	} {
		if code, _, _ := runMain(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d; want 2", args, code)
		}
	}
}
