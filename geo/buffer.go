package geo

import (
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
// Construction, with no map projection: every segment of a line (or polygon
// ring) gets a quadrilateral whose corners are the points at km along the
// geodesics perpendicular to the segment at both ends; every interior vertex
// a round join, the sector of the geodesic circle (Vincenty's direct
// problem, a vertex every 5° of azimuth) spanning the turn on its outer
// side; each end of an open line and each point a whole circle; and the
// pieces are unioned. Each vertex of the result therefore lies exactly km from the
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

// lineBuffer returns the pieces whose union is the corridor within km of the
// polyline: a quadrilateral per segment, a round join (a geodesic circular
// sector on the outer side of the turn) at each interior vertex, and a full
// circle at each end of an open line.
func lineBuffer(xys []geom.XY, km float64) ([]geom.Geometry, error) {
	if len(xys) == 0 {
		return nil, nil
	}
	xys = simplifyDP(xys, km*simplifyFraction/111.32)
	xys = densify(xys, maxSegmentKm)
	if len(xys) == 1 {
		c, err := circle(xys[0], km)
		return []geom.Geometry{c}, err
	}
	n := len(xys) - 1 // segments
	az1 := make([]float64, n)
	az2 := make([]float64, n)
	length := make([]float64, n)
	for i := 0; i < n; i++ {
		length[i], az1[i], az2[i] = inverse(xys[i].X, xys[i].Y, xys[i+1].X, xys[i+1].Y)
	}
	closed := xys[0] == xys[n]
	// Pieces are listed in order along the line, so the cascaded union
	// merges neighbours first and its intermediate results stay small.
	var pieces []geom.Geometry
	if !closed {
		c, err := circle(xys[0], km)
		if err != nil {
			return nil, err
		}
		pieces = append(pieces, c)
	}
	for i := 0; i < n; i++ {
		if length[i] > 0 {
			if q, err := quad(xys[i], xys[i+1], az1[i], az2[i], km); err == nil {
				pieces = append(pieces, q)
			} // else a numerically degenerate sliver, covered by the joins
		}
		// the join at the segment's end vertex
		switch {
		case i+1 < n:
			if j := join(xys[i+1], az2[i], az1[i+1], km); !j.IsEmpty() {
				pieces = append(pieces, j)
			}
		case closed:
			if j := join(xys[n], az2[n-1], az1[0], km); !j.IsEmpty() {
				pieces = append(pieces, j)
			}
		default:
			c, err := circle(xys[n], km)
			if err != nil {
				return nil, err
			}
			pieces = append(pieces, c)
		}
	}
	return pieces, nil
}

// join is the round join at vertex v where the line turns from azimuth azIn
// to azOut: the sector of the geodesic circle between the two segments'
// perpendiculars on the outer side of the turn, so the quadrilaterals meet
// without a gap. A straight continuation needs none.
func join(v geom.XY, azIn, azOut, km float64) geom.Geometry {
	turn := math.Mod(azOut-azIn+540, 360) - 180 // (-180, 180], positive = clockwise
	if turn == 0 || math.IsNaN(turn) {
		return geom.Geometry{}
	}
	start := azIn - 90 // turning clockwise: the outer side is on the left
	if turn < 0 {
		start = azIn + 90
	}
	steps := int(math.Ceil(math.Abs(turn) / (360.0 / circleSteps)))
	ring := make([]geom.XY, 0, steps+3)
	ring = append(ring, v)
	for k := 0; k <= steps; k++ {
		lon, lat := Destination(v.X, v.Y, start+turn*float64(k)/float64(steps), km)
		ring = append(ring, geom.XY{X: lon, Y: lat})
	}
	ring = append(ring, v)
	g, err := ringPolygon(ring)
	if err != nil {
		return geom.Geometry{}
	}
	return g
}

// quad is the quadrilateral swept by the perpendicular of length 2·km along
// the segment ab, given its azimuths at a and (travelling on) at b.
func quad(a, b geom.XY, az1, az2, km float64) (geom.Geometry, error) {
	lax, lay := Destination(a.X, a.Y, az1-90, km)
	rax, ray := Destination(a.X, a.Y, az1+90, km)
	lbx, lby := Destination(b.X, b.Y, az2-90, km)
	rbx, rby := Destination(b.X, b.Y, az2+90, km)
	// The ends pass through a and b themselves, so that neighbouring
	// quadrilaterals and joins share those edges exactly instead of leaving
	// slivers between nearly-parallel chords.
	ring := []geom.XY{{X: lax, Y: lay}, {X: lbx, Y: lby}, b, {X: rbx, Y: rby}, {X: rax, Y: ray}, a, {X: lax, Y: lay}}
	return ringPolygon(ring)
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
