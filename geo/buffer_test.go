package geo_test

import (
	"math"
	"testing"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/peterstace/simplefeatures/geom"
)

func TestBufferKmPointArea(t *testing.T) {
	for _, tc := range []struct {
		name     string
		lon, lat float64
		km       float64
	}{
		{"Kyiv 1 km", 30.52, 50.45, 1},
		{"Kyiv 10 km", 30.52, 50.45, 10},
		{"Kharkiv 30 km", 36.23, 49.99, 30},
		{"Odesa 100 km", 30.73, 46.48, 100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := geo.BufferKm(mustWKT(t, pointWKT(tc.lon, tc.lat)), tc.km)
			if err != nil {
				t.Fatal(err)
			}
			got := geo.AreaKm2(g)
			// On a surface of curvature 1/R² a geodesic disc has area
			// 2πR²(1−cos(r/R)) ≈ πr²(1 − r²/12R²): 0.002% less at 100 km.
			want := math.Pi * tc.km * tc.km
			t.Logf("area %.4f km², πr² %.4f (%+.3f%%)", got, want, 100*(got-want)/want)
			if rel := math.Abs(got-want) / want; rel > 0.01 {
				t.Errorf("area = %.4f km²; want πr² = %.4f ± 1%% (off %.3f%%)", got, want, 100*rel)
			}
			// every vertex lies at r on the ellipsoid
			seq := g.DumpCoordinates()
			for i := 0; i < seq.Length(); i++ {
				xy := seq.GetXY(i)
				if d := geo.DistanceKm(tc.lon, tc.lat, xy.X, xy.Y); math.Abs(d-tc.km) > 1e-6*tc.km {
					t.Fatalf("vertex %d is %.9f km from the centre; want %g", i, d, tc.km)
				}
			}
		})
	}
}

func pointWKT(lon, lat float64) string {
	return geom.NewPoint(geom.Coordinates{XY: geom.XY{X: lon, Y: lat}}).AsText()
}

func TestBufferKmBadDistance(t *testing.T) {
	for _, km := range []float64{math.NaN(), math.Inf(1), 1e6} {
		if _, err := geo.BufferKm(mustWKT(t, "POINT(30 50)"), km); err == nil {
			t.Errorf("BufferKm(%g): got no error; want one", km)
		}
	}
}

func TestBufferKmPolygon(t *testing.T) {
	// A 1°×1° cell grown by 5 km and shrunk by 5 km: the ring of width 5 km
	// around a cell of perimeter P has area ≈ P·5 + π·25 (grown) and the
	// shrunk cell loses ≈ P·5 − 4·25 (square corners).
	cell := mustWKT(t, "POLYGON((30 49,31 49,31 50,30 50,30 49))")
	a0 := geo.AreaKm2(cell)
	perim := geo.DistanceKm(30, 49, 31, 49) + geo.DistanceKm(30, 50, 31, 50) + 2*geo.DistanceKm(30, 49, 30, 50)
	grown, err := geo.BufferKm(cell, 5)
	if err != nil {
		t.Fatal(err)
	}
	shrunk, err := geo.BufferKm(cell, -5)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := geo.AreaKm2(grown)-a0, perim*5+math.Pi*25; math.Abs(got-want)/want > 0.01 {
		t.Errorf("grown by %.1f km²; want %.1f ± 1%%", got, want)
	}
	if got, want := a0-geo.AreaKm2(shrunk), perim*5-4*25; math.Abs(got-want)/want > 0.01 {
		t.Errorf("shrunk by %.1f km²; want %.1f ± 1%%", got, want)
	}
}

// dnieper returns the Dnieper line and a copy densified to ≤ 0.25 km steps,
// used as an independent distance oracle.
func dnieper(t testing.TB) (geom.Geometry, []geom.XY) {
	fc, err := geo.ReadFile(shareddata.Path(t, "geo", "dnieper_ne10m.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	line := fc.Features[0].Geom
	seq := line.DumpCoordinates()
	var dense []geom.XY
	for i := 0; i < seq.Length(); i++ {
		b := seq.GetXY(i)
		if i > 0 {
			a := seq.GetXY(i - 1)
			n := int(math.Ceil(geo.DistanceKm(a.X, a.Y, b.X, b.Y) / 0.25))
			for k := 1; k < n; k++ {
				f := float64(k) / float64(n)
				dense = append(dense, geom.XY{X: a.X + f*(b.X-a.X), Y: a.Y + f*(b.Y-a.Y)})
			}
		}
		dense = append(dense, b)
	}
	return line, dense
}

// distToDense is the geodesic distance from p to the nearest oracle point
// (error ≤ 0.25²/(8d) km, under a metre at the distances tested).
func distToDense(p geom.XY, dense []geom.XY, within float64) float64 {
	best := math.Inf(1)
	dlat := within / 100
	dlon := within / 60
	for _, q := range dense {
		if math.Abs(q.Y-p.Y) > dlat || math.Abs(q.X-p.X) > dlon {
			continue
		}
		if d := geo.DistanceKm(p.X, p.Y, q.X, q.Y); d < best {
			best = d
		}
	}
	return best
}

// TestBufferKmDnieper checks that a buffer of the real Dnieper line reaches
// N km: its boundary vertices lie at N km from the river (within 1%), points
// at 0.97·N from it are inside and points beyond 1.02·N outside.
func TestBufferKmDnieper(t *testing.T) {
	line, dense := dnieper(t)
	const n = 20.0
	buf, err := geo.BufferKm(line, n)
	if err != nil {
		t.Fatal(err)
	}
	seq := buf.DumpCoordinates()
	step := seq.Length()/300 + 1
	lo, hi := math.Inf(1), 0.0
	for i := 0; i < seq.Length(); i += step {
		d := distToDense(seq.GetXY(i), dense, 2*n)
		lo, hi = math.Min(lo, d), math.Max(hi, d)
	}
	t.Logf("buffer %g km: %d vertices, %.0f km²; boundary vertices sampled at %.3f–%.3f km from the river", n, seq.Length(), geo.AreaKm2(buf), lo, hi)
	if lo < 0.99*n || hi > 1.001*n {
		t.Errorf("boundary distance range %.3f–%.3f km; want within [%.2f, %.3f]", lo, hi, 0.99*n, 1.001*n)
	}
	// probes perpendicular to the river at every 10th vertex
	lseq := line.DumpCoordinates()
	checked := 0
	for i := 5; i+1 < lseq.Length(); i += 10 {
		a, b := lseq.GetXY(i), lseq.GetXY(i+1)
		az := geo.Azimuth(a.X, a.Y, b.X, b.Y)
		for _, side := range []float64{-90, 90} {
			inLon, inLat := geo.Destination(a.X, a.Y, az+side, 0.97*n)
			if !geo.NewIndex([]geo.Zone{{ID: "b", Geom: buf}}).Contains("b", inLon, inLat) {
				t.Errorf("point %.2f km from vertex %d (%.4f %.4f) is outside the buffer", 0.97*n, i, inLon, inLat)
			}
			outLon, outLat := geo.Destination(a.X, a.Y, az+side, 1.05*n)
			d := distToDense(geom.XY{X: outLon, Y: outLat}, dense, 2*n)
			if d < 1.02*n {
				continue // the river bends back towards this probe
			}
			checked++
			if geo.NewIndex([]geo.Zone{{ID: "b", Geom: buf}}).Contains("b", outLon, outLat) {
				t.Errorf("point %.2f km from the river (%.4f %.4f) is inside the buffer", d, outLon, outLat)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d outside probes checked; want ≥ 20", checked)
	}
}

func BenchmarkBufferKmDnieper20(b *testing.B) {
	line, _ := dnieper(b)
	for b.Loop() {
		if _, err := geo.BufferKm(line, 20); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBufferKmLineHasNoHoles guards the joins: a bent line's corridor is one
// polygon without holes, and its vertices are all km from the line.
func TestBufferKmLineHasNoHoles(t *testing.T) {
	for _, wkt := range []string{
		"LINESTRING(30 50,30.1 50.1,30.2 50)",             // sharp right turn, long segments (densified)
		"LINESTRING(30 50,30.3 50.01,30.6 50,30.3 49.99)", // near-reversal
		"LINESTRING(36 48,36.001 48.0001,36.002 48)",      // segments much shorter than km
	} {
		g, err := geo.BufferKm(mustWKT(t, wkt), 5)
		if err != nil {
			t.Fatal(err)
		}
		poly, ok := g.AsPolygon()
		if !ok || poly.NumInteriorRings() != 0 {
			t.Errorf("%s: buffer is %s; want one polygon without holes", wkt, g.Summary())
		}
	}
}
