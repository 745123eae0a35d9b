package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/shareddata"
)

// The flag has its own name so that it cannot collide with another
// command's golden-file flag in this package.
var updateTerritory = flag.Bool("update-territory", false, "rewrite the territory golden files")

func territoryGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "territory", name)
	if *updateTerritory {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-territory to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update-territory after checking it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestTerritoryDiffRealData(t *testing.T) {
	base := shareddata.Path(t, "territory", "deepstate_occupied_daily", "deepstatemap_data_20250701.geojson")
	at := shareddata.Path(t, "territory", "deepstate_occupied_daily", "deepstatemap_data_20250930.geojson")
	zones := shareddata.Path(t, "geo", "ukraine_oblasts_ne10m.geojson")
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), []string{"territory", "diff", "--base", base, "--at", at, "--zones", zones, "--format", format}, &out, &errb)
			if code != exitOK {
				t.Fatalf("exit %d; want 0; stderr: %s", code, errb.String())
			}
			territoryGolden(t, "diff_20250701_20250930."+format, out.Bytes())
			if format != "json" {
				return
			}
			// The contract: exactly these keys, every zone present.
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
				t.Fatal(err)
			}
			keys := make([]string, 0, len(raw))
			for k := range raw {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if got := strings.Join(keys, ","); got != "by_zone,gained_km2,lost_km2" {
				t.Errorf("top-level keys %s; want by_zone,gained_km2,lost_km2", got)
			}
			var res struct {
				Gained float64 `json:"gained_km2"`
				Lost   float64 `json:"lost_km2"`
				ByZone map[string]struct {
					Gained float64 `json:"gained_km2"`
					Lost   float64 `json:"lost_km2"`
				} `json:"by_zone"`
			}
			if err := json.Unmarshal(out.Bytes(), &res); err != nil {
				t.Fatal(err)
			}
			if len(res.ByZone) != 27 {
				t.Errorf("by_zone has %d zones; want 27", len(res.ByZone))
			}
			if d := res.ByZone["UA-14"]; d.Gained < 500 || res.Gained < d.Gained {
				t.Errorf("UA-14 gained %.1f of %.1f; want the bulk of the total", d.Gained, res.Gained)
			}
		})
	}
}

func TestTerritoryDiffZoneIDs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := write("base.geojson", `{"type":"Polygon","coordinates":[[[30,49],[31,49],[31,50],[30,50],[30,49]]]}`)
	at := write("at.geojson", `{"type":"Polygon","coordinates":[[[30.5,49],[31.5,49],[31.5,50],[30.5,50],[30.5,49]]]}`)
	zones := write("zones.geojson", `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"west","properties":{"name":"West"},"geometry":{"type":"Polygon","coordinates":[[[29,48],[31,48],[31,51],[29,51],[29,48]]]}},
{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[31,48],[33,48],[33,51],[31,51],[31,48]]]}}]}`)
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"territory", "diff", "--base", base, "--at", at, "--zones", zones, "--format", "json"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	var res struct {
		Gained float64                       `json:"gained_km2"`
		ByZone map[string]map[string]float64 `json:"by_zone"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	// half a 1°×1° cell at 49–50N: 4,028.123 km² (see geo's area test)
	if res.Gained != 4028.123 || res.ByZone["1"]["gained_km2"] != 4028.123 || res.ByZone["west"]["lost_km2"] != 4028.123 {
		t.Errorf("got %s; want gained 4028.123 in zone 1 and lost 4028.123 in zone west", out.String())
	}
}

func TestTerritoryDiffErrors(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok.geojson")
	os.WriteFile(ok, []byte(`{"type":"Polygon","coordinates":[[[30,49],[31,49],[31,50],[30,49]]]}`), 0o644)
	bad := filepath.Join(dir, "bad.geojson")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[30,49],[31,49],"x"]]}}]}`), 0o644)
	for _, tc := range []struct {
		name    string
		args    []string
		code    int
		wantErr string
	}{
		{"no subcommand", []string{"territory"}, exitUsage, "Usage"},
		{"unknown subcommand", []string{"territory", "merge"}, exitUsage, "unknown subcommand"},
		{"missing --at", []string{"territory", "diff", "--base", ok}, exitUsage, "--base and --at are required"},
		{"bad format", []string{"territory", "diff", "--base", ok, "--at", ok, "--format", "xml"}, exitUsage, "want text or json"},
		{"bad layers", []string{"territory", "diff", "--base", ok, "--at", ok, "--layers", "mars"}, exitUsage, "unknown layer"},
		{"missing file", []string{"territory", "diff", "--base", filepath.Join(dir, "nope.geojson"), "--at", ok}, exitFindings, "nope.geojson"},
		{"bad feature", []string{"territory", "diff", "--base", ok, "--at", bad}, exitFindings, "bad.geojson: feature 0"},
		{"layers on a union file", []string{"territory", "diff", "--base", ok, "--at", ok, "--grey"}, exitFindings, "only the occupied union"},
		{"help", []string{"territory", "diff", "-h"}, exitOK, "Usage: backstop territory diff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tc.args, &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d; want %d (stderr %q)", code, tc.code, errb.String())
			}
			if !strings.Contains(errb.String()+out.String(), tc.wantErr) {
				t.Errorf("output %q; want it to mention %q", errb.String()+out.String(), tc.wantErr)
			}
		})
	}
}
