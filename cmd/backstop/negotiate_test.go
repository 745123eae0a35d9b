package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/shareddata"
)

// TestNegotiateAnalyzeJSON pins the JSON contract scripts rely on, on a
// real GENIUS domain, against its reference answer.
func TestNegotiateAnalyzeJSON(t *testing.T) {
	dir := shareddata.Path(t, "negotiation", "scenarios", "anac", "y2010", "EnglandZimbabwe")
	refPath := shareddata.Path(t, "negotiation", "reference", "anac", "y2010", "EnglandZimbabwe.json")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"negotiate", "analyze", "--genius", dir, "--format", "json"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d; want 0; stderr: %s", code, errb.String())
	}
	var got struct {
		Outcomes int `json:"outcomes"`
		Issues   []struct {
			Name   string   `json:"name"`
			Values []string `json:"values"`
		} `json:"issues"`
		Parties []struct {
			Name     string  `json:"name"`
			Reserved float64 `json:"reserved"`
		} `json:"parties"`
		Frontier, Nash, KS, Egal, MW []struct {
			Outcome   map[string]string `json:"outcome"`
			Utilities []float64         `json:"utilities"`
		}
	}
	// Decode the point lists by their contract names.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		t.Fatalf("output is not one JSON object: %v", err)
	}
	for _, k := range []string{"outcomes", "issues", "parties", "frontier", "nash", "kalai_smorodinsky", "egalitarian", "max_welfare"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	for k, dst := range map[string]any{"frontier": &got.Frontier, "nash": &got.Nash, "kalai_smorodinsky": &got.KS, "egalitarian": &got.Egal, "max_welfare": &got.MW} {
		if err := json.Unmarshal(raw[k], dst); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	var ref struct {
		NOutcomes int `json:"n_outcomes"`
		Frontier  []struct {
			Outcome   []string  `json:"outcome"`
			Utilities []float64 `json:"utilities"`
		} `json:"frontier"`
		Nash []struct {
			Outcome []string `json:"outcome"`
		} `json:"nash"`
	}
	data, err := os.ReadFile(refPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	if got.Outcomes != ref.NOutcomes {
		t.Errorf("outcomes %d; want %d", got.Outcomes, ref.NOutcomes)
	}
	if len(got.Issues) != 5 || got.Issues[0].Name != "Size of Fund" || len(got.Issues[0].Values) != 4 {
		t.Errorf("issues: got %+v; want 5 issues starting with Size of Fund (4 values)", got.Issues)
	}
	if len(got.Parties) != 2 || got.Parties[0].Name != "England" || got.Parties[1].Name != "Zimbabwe" {
		t.Errorf("parties: got %+v; want England, Zimbabwe", got.Parties)
	}
	if len(got.Frontier) != len(ref.Frontier) {
		t.Fatalf("frontier: got %d points; want %d", len(got.Frontier), len(ref.Frontier))
	}
	// Same order as the reference (both sorted the reference way).
	for i, p := range got.Frontier {
		for j, is := range got.Issues {
			if p.Outcome[is.Name] != ref.Frontier[i].Outcome[j] {
				t.Fatalf("frontier[%d].%s = %q; want %q", i, is.Name, p.Outcome[is.Name], ref.Frontier[i].Outcome[j])
			}
		}
		if len(p.Utilities) != 2 {
			t.Fatalf("frontier[%d] has %d utilities; want 2", i, len(p.Utilities))
		}
	}
	if len(got.Nash) != len(ref.Nash) || got.Nash[0].Outcome["Size of Fund"] != ref.Nash[0].Outcome[0] {
		t.Errorf("nash: got %+v; want %+v", got.Nash, ref.Nash)
	}
}

func TestNegotiateAnalyzeText(t *testing.T) {
	dir := shareddata.Path(t, "negotiation", "scenarios", "anac", "y2012", "NiceOrDieC")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"negotiate", "analyze", "--genius", dir}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "no zone of agreement") {
		t.Errorf("NiceOrDieC has no rational outcome; got:\n%s", out.String())
	}
}

func TestNegotiateAnalyzePositionsAndPlot(t *testing.T) {
	// The worked example with the test copy of its terms.
	tmp := t.TempDir()
	src, err := os.ReadFile("../../examples/ukraine-2025/positions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	terms, _ := filepath.Abs("../../negotiate/testdata/ukraine-terms.yaml")
	src = bytes.Replace(src, []byte("agreement: agreement.yaml"), []byte("agreement: "+terms), 1)
	pos := filepath.Join(tmp, "positions.yaml")
	if err := os.WriteFile(pos, src, 0o644); err != nil {
		t.Fatal(err)
	}
	svg := filepath.Join(tmp, "plot.svg")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"negotiate", "analyze", "--positions", pos, "--plot", svg, "--robustness", "50"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	for _, want := range []string{"Zone of agreement: NONE", "ru-donbas-legal-boundaries", "What would unlock it", "illustrative"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text lacks %q", want)
		}
	}
	b, err := os.ReadFile(svg)
	if err != nil || !bytes.HasPrefix(b, []byte("<svg")) || !bytes.Contains(b, []byte("polyline")) {
		t.Errorf("plot: %v; want an SVG with a frontier polyline", err)
	}
}

func TestNegotiateErrors(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "d.xml")
	os.WriteFile(bad, []byte("<negotiation_template>\n<utility_space>\n<issue name=\"x\" index=\"1\" etype=\"discrete\">\n</issue>\n</utility_space>\n</negotiation_template>\n"), 0o644)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"negotiate"}, exitUsage, "Usage"},
		{[]string{"negotiate", "frobnicate"}, exitUsage, "unknown subcommand"},
		{[]string{"negotiate", "analyze"}, exitUsage, "exactly one of"},
		{[]string{"negotiate", "analyze", "--genius", tmp, "--format", "xml"}, exitUsage, "--format"},
		{[]string{"negotiate", "analyze", "--genius", tmp}, exitFindings, "d.xml:3: <issue>: discrete issue \"x\" has no <item> values"},
	} {
		var out, errb bytes.Buffer
		code := Main(context.Background(), c.args, &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}

func TestNegotiateSimulateAndTournament(t *testing.T) {
	dir := shareddata.Path(t, "negotiation", "scenarios", "anac", "y2012", "TravelB")
	var out1, out2, errb bytes.Buffer
	args := []string{"negotiate", "simulate", "--genius", dir, "--agents", "boulware,conceder", "--rounds", "80", "--seed", "7", "--format", "json"}
	if code := Main(context.Background(), args, &out1, &errb); code != exitOK {
		t.Fatalf("simulate: exit %d; stderr %s", code, errb.String())
	}
	Main(context.Background(), args, &out2, &errb)
	if out1.String() != out2.String() {
		t.Errorf("simulate is not reproducible:\n%s\n%s", out1.String(), out2.String())
	}
	var res struct {
		Agreement bool      `json:"agreement"`
		Round     int       `json:"round"`
		Utilities []float64 `json:"utilities"`
		DistF     float64   `json:"distance_to_frontier"`
	}
	if err := json.Unmarshal(out1.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Agreement || len(res.Utilities) != 2 || res.Round < 1 || res.Round > 80 || res.DistF < 0 {
		t.Errorf("simulate result %+v; want an agreement within 80 rounds with 2 utilities", res)
	}
	var out, e2 bytes.Buffer
	code := Main(context.Background(), []string{"negotiate", "tournament", "--genius", dir, "--strategies", "boulware,linear", "--rounds", "40"}, &out, &e2)
	if code != exitOK || !strings.Contains(out.String(), "Tournament: 4 sessions") || !strings.Contains(out.String(), "boulware") {
		t.Errorf("tournament: exit %d, output:\n%s%s", code, out.String(), e2.String())
	}
	var e3 bytes.Buffer
	if code := Main(context.Background(), []string{"negotiate", "simulate", "--genius", dir, "--agents", "boulware,nobody"}, &out, &e3); code != exitUsage || !strings.Contains(e3.String(), "unknown strategy") {
		t.Errorf("bad strategy: exit %d, stderr %q; want 2 and unknown strategy", code, e3.String())
	}
}
