package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/internal/shareddata"
)

func TestIngestSummaryReal(t *testing.T) {
	missile := shareddata.Path(t, "events", "missile_attacks", "missile_attacks_daily.csv")
	alerts := shareddata.Path(t, "events", "air_raid_alerts", "volunteer_data_en.csv")
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"ingest", missile, alerts, "--format", "summary"}, &out, &errb)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	s := out.String()
	for _, want := range []string{
		"missile_attacks_daily.csv          missile        2946     2946        0     2946",
		"volunteer_data_en.csv              alerts        54514    54514        0    54514",
		"drone_strike                                 1879",
		"air_raid_alert                              54514",
		"kpszsu                                       2946",
		"target",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestIngestJSONLReal(t *testing.T) {
	viina := shareddata.Path(t, "events", "viina_strikes", "VIINA_2025_REBUILD.csv")
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"ingest", "--format", "jsonl", viina}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var r backstop.Report
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		if n == 0 && (r.ID != "viina:20250118-95566:meduza" || r.SourceID != "meduza" || !r.Place.HasPoint) {
			t.Errorf("first report %+v", r)
		}
		n++
	}
	if n != 181 {
		t.Errorf("reports = %d; want 181 (178 rows, 3 with two outlets)", n)
	}
}

func TestIngestErrors(t *testing.T) {
	dir := t.TempDir()
	unknown := filepath.Join(dir, "other.csv")
	os.WriteFile(unknown, []byte("a,b\n1,2\n"), 0o644)
	broken := filepath.Join(dir, "missile_attacks_broken.csv")
	os.WriteFile(broken, []byte("time_start,model\n"), 0o644)
	skipping := filepath.Join(dir, "alerts.csv")
	os.WriteFile(skipping, []byte("region,started_at,finished_at,naive\nKyiv City,never,,False\n"), 0o644)
	tests := []struct {
		args    []string
		code    int
		errWant string
		outWant string
	}{
		{[]string{"ingest", "--format", "xml", unknown}, exitUsage, `--format "xml"`, ""},
		{[]string{"ingest", "--type", "nope", unknown}, exitUsage, `unknown importer "nope"`, ""},
		{[]string{"ingest", "--type", "mapped", unknown}, exitUsage, "needs --mapping", ""},
		{[]string{"ingest"}, exitUsage, "Usage: backstop ingest", ""},
		{[]string{"ingest", unknown}, exitFindings, "other.csv: cannot tell the format", ""},
		{[]string{"ingest", broken}, exitFindings, "missile_attacks_broken.csv:1: header lacks column(s)", ""},
		{[]string{"ingest", skipping}, exitOK, "", "started_at not a time"},
		{[]string{"ingest", "--strict", skipping}, exitFindings, "", "started_at not a time"},
		{[]string{"ingest", "--format", "jsonl", skipping}, exitOK, "1 of 1 rows skipped (started_at not a time: 1)", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[1:], " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), tt.args, &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d; want %d (stderr %s)", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.errWant) {
				t.Errorf("stderr %q; want %q", errb.String(), tt.errWant)
			}
			if !strings.Contains(out.String(), tt.outWant) {
				t.Errorf("stdout %q; want %q", out.String(), tt.outWant)
			}
		})
	}
}
