package agreement

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/backstop-dev/backstop/internal/shareddata"
)

func TestZonesBuildAndLocate(t *testing.T) {
	d, err := Load("testdata/minimal.yaml")
	if err != nil {
		t.Fatal(err)
	}
	zs, err := d.Zones(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := zs.Locate(30.5, 50.5); !slices.Equal(got, []string{"square"}) {
		t.Errorf("Locate(30.5, 50.5): got %v; want [square]", got)
	}
	if got := zs.Locate(29.5, 50.5); len(got) != 0 {
		t.Errorf("Locate(29.5, 50.5): got %v; want none", got)
	}
	// One degree of longitude by one of latitude at 50–51°N is about
	// 111.2 km × 70.8 km ≈ 7,870 km².
	if a := zs.AreaKm2("square"); a < 7700 || a > 8050 {
		t.Errorf("area of square: got %.0f km²; want about 7,870", a)
	}
	again, _ := d.Zones(nil)
	if again != zs {
		t.Errorf("Zones is not cached for the same deal")
	}
}

// TestOccupiedZoneFromRealSnapshot builds "the occupied area in a
// territorial-control snapshot" from a real DeepState file: mid-2025 the
// occupied area, Crimea included, is about 113,000–116,000 km², and
// Donetsk city is inside it while Kramatorsk is not.
func TestOccupiedZoneFromRealSnapshot(t *testing.T) {
	snap := shareddata.Path(t, "territory", "deepstate_occupied_daily", "deepstatemap_data_20250701.geojson")
	src := fmt.Sprintf(`backstop: 1
id: occ
parties:
  - {id: A, kind: state, roles: [beneficiary], territory: occupied}
terms: []
zones:
  - id: occupied
    occupied: {snapshot: %q}
`, snap)
	d, err := Parse(filepath.Join(t.TempDir(), "occ.yaml"), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	zs, err := d.Zones(nil)
	if err != nil {
		t.Fatal(err)
	}
	if a := zs.AreaKm2("occupied"); a < 113000 || a > 116000 {
		t.Errorf("occupied area on 2025-06-30: got %.0f km²; want 113,000–116,000", a)
	}
	if !zs.Contains("occupied", 37.80, 48.00) {
		t.Errorf("Donetsk city (37.80E 48.00N) is not in the occupied zone")
	}
	if zs.Contains("occupied", 37.56, 48.72) {
		t.Errorf("Kramatorsk (37.56E 48.72N) is in the occupied zone")
	}
}
