package ingest_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"testing"

	"github.com/backstop-dev/backstop/ingest"
	"github.com/backstop-dev/backstop/internal/shareddata"
)

// benchImporter times one importer on a real file held in memory and
// reports reports/s and rows/s.
func benchImporter(b *testing.B, typ ingest.Type, opt ingest.Options, elem ...string) {
	data, err := os.ReadFile(shareddata.Path(b, elem...))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var reports, rows int
	for b.Loop() {
		batch, err := ingest.Read(typ, bytes.NewReader(data), elem[len(elem)-1], opt)
		if err != nil {
			b.Fatal(err)
		}
		reports += len(batch.Reports)
		rows += batch.Stats.Rows
	}
	b.ReportMetric(float64(reports)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkReadMissileAttacks(b *testing.B) {
	benchImporter(b, ingest.TypeMissile, ingest.Options{}, "events", "missile_attacks", "missile_attacks_daily.csv")
}

func BenchmarkReadVIINA(b *testing.B) {
	benchImporter(b, ingest.TypeVIINA, ingest.Options{}, "events", "viina_strikes", "VIINA_2022_REBUILD.csv")
}

func BenchmarkReadBellingcat(b *testing.B) {
	benchImporter(b, ingest.TypeBellingcat, ingest.Options{}, "events", "bellingcat_civharm", "ukr-civharm-2024-06-02.json")
}

func BenchmarkReadAirRaidAlertsOfficial(b *testing.B) {
	benchImporter(b, ingest.TypeAlerts, ingest.Options{}, "events", "air_raid_alerts", "official_data_en.csv")
}

func BenchmarkReadAirRaidAlertsVolunteer(b *testing.B) {
	benchImporter(b, ingest.TypeAlerts, ingest.Options{}, "events", "air_raid_alerts", "volunteer_data_en.csv")
}

func BenchmarkReadMapped(b *testing.B) {
	f, err := os.Open("testdata/mappings/volunteer_alerts.yaml")
	if err != nil {
		b.Fatal(err)
	}
	m, err := ingest.LoadMapping(f, "volunteer_alerts.yaml")
	f.Close()
	if err != nil {
		b.Fatal(err)
	}
	benchImporter(b, ingest.TypeMapped, ingest.Options{Mapping: m}, "events", "air_raid_alerts", "volunteer_data_en.csv")
}

// The baselines only parse the files (encoding/csv, encoding/json) without
// making reports: the floor an importer's rows/s can be compared with.

func BenchmarkBaselineCSVVolunteer(b *testing.B) {
	data, err := os.ReadFile(shareddata.Path(b, "events", "air_raid_alerts", "volunteer_data_en.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			rows++
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkBaselineJSONBellingcat(b *testing.B) {
	data, err := os.ReadFile(shareddata.Path(b, "events", "bellingcat_civharm", "ukr-civharm-2024-06-02.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	rows := 0
	for b.Loop() {
		var v []map[string]any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
		rows += len(v)
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

func BenchmarkResolve(b *testing.B) {
	g := ingest.NewGazetteer()
	places := []string{"Ukraine", "south", "Odesa oblast and Mykolaiv oblast", "Dnipropetrovsk oblast, Kryvyi Rih Raion", "Chauda, Crimea and Bryansk oblast and Millerovo", "Black Sea"}
	for i := 0; b.Loop(); i++ {
		g.Resolve(places[i%len(places)])
	}
}
