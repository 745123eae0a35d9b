package ingest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/ingest"
)

func loadMapping(t testing.TB, name string) *ingest.Mapping {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "mappings", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := ingest.LoadMapping(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestMappedVolunteerAlerts imports the real volunteer alert log through a
// mapping and checks it against the native importer, row by row.
func TestMappedVolunteerAlerts(t *testing.T) {
	m := loadMapping(t, "volunteer_alerts.yaml")
	opt := ingest.Options{Mapping: m}
	mapped := readReal(t, ingest.TypeMapped, opt, "events", "air_raid_alerts", "volunteer_data_en.csv")
	checkBatch(t, mapped, opt)
	native := readReal(t, ingest.TypeAlerts, ingest.Options{}, "events", "air_raid_alerts", "volunteer_data_en.csv")
	s := mapped.Stats
	if s.Rows != 54514 || s.Accepted != 54514 || s.Skipped != 0 {
		t.Fatalf("rows/accepted/skipped = %d/%d/%d; want 54514/54514/0", s.Rows, s.Accepted, s.Skipped)
	}
	for i, r := range mapped.Reports {
		n := native.Reports[i]
		if !r.Time.Equal(n.Time) || !r.End.Equal(n.End) || !slices.Equal(r.Place.Areas, n.Place.Areas) || r.Kind != n.Kind || r.SourceID != n.SourceID {
			t.Fatalf("row %d: mapped %+v; native %+v", i+1, r, n)
		}
	}
	if id := mapped.Reports[0].ID; id != "etryvoga-mapped:1" {
		t.Errorf("first id %q; want etryvoga-mapped:1", id)
	}
}

func TestMappedBellingcatJSON(t *testing.T) {
	m := loadMapping(t, "bellingcat_points.yaml")
	opt := ingest.Options{Mapping: m}
	b := readReal(t, ingest.TypeMapped, opt, "events", "bellingcat_civharm", "ukr-civharm-2024-06-02.json")
	checkBatch(t, b, opt)
	s := b.Stats
	if s.Rows != 1790 || s.Accepted != 1790 || s.Skipped != 0 {
		t.Fatalf("rows/accepted/skipped = %d/%d/%d; want 1790/1790/0", s.Rows, s.Accepted, s.Skipped)
	}
	r := findReport(t, b, "bc:CIV0098")
	if !r.Place.HasPoint || r.Place.Lat != 49.212119 || r.Place.Lon != 38.905921 ||
		!r.Time.Equal(time.Date(2022, 2, 24, 0, 0, 0, 0, ingest.Kyiv)) || r.Text != "Individual injured by shelling, ambulance responds." {
		t.Errorf("CIV0098 = %+v", r)
	}
	// Three incident ids repeat in the export; the second of each gets "~2".
	findReport(t, b, "bc:CIV1151~2")
}

func TestMappedKinds(t *testing.T) {
	yaml := `format: csv
source_column_is_not_a_field: x
`
	if _, err := ingest.LoadMapping(strings.NewReader(yaml), "m.yaml"); err == nil || !strings.Contains(err.Error(), "m.yaml") {
		t.Errorf("unknown field: err = %v; want one naming the file", err)
	}
	bad := []struct{ yaml, want string }{
		{"kind: drone_strike\ncolumns: {time: t}\n", "want exactly one of source"},
		{"source: s\ncolumns: {time: t}\n", "want kind"},
		{"source: s\nkind: teleportation\ncolumns: {time: t}\n", "kind \"teleportation\" is not in the taxonomy"},
		{"source: s\nkind: drone_strike\ncolumns: {}\n", "columns.time: required"},
		{"source: s\nkind: drone_strike\ntime_zone: Mars/Olympus\ncolumns: {time: t}\n", "time_zone"},
		{"source: s\nkind: drone_strike\ncolumns: {time: t, lat: y}\n", "columns.lat and columns.lon go together"},
	}
	for _, tt := range bad {
		if _, err := ingest.LoadMapping(strings.NewReader(tt.yaml), "m.yaml"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadMapping(%q) err = %v; want %q", tt.yaml, err, tt.want)
		}
	}

	m, err := ingest.LoadMapping(strings.NewReader(`source: feed
kind_column_note: ignored
`), "m.yaml")
	if err == nil {
		t.Fatalf("mapping with an unknown key loaded: %+v", m)
	}
	m, err = ingest.LoadMapping(strings.NewReader(`columns:
  time: when
  kind: weapon
  source: outlet
  place: where
  counts: {killed: dead}
kinds:
  Shahed: drone_strike
  Kalibr: missile_strike
time_layout: ["02.01.2006 15:04", "02.01.2006"]
time_zone: Europe/Kyiv
actor: RU
`), "m.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := "when,weapon,outlet,where,dead\n" +
		"01.07.2025 03:10,Shahed,ua-news,Odesa oblast,2\n" +
		"02.07.2025,Kalibr,ua-news,Lviv,\n" +
		"03.07.2025,Zircon,ua-news,Kyiv,\n" +
		"04.07.2025,Shahed,,Kyiv,\n"
	b, err := ingest.ReadMapped(strings.NewReader(in), "feed.csv", ingest.Options{Mapping: m})
	if err != nil {
		t.Fatal(err)
	}
	s := b.Stats
	if s.Rows != 4 || s.Accepted != 2 || s.SkippedByReason["kind value not mapped"] != 1 || s.SkippedByReason["no source"] != 1 {
		t.Errorf("stats %+v", s)
	}
	r := b.Reports[0]
	if r.Kind != backstop.DroneStrike || r.Actor != "RU" || r.Counts["killed"] != 2 || !slices.Equal(r.Place.Areas, []string{"UA-51"}) ||
		!r.Time.Equal(time.Date(2025, 7, 1, 0, 10, 0, 0, time.UTC)) || r.ID != "mapped:1" {
		t.Errorf("report 1 = %+v", r)
	}
	if len(b.Sources) != 1 || b.Sources[0].ID != "ua-news" || b.Sources[0].Reliability.String() != "F" {
		t.Errorf("new sources %+v; want ua-news with reliability F", b.Sources)
	}
}
