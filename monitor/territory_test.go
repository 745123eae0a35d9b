package monitor

import (
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/internal/shareddata"
)

func TestTerritorialIncidentsReal(t *testing.T) {
	dir := shareddata.Path(t, "territory", "deepstate_occupied_daily")
	areas, err := LoadAreas(shareddata.Path(t, "geo", "ukraine_oblasts_ne10m.geojson"), "iso_3166_2")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	incs, err := TerritorialIncidents(TerritoryOptions{
		Dir: dir, Areas: areas,
		Line:       time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Since:      time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC),
		Until:      time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC),
		MinAreaKm2: 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d incidents in %v", len(incs), time.Since(start))
	total := map[string]float64{}
	for _, inc := range incs {
		if inc.Kind != backstop.TerritorialSeizure || inc.Actor != "RU" || inc.AreaKm2 < 5 {
			t.Errorf("got %s %s %s %.1f km²; want territorial_seizure by RU of at least 5 km²", inc.ID, inc.Kind, inc.Actor, inc.AreaKm2)
		}
		total[inc.Place.Areas[0]] += inc.AreaKm2
	}
	t.Logf("gains by oblast: %v", total)
	// Russia's summer 2025 advance was in Donetsk oblast above all.
	if total["UA-14"] < 500 {
		t.Errorf("got %.0f km² gained in Donetsk oblast (UA-14) Jul-Sep 2025; want several hundred at least", total["UA-14"])
	}
}
