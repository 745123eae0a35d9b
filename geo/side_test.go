package geo_test

import (
	"math"
	"testing"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/internal/shareddata"
)

func TestSideOfDnieper(t *testing.T) {
	border, err := geo.ReadFile(shareddata.Path(t, "geo", "ukraine_border_ne10m.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	ua, err := border.Union()
	if err != nil {
		t.Fatal(err)
	}
	line, _ := dnieper(t)
	west, err := geo.SideOf(ua, line, geo.West)
	if err != nil {
		t.Fatal(err)
	}
	east, err := geo.SideOf(ua, line, geo.East)
	if err != nil {
		t.Fatal(err)
	}
	ix := geo.NewIndex([]geo.Zone{{ID: "west", Geom: west}, {ID: "east", Geom: east}})
	for _, tc := range []struct {
		name     string
		lon, lat float64
		want     string
	}{
		{"Kyiv city centre (west bank)", 30.52, 50.45, "west"},
		{"Kharkiv", 36.23, 49.99, "east"},
		{"Lviv", 24.03, 49.84, "west"},
		// Dnipro's centre (35.04E 48.46N) lies on the right bank, about 1.5 km
		// south-west of the channel, so it is on the west side; the left-bank
		// districts across the river are east.
		{"Dnipro city centre (right bank)", 35.04, 48.46, "west"},
		{"Dnipro left-bank district", 35.07, 48.50, "east"},
		{"Odesa", 30.72, 46.48, "west"},
		{"Chernihiv", 31.29, 51.49, "east"},
		{"Simferopol", 34.10, 44.95, "east"},
		{"Kherson north (right bank)", 32.58, 46.70, "west"},
		{"Oleshky (left bank)", 32.72, 46.62, "east"},
		{"Zhytomyr", 28.66, 50.25, "west"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ix.Locate(tc.lon, tc.lat)
			if len(got) != 1 || got[0] != tc.want {
				t.Errorf("Locate(%g, %g) = %v; want [%s]", tc.lon, tc.lat, got, tc.want)
			}
		})
	}
	// The two sides partition the country: their areas add up and they
	// share no area.
	aUA, aW, aE := geo.AreaKm2(ua), geo.AreaKm2(west), geo.AreaKm2(east)
	both, err := geo.Intersection(west, east)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Ukraine %.0f km² = west %.0f + east %.0f (overlap %.3f km²)", aUA, aW, aE, geo.AreaKm2(both))
	if math.Abs(aW+aE-aUA) > 1e-6*aUA || geo.AreaKm2(both) > 1e-6 {
		t.Errorf("west + east = %.3f km²; want %.3f with no overlap (overlap %.6f)", aW+aE, aUA, geo.AreaKm2(both))
	}
	if aW < 250000 || aW > 350000 {
		t.Errorf("west of the Dnieper = %.0f km²; want roughly half of Ukraine (250,000–350,000)", aW)
	}
}

func TestSideOfSynthetic(t *testing.T) {
	sq := mustWKT(t, "POLYGON((0 0,10 0,10 10,0 10,0 0))")
	for _, tc := range []struct {
		name string
		line string
		side geo.Side
		want float64 // fraction of the square's area
		lon  float64
		lat  float64
	}{
		{"west of a vertical line", "LINESTRING(4 2,4 8)", geo.West, 0.4, 1, 5},
		{"east, line drawn south to north", "LINESTRING(4 8,4 2)", geo.East, 0.6, 9, 5},
		{"south of a horizontal line", "LINESTRING(3 7,6 7)", geo.South, 0.7, 5, 1},
		{"north", "LINESTRING(6 7,3 7)", geo.North, 0.3, 5, 9},
		{"west of a slanted short line", "LINESTRING(5 4,6 6)", geo.West, -1, 1, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			part, err := geo.SideOf(sq, mustWKT(t, tc.line), tc.side)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want >= 0 {
				if got := geo.AreaKm2(part) / geo.AreaKm2(sq); math.Abs(got-tc.want) > 0.02 {
					t.Errorf("area fraction = %.3f; want ≈ %.2f (ellipsoidal, so not exact)", got, tc.want)
				}
			}
			if !geo.NewIndex([]geo.Zone{{ID: "p", Geom: part}}).Contains("p", tc.lon, tc.lat) {
				t.Errorf("(%g %g) not in the %s part", tc.lon, tc.lat, tc.side)
			}
		})
	}
	if _, err := geo.SideOf(sq, mustWKT(t, "POINT(1 1)"), geo.West); err == nil {
		t.Error("SideOf(point): got no error; want one")
	}
	if _, err := geo.SideOf(sq, mustWKT(t, "LINESTRING(1 1,2 2)"), geo.Side("up")); err == nil {
		t.Error("SideOf(side up): got no error; want one")
	}
}
