package geo_test

import (
	"math"
	"testing"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/peterstace/simplefeatures/geom"
)

func mustWKT(t testing.TB, wkt string) geom.Geometry {
	t.Helper()
	g, err := geom.UnmarshalWKT(wkt)
	if err != nil {
		t.Fatalf("parse %q: %v", wkt, err)
	}
	return g
}

// TestAreaKm2Synthetic checks cases with closed-form answers.
func TestAreaKm2Synthetic(t *testing.T) {
	// Reference values come from numerically integrating the ellipsoid's
	// area element M·N·cos φ dφ dλ (200,000 midpoint steps), which shares no
	// code or formula with AreaKm2's closed form.
	for _, tc := range []struct {
		name string
		wkt  string
		want float64
		tol  float64
	}{
		{"cell 30-31E 49-50N", "POLYGON((30 49,31 49,31 50,30 50,30 49))", 8056.245, 0.01},
		{"clockwise cell", "POLYGON((30 49,30 50,31 50,31 49,30 49))", 8056.245, 0.01},
		{"cell with 0.5° hole", "POLYGON((30 49,31 49,31 50,30 50,30 49),(30.25 49.25,30.75 49.25,30.75 49.75,30.25 49.75,30.25 49.25))", 6042.164, 0.01},
		{"line has none", "LINESTRING(30 49,31 50)", 0, 0},
		{"empty", "POLYGON EMPTY", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := geo.AreaKm2(mustWKT(t, tc.wkt))
			if math.Abs(got-tc.want) > tc.tol {
				t.Errorf("AreaKm2 = %.3f; want %.3f ± %g", got, tc.want, tc.tol)
			}
		})
	}
	// One octant of the ellipsoid (0–90N, 0–90E) is an eighth of WGS84's
	// 510,065,621.7 km².
	oct := geo.AreaKm2(mustWKT(t, "POLYGON((0 0,90 0,90 90,0 90,0 0))"))
	if math.Abs(oct-510065621.72/8) > 1 {
		t.Errorf("octant = %.1f km²; want %.1f", oct, 510065621.72/8)
	}
}

// TestAreaKm2Oblasts compares every Natural Earth unit with its area_km2
// property (mapshaper's spherical area), which must agree within 0.5%.
func TestAreaKm2Oblasts(t *testing.T) {
	fc, err := geo.ReadFile(shareddata.Path(t, "geo", "ukraine_oblasts_ne10m.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 27 {
		t.Fatalf("got %d units; want 27", len(fc.Features))
	}
	worst, worstID := 0.0, ""
	for _, f := range fc.Features {
		want, ok := f.Props["area_km2"].(float64)
		if !ok {
			t.Fatalf("%s: no area_km2", f.Prop("iso_3166_2"))
		}
		got := geo.AreaKm2(f.Geom)
		rel := math.Abs(got-want) / want
		if rel > 0.005 {
			t.Errorf("%s %s: AreaKm2 = %.1f; want %.0f ± 0.5%% (off by %.3f%%)", f.Prop("iso_3166_2"), f.Prop("name_en"), got, want, 100*rel)
		}
		if rel > worst {
			worst, worstID = rel, f.Prop("iso_3166_2")
		}
	}
	t.Logf("worst relative error over 27 units: %.3f%% (%s)", 100*worst, worstID)
}
