package geo

import (
	"math"

	"github.com/peterstace/simplefeatures/geom"
)

// WGS84 ellipsoid.
const (
	wgs84A  = 6378137.0             // semi-major axis, metres
	wgs84F  = 1 / 298.257223563     // flattening
	wgs84E2 = wgs84F * (2 - wgs84F) // first eccentricity squared
)

var wgs84E = math.Sqrt(wgs84E2) // first eccentricity

// authalicQ is q(φ) of Snyder (Map Projections — A Working Manual, eq. 3-12)
// as a function of sin φ: the ellipsoid's area between the equator and
// latitude φ over a unit of longitude is a²·q(φ)/2.
func authalicQ(sinPhi float64) float64 {
	es := wgs84E * sinPhi
	return (1 - wgs84E2) * (sinPhi/(1-es*es) - math.Log((1-es)/(1+es))/(2*wgs84E))
}

// AreaKm2 returns the area of the polygonal parts of g on the WGS84
// ellipsoid, in km². Points and lines have no area.
//
// Method: Lambert's cylindrical equal-area projection of the ellipsoid
// (x = λ, y = q(φ)/2 scaled by a²) maps every region to one of exactly the
// same area, so the shoelace formula over projected vertices is the
// ellipsoidal area of the polygon whose edges are straight in that
// projection. Those edges differ from GeoJSON's lon/lat-straight edges by far
// less than a metre for the vertex spacing of real boundaries, so the method
// is exact to the data's own precision, with no series truncation and no
// need for a geodesic solver.
func AreaKm2(g geom.Geometry) float64 {
	var total float64
	for _, p := range g.Dump() {
		poly, ok := p.AsPolygon()
		if !ok {
			continue
		}
		for i, ring := range poly.DumpRings() {
			a := math.Abs(ringArea(ring.Coordinates()))
			if i == 0 {
				total += a
			} else {
				total -= a
			}
		}
	}
	return total / 1e6
}

// ringArea is the signed ellipsoidal area of one ring in m².
func ringArea(seq geom.Sequence) float64 {
	n := seq.Length()
	if n < 3 {
		return 0
	}
	const deg = math.Pi / 180
	first := seq.GetXY(0)
	// x relative to the first vertex keeps precision and avoids a seam at ±180°.
	px := 0.0
	py := authalicQ(math.Sin(first.Y * deg))
	var s float64
	for i := 1; i < n; i++ {
		xy := seq.GetXY(i)
		dx := xy.X - first.X
		if dx > 180 {
			dx -= 360
		} else if dx < -180 {
			dx += 360
		}
		x := dx * deg
		y := authalicQ(math.Sin(xy.Y * deg))
		s += px*y - x*py
		px, py = x, y
	}
	// closing edge back to the first vertex (x = 0) contributes px*y0 - 0.
	s += px * authalicQ(math.Sin(first.Y*deg))
	return s / 2 * wgs84A * wgs84A / 2
}
