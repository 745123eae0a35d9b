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

	"github.com/backstop-dev/backstop/internal/shareddata"
)

var updateReplay = flag.Bool("update-replay", false, "rewrite the replay golden files (-update works too)")

// updating reports whether golden files are to be rewritten: -update-replay,
// or -update as defined by another test file of the package.
func updating() bool {
	if *updateReplay {
		return true
	}
	if f := flag.Lookup("update"); f != nil {
		return f.Value.String() == "true"
	}
	return false
}

const (
	exampleAgreement = "../../examples/ukraine-2025/agreement.yaml"
	exampleDeal      = "../../examples/ukraine-2025/deals/compromise.yaml"
)

func replayArgs(t *testing.T, format string, reversed bool) []string {
	missiles := shareddata.Path(t, "events", "missile_attacks", "missile_attacks_daily.csv")
	viina := shareddata.Path(t, "events", "viina_strikes", "VIINA_2025_REBUILD.csv")
	terr := shareddata.Path(t, "territory", "deepstate_occupied_daily")
	events := []string{"--events", missiles, "--events", viina}
	if reversed {
		events = []string{"--events", viina, "--events", missiles}
	}
	args := []string{"replay", exampleAgreement, "--deal", exampleDeal, "--since", "2025-07-01", "--until", "2025-09-30", "--territory", terr, "--format", format}
	return append(args, events...)
}

func runReplayMain(t *testing.T, args []string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Main(context.Background(), args, &out, &errb); code != exitOK {
		t.Fatalf("backstop %s: exit %d; want 0; stderr:\n%s", strings.Join(args, " "), code, errb.String())
	}
	return out.String()
}

// TestReplayGolden pins the timeline of the worked example over the third
// quarter of 2025. What an analyst should recognise in it is checked
// explicitly as well: the mass drone attack of the night of 3 to 4 July
// 2025 (about 540 launched), and Russian gains concentrated in Donetsk
// oblast.
func TestReplayGolden(t *testing.T) {
	if _, err := os.Stat(exampleAgreement); err != nil {
		t.Skip("worked example not present: " + err.Error())
	}
	got := runReplayMain(t, replayArgs(t, "text", false))
	// The data folder's location differs between machines; the golden file
	// holds it as $DATA.
	got = strings.ReplaceAll(got, shareddata.Dir(t), "$DATA")
	golden := filepath.Join("testdata", "replay_compromise_2025q3.txt")
	if updating() {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update-replay to create it)", err)
	}
	if got != string(want) {
		t.Errorf("replay timeline differs from %s (run with -update-replay if the change is intended); got:\n%s", golden, firstDiff(got, string(want)))
	}
	for _, want := range []string{
		"TRIGGER      massive-strike",
		"543 launched", // the night of 3-4 July 2025
		"UNVERIFIED   territory",
		"UA-14",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "line " + itoa(i+1) + ":\n  got:  " + a + "\n  want: " + b
		}
	}
	return "(no line differs)"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestReplayDeterministic runs the JSON-lines replay twice, the second time
// with the event files in the other order, and wants the same bytes; it also
// checks the fields every line must carry.
func TestReplayDeterministic(t *testing.T) {
	if _, err := os.Stat(exampleAgreement); err != nil {
		t.Skip("worked example not present: " + err.Error())
	}
	a := runReplayMain(t, replayArgs(t, "jsonl", false))
	b := runReplayMain(t, replayArgs(t, "jsonl", true))
	if a != b {
		t.Fatalf("replay output depends on the order of input files:\n%s", firstDiff(a, b))
	}
	lines := strings.Split(strings.TrimSpace(a), "\n")
	if len(lines) < 20 {
		t.Fatalf("got %d decisions; want dozens for a quarter of real data", len(lines))
	}
	var territorial int
	for i, l := range lines {
		var d map[string]any
		if err := json.Unmarshal([]byte(l), &d); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		for _, f := range []string{"time", "kind", "rule", "explanation"} {
			if _, ok := d[f]; !ok {
				t.Errorf("line %d lacks %q: %s", i+1, f, l)
			}
		}
		if ev, _ := d["evidence"].([]any); len(ev) > 0 {
			if e0, _ := ev[0].(map[string]any); e0["kind"] == "territorial_seizure" {
				territorial++
				if a, _ := d["area_km2"].(float64); a <= 0 {
					t.Errorf("line %d: territorial decision without area_km2: %s", i+1, l)
				}
			}
		}
	}
	if territorial == 0 {
		t.Errorf("got no territorial decisions; want the summer 2025 gains")
	}
}

func TestReplayUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no deal", []string{"replay", exampleAgreement, "--since", "2025-07-01", "--until", "2025-07-02", "--events", "x.csv"}, exitUsage, "Usage"},
		{"bad date", []string{"replay", exampleAgreement, "--deal", exampleDeal, "--since", "July", "--until", "2025-07-02", "--events", "x.csv"}, exitUsage, `--since "July"`},
		{"until before since", []string{"replay", exampleAgreement, "--deal", exampleDeal, "--since", "2025-07-03", "--until", "2025-07-02", "--events", "x.csv"}, exitUsage, "before --since"},
		{"nothing to replay", []string{"replay", exampleAgreement, "--deal", exampleDeal, "--since", "2025-07-01", "--until", "2025-07-02"}, exitUsage, "nothing to replay"},
		{"bad format", []string{"replay", exampleAgreement, "--deal", exampleDeal, "--since", "2025-07-01", "--until", "2025-07-02", "--events", "x.csv", "--format", "xml"}, exitUsage, "--format"},
		{"missing events file", []string{"replay", exampleAgreement, "--deal", exampleDeal, "--since", "2025-07-01", "--until", "2025-07-02", "--events", "no-such-file.csv"}, exitFindings, "no-such-file.csv"},
		{"missing agreement", []string{"replay", "nope.yaml", "--deal", exampleDeal, "--since", "2025-07-01", "--until", "2025-07-02", "--events", "x.csv"}, exitFindings, "nope.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tt.args, &out, &errb)
			if code != tt.code || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("got exit %d, stderr %q; want exit %d and %q", code, errb.String(), tt.code, tt.want)
			}
		})
	}
}
