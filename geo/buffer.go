package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/peterstace/simplefeatures/geom"
)

// Buffer parameters. They bound how far the drawn buffer edge can stray from
// the exact "N km on the ground" curve; docs/geo.md derives the bounds.
const (
	// circleSteps is the number of vertices of a geodesic circle (every 5°
	// of azimuth). The chords between them cut inside the circle by at most
	// r·(1−cos 2.5°) ≈ 0.1% of r.
	circleSteps = 72
	// maxSegmentKm is the longest line segment buffered as one piece; longer
	// ones are split so that a lon/lat-straight edge and the geodesic between
	// the same ends differ by no more than a few metres.
	maxSegmentKm = 10.0
	// simplifyFraction of the buffer distance is how far the line may be
	// generalised before buffering (Douglas–Peucker), which keeps the number
	// of pieces proportional to the line's shape at the buffer's scale, not
	// to its vertex count.
	simplifyFraction = 0.001
	// maxBufferKm refuses distances for which a buffer of lon/lat polygons
	// stops making sense (crossing a pole or the antimeridian).
	maxBufferKm = 2000.0
)

// BufferKm returns the region within km kilometres of g, measured along the
// WGS84 ellipsoid: a point becomes a geodesic circle, a line a corridor, a
// polygon grows by km. A negative km shrinks polygons (points and lines
// vanish); zero returns g.
//
// Construction, with no map projection: every vertex of a line (or polygon
// ring) gets a geodesic circle (Vincenty's direct problem at 72 azimuths),
// every segment a quadrilateral whose corners are the points at km along the
// geodesics perpendicular to the segment at both ends, and the pieces are
// unioned. Each vertex of the result therefore lies exactly km from the
// input; between vertices the edge is within about 0.1% of km.
func BufferKm(g geom.Geometry, km float64) (geom.Geometry, error) {
	if math.IsNaN(km) || math.IsInf(km, 0) || math.Abs(km) > maxBufferKm {
		return geom.Geometry{}, fmt.Errorf("buffer: distance %g km is out of range (|km| ≤ %g)", km, maxBufferKm)
	}
	if km == 0 || g.IsEmpty() {
		return g, nil
	}
	if km < 0 {
		return shrink(g, -km)
	}
	var pieces []geom.Geometry
	for _, p := range g.Dump() {
		switch p.Type() {
		case geom.TypePoint:
			xy, ok := p.MustAsPoint().XY()
			if !ok {
				continue
			}
			c, err := circle(xy, km)
			if err != nil {
				return geom.Geometry{}, err
			}
			pieces = append(pieces, c)
		case geom.TypeLineString:
			ps, err := lineBuffer(xysOf(p.MustAsLineString().Coordinates()), km)
			if err != nil {
				return geom.Geometry{}, err
			}
			pieces = append(pieces, ps...)
		case geom.TypePolygon:
			poly := p.MustAsPolygon()
			pieces = append(pieces, p)
			for _, ring := range poly.DumpRings() {
				ps, err := lineBuffer(xysOf(ring.Coordinates()), km)
				if err != nil {
					return geom.Geometry{}, err
				}
				pieces = append(pieces, ps...)
			}
		}
	}
	out, err := Union(pieces...)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("buffer: %w", err)
	}
	return out, nil
}

// shrink removes from g's polygons everything within km of their boundary.
func shrink(g geom.Geometry, km float64) (geom.Geometry, error) {
	var polys, rings []geom.Geometry
	for _, p := range g.Dump() {
		if poly, ok := p.AsPolygon(); ok {
			polys = append(polys, p)
			for _, r := range poly.DumpRings() {
				rings = append(rings, r.AsGeometry())
			}
		}
	}
	if len(polys) == 0 {
		return geom.Geometry{}, nil
	}
	area, err := Union(polys...)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("buffer: %w", err)
	}
	edge, err := BufferKm(geom.NewGeometryCollection(rings).AsGeometry(), km)
	if err != nil {
		return geom.Geometry{}, err
	}
	return Difference(area, edge)
}

func xysOf(seq geom.Sequence) []geom.XY {
	xys := make([]geom.XY, 0, seq.Length())
	for i := 0; i < seq.Length(); i++ {
		xy := seq.GetXY(i)
		if len(xys) == 0 || xys[len(xys)-1] != xy {
			xys = append(xys, xy)
		}
	}
	return xys
}

// circle is the geodesic circle of radius km around c.
func circle(c geom.XY, km float64) (geom.Geometry, error) {
	ring := make([]geom.XY, 0, circleSteps+1)
	for i := 0; i < circleSteps; i++ {
		lon, lat := Destination(c.X, c.Y, float64(i)*360/circleSteps, km)
		ring = append(ring, geom.XY{X: lon, Y: lat})
	}
	ring = append(ring, ring[0])
	g, err := ringPolygon(ring)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("buffer: circle around (%g %g): %w", c.X, c.Y, err)
	}
	return g, nil
}

var errDegenerate = errors.New("degenerate segment")

// lineBuffer returns the pieces whose union is the corridor within km of the
// polyline: a circle per vertex and a quadrilateral per segment.
func lineBuffer(xys []geom.XY, km float64) ([]geom.Geometry, error) {
	if len(xys) == 0 {
		return nil, nil
	}
	xys = simplifyDP(xys, km*simplifyFraction/111.32)
	xys = densify(xys, maxSegmentKm)
	var pieces []geom.Geometry
	for i, xy := range xys {
		if i > 0 && i == len(xys)-1 && xy == xys[0] {
			break // closed ring: the first vertex already has its circle
		}
		c, err := circle(xy, km)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, c)
	}
	for i := 0; i+1 < len(xys); i++ {
		q, err := quad(xys[i], xys[i+1], km)
		if errors.Is(err, errDegenerate) {
			continue
		}
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, q)
	}
	return pieces, nil
}

// quad is the quadrilateral swept by the perpendicular of length 2·km along
// the segment ab.
func quad(a, b geom.XY, km float64) (geom.Geometry, error) {
	s, az1, az2 := inverse(a.X, a.Y, b.X, b.Y)
	if s == 0 {
		return geom.Geometry{}, errDegenerate
	}
	lax, lay := Destination(a.X, a.Y, az1-90, km)
	rax, ray := Destination(a.X, a.Y, az1+90, km)
	lbx, lby := Destination(b.X, b.Y, az2-90, km)
	rbx, rby := Destination(b.X, b.Y, az2+90, km)
	ring := []geom.XY{{X: lax, Y: lay}, {X: lbx, Y: lby}, {X: rbx, Y: rby}, {X: rax, Y: ray}, {X: lax, Y: lay}}
	g, err := ringPolygon(ring)
	if err != nil {
		return geom.Geometry{}, errDegenerate
	}
	return g, nil
}

// densify splits segments longer than maxKm into equal lon/lat-linear parts,
// so the pieces follow the edges as GeoJSON draws them.
func densify(xys []geom.XY, maxKm float64) []geom.XY {
	out := make([]geom.XY, 0, len(xys))
	for i, b := range xys {
		if i > 0 {
			a := xys[i-1]
			d := DistanceKm(a.X, a.Y, b.X, b.Y)
			if n := int(math.Ceil(d / maxKm)); n > 1 {
				for k := 1; k < n; k++ {
					t := float64(k) / float64(n)
					out = append(out, geom.XY{X: a.X + t*(b.X-a.X), Y: a.Y + t*(b.Y-a.Y)})
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// simplifyDP is Douglas–Peucker in lon/lat degrees (planar distances; the
// tolerance is in degrees of latitude, so it is conservative east–west).
func simplifyDP(xys []geom.XY, tol float64) []geom.XY {
	if len(xys) < 3 || tol <= 0 {
		return xys
	}
	keep := make([]bool, len(xys))
	keep[0], keep[len(xys)-1] = true, true
	type span struct{ i, j int }
	stack := []span{{0, len(xys) - 1}}
	for len(stack) > 0 {
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		best, bi := -1.0, -1
		for k := s.i + 1; k < s.j; k++ {
			if d := segDist(xys[k], xys[s.i], xys[s.j]); d > best {
				best, bi = d, k
			}
		}
		if bi >= 0 && best > tol {
			keep[bi] = true
			stack = append(stack, span{s.i, bi}, span{bi, s.j})
		}
	}
	out := make([]geom.XY, 0, len(xys))
	for i, k := range keep {
		if k {
			out = append(out, xys[i])
		}
	}
	return out
}

// segDist is the planar distance from p to segment ab.
func segDist(p, a, b geom.XY) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = math.Max(0, math.Min(1, ((p.X-a.X)*dx+(p.Y-a.Y)*dy)/l2))
	}
	ex, ey := a.X+t*dx-p.X, a.Y+t*dy-p.Y
	return math.Hypot(ex, ey)
}
