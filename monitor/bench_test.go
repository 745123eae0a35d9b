package monitor

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/ingest"
	"github.com/backstop-dev/backstop/internal/shareddata"
)

const benchReports = 200_000

// BenchmarkFuseAdjudicate measures the whole in-memory path — fusion,
// grading, release in time order, adjudication under the worked example —
// on synthetic reports (about three per incident, half with points located
// in the deal's zones). Compare reports/s with BenchmarkNaiveCEL.
func BenchmarkFuseAdjudicate(b *testing.B) {
	doc, deal := example(b, t0.Add(-time.Hour))
	reports := synthetic(benchReports, 11)
	SortReports(reports)
	b.ResetTimer()
	var decisions int
	for range b.N {
		m := New(engine(b, doc, deal), Options{Fuse: FuseOptions{Sources: testSources}})
		decisions = 0
		err := Run(m, reports, nil, reports[len(reports)-1].Time.Add(24*time.Hour), func(Decision) error { decisions++; return nil }, nil)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchReports*b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(decisions), "decisions")
}

// BenchmarkFuse is fusion and grading alone.
func BenchmarkFuse(b *testing.B) {
	reports := synthetic(benchReports, 11)
	SortReports(reports)
	b.ResetTimer()
	for range b.N {
		if _, err := Fuse(reports, FuseOptions{Sources: testSources}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchReports*b.N)/b.Elapsed().Seconds(), "reports/s")
}

// BenchmarkNaiveCEL is the baseline: no fusion, no index by kind; every
// report, as an incident of its own, is tested against every provision's and
// trigger's in_force and when conditions with CEL.
func BenchmarkNaiveCEL(b *testing.B) {
	doc, deal := example(b, t0.Add(-time.Hour))
	reports := synthetic(20_000, 11)
	b.ResetTimer()
	hits := 0
	for range b.N {
		for _, r := range reports {
			inc := map[string]any{
				"id": r.ID, "kind": string(r.Kind), "actor": r.Actor, "time": r.Time, "end": r.End,
				"zones": r.Place.Areas, "counts": countsOf(r), "area_km2": 0.0, "grade": "B3",
				"reliability": "B", "credibility": int64(3), "sources": int64(1), "opposing_sides": false,
				"text": r.Text, "lon": r.Place.Lon, "lat": r.Place.Lat, "has_point": r.Place.HasPoint,
			}
			vars := map[string]any{"terms": deal.Terms, "incident": inc}
			for _, p := range doc.Provisions {
				if ok, err := p.InForceExpr().Eval(vars); err == nil && ok {
					if ok, err := p.WhenExpr().Eval(vars); err == nil && ok && slices.Contains(p.Kinds, r.Kind) {
						hits++
					}
				}
			}
			for _, t := range doc.Triggers {
				if ok, err := t.InForceExpr().Eval(vars); err == nil && ok {
					if ok, err := t.WhenExpr().Eval(vars); err == nil && ok && slices.Contains(t.Kinds, r.Kind) {
						hits++
					}
				}
			}
		}
	}
	b.ReportMetric(float64(len(reports)*b.N)/b.Elapsed().Seconds(), "reports/s")
	b.ReportMetric(float64(hits/b.N), "hits")
}

func countsOf(r backstop.Report) map[string]float64 {
	if r.Counts == nil {
		return map[string]float64{}
	}
	return r.Counts
}

// BenchmarkReplayReal is the full replay of the shared data for Jul–Sep
// 2025: reading the missile log and VIINA, the territorial change of 92
// daily maps, fusion and adjudication under the worked example (goal < 2 s).
func BenchmarkReplayReal(b *testing.B) {
	data := shareddata.Dir(b)
	doc, deal := example(b, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	since, until := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	for range b.N {
		var reports []backstop.Report
		for _, p := range []string{
			filepath.Join(data, "events", "missile_attacks", "missile_attacks_daily.csv"),
			filepath.Join(data, "events", "viina_strikes", "VIINA_2025_REBUILD.csv"),
		} {
			f, err := os.Open(p)
			if err != nil {
				b.Fatal(err)
			}
			typ, _ := ingest.Detect(p, nil)
			batch, err := ingest.Read(typ, f, p, ingest.Options{})
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			for _, r := range batch.Reports {
				if !r.Time.Before(since) && r.Time.Before(until.Add(24*time.Hour)) {
					reports = append(reports, r)
				}
			}
		}
		areas, err := LoadAreas(filepath.Join(data, "geo", "ukraine_oblasts_ne10m.geojson"), "iso_3166_2")
		if err != nil {
			b.Fatal(err)
		}
		terr, err := TerritorialIncidents(TerritoryOptions{
			Dir: filepath.Join(data, "territory", "deepstate_occupied_daily"), Areas: areas,
			Line: since, Since: since, Until: until, MinAreaKm2: 5,
		})
		if err != nil {
			b.Fatal(err)
		}
		m := New(engine(b, doc, deal), Options{Fuse: FuseOptions{Sources: ingest.DefaultRegistry()}})
		n := 0
		if err := Run(m, reports, terr, until.Add(24*time.Hour), func(Decision) error { n++; return nil }, nil); err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.Fatal("no decisions")
		}
	}
}
