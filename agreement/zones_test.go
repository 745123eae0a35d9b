package agreement

import (
	"slices"
	"testing"
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
