package geo_test

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/peterstace/simplefeatures/geom"
)

func oblastZones(tb testing.TB, file string) []geo.Zone {
	tb.Helper()
	fc, err := geo.ReadFile(shareddata.Path(tb, "geo", file))
	if err != nil {
		tb.Fatal(err)
	}
	zones := make([]geo.Zone, len(fc.Features))
	for i, f := range fc.Features {
		zones[i] = geo.Zone{ID: f.Prop("iso_3166_2"), Geom: f.Geom}
	}
	return zones
}

func TestIndexKnownCities(t *testing.T) {
	ix := geo.NewIndex(oblastZones(t, "ukraine_oblasts_ne10m.geojson"))
	for _, tc := range []struct {
		name     string
		lon, lat float64
		want     string
	}{
		{"Lviv", 24.0232, 49.8383, "UA-46"},
		{"Kharkiv", 36.2304, 49.9935, "UA-63"},
		{"Odesa", 30.7233, 46.4825, "UA-51"},
		{"Kyiv", 30.5234, 50.4501, "UA-30"},
		{"Donetsk", 37.8028, 48.0159, "UA-14"},
		{"Simferopol", 34.1024, 44.9521, "UA-43"},
		{"Sevastopol", 33.52134, 44.60795, "UA-40"},
		{"Uzhhorod", 22.2879, 48.6208, "UA-21"},
		{"Warsaw", 21.0122, 52.2297, ""},
		{"Black Sea", 32.0, 44.0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(ix.Locate(tc.lon, tc.lat), ",")
			if got != tc.want {
				t.Errorf("Locate(%g, %g) = %q; want %q", tc.lon, tc.lat, got, tc.want)
			}
			if tc.want != "" && !ix.Contains(tc.want, tc.lon, tc.lat) {
				t.Errorf("Contains(%s) = false; want true", tc.want)
			}
		})
	}
	if ix.Contains("UA-99", 30.52, 50.45) {
		t.Error("Contains(unknown id) = true; want false")
	}
}

func TestIndexBoundaryAndOrder(t *testing.T) {
	a := mustWKT(t, "POLYGON((0 0,2 0,2 2,0 2,0 0),(0.5 0.5,1 0.5,1 1,0.5 1,0.5 0.5))")
	b := mustWKT(t, "POLYGON((2 0,4 0,4 2,2 2,2 0))")
	ix := geo.NewIndex([]geo.Zone{{ID: "b", Geom: b}, {ID: "a", Geom: a}, {ID: "line", Geom: mustWKT(t, "LINESTRING(0 0,4 4)")}})
	for _, tc := range []struct {
		x, y float64
		want string
	}{
		{1.5, 1.5, "a"},
		{2, 1, "b,a"},    // shared edge: both, in NewIndex order
		{2, 2, "b,a"},    // shared corner
		{0.75, 0.75, ""}, // in the hole
		{0.5, 0.75, "a"}, // on the hole's edge
		{3, 1, "b"},
		{4, 0, "b"},
		{5, 1, ""},
	} {
		if got := strings.Join(ix.Locate(tc.x, tc.y), ","); got != tc.want {
			t.Errorf("Locate(%g, %g) = %q; want %q", tc.x, tc.y, got, tc.want)
		}
	}
}

type place struct {
	name     string
	lon, lat float64
	want     string // the data set's own point-in-polygon answer
}

func settlements(tb testing.TB) []place {
	f, err := os.Open(shareddata.Path(tb, "geo", "ua_settlements_geonames.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var out []place
	for _, r := range rows[1:] {
		lat, _ := strconv.ParseFloat(r[col["lat"]], 64)
		lon, _ := strconv.ParseFloat(r[col["lon"]], 64)
		out = append(out, place{r[col["name"]], lon, lat, r[col["iso_3166_2_ne_polygon"]]})
	}
	return out
}

// naiveLocate is the baseline: every zone, simplefeatures' generic
// point–polygon intersection test.
func naiveLocate(zones []geo.Zone, lon, lat float64) []string {
	pt := geom.NewPoint(geom.Coordinates{XY: geom.XY{X: lon, Y: lat}}).AsGeometry()
	var ids []string
	for _, z := range zones {
		if geom.Intersects(pt, z.Geom) {
			ids = append(ids, z.ID)
		}
	}
	return ids
}

// TestIndexSettlements locates all 1,651 GeoNames settlements and compares
// with the data set's own point-in-polygon column (computed by other
// software when the data was staged) and with the naive baseline.
func TestIndexSettlements(t *testing.T) {
	zones := oblastZones(t, "ukraine_oblasts_ne10m.geojson")
	ix := geo.NewIndex(zones)
	places := settlements(t)
	for _, p := range places {
		got := strings.Join(ix.Locate(p.lon, p.lat), ",")
		if got != p.want {
			t.Errorf("%s (%g %g): Locate = %q; want %q (data set's point-in-polygon)", p.name, p.lon, p.lat, got, p.want)
		}
		if base := strings.Join(naiveLocate(zones, p.lon, p.lat), ","); got != base {
			t.Errorf("%s: Locate = %q; naive scan = %q", p.name, got, base)
		}
	}
	t.Logf("%d settlements located; all agree with the reference column and the naive scan", len(places))
}

func BenchmarkLocate(b *testing.B) {
	zones := oblastZones(b, "ukraine_oblasts_ne10m.geojson")
	places := settlements(b)
	b.Run("index", func(b *testing.B) {
		ix := geo.NewIndex(zones)
		i := 0
		for b.Loop() {
			p := places[i%len(places)]
			ix.Locate(p.lon, p.lat)
			i++
		}
	})
	b.Run("naive-scan", func(b *testing.B) {
		i := 0
		for b.Loop() {
			p := places[i%len(places)]
			naiveLocate(zones, p.lon, p.lat)
			i++
		}
	})
}

func BenchmarkNewIndex(b *testing.B) {
	zones := oblastZones(b, "ukraine_oblasts_ne10m.geojson")
	for b.Loop() {
		geo.NewIndex(zones)
	}
}
