package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/peterstace/simplefeatures/geom"
	"github.com/peterstace/simplefeatures/rtree"
)

// Union dissolves the geometries into one. Many inputs are merged pairwise in
// a balanced tree ("cascaded union"): each overlay then works on two operands
// of similar size, which is much faster than one overlay of everything when
// the inputs are many small overlapping pieces, such as the capsules of a
// buffer.
func Union(gs ...geom.Geometry) (geom.Geometry, error) {
	var keep []geom.Geometry
	for _, g := range gs {
		if !g.IsEmpty() {
			keep = append(keep, g)
		}
	}
	switch len(keep) {
	case 0:
		return geom.Geometry{}, nil
	case 1:
		return geom.UnaryUnion(keep[0])
	}
	return cascade(keep)
}

func cascade(gs []geom.Geometry) (geom.Geometry, error) {
	if len(gs) <= 4 {
		g, err := geom.UnionMany(gs)
		if err != nil {
			return geom.Geometry{}, fmt.Errorf("union: %w", err)
		}
		return g, nil
	}
	mid := len(gs) / 2
	a, err := cascade(gs[:mid])
	if err != nil {
		return a, err
	}
	b, err := cascade(gs[mid:])
	if err != nil {
		return b, err
	}
	g, err := geom.Union(a, b)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("union: %w", err)
	}
	return g, nil
}

// Intersection returns the part common to a and b.
func Intersection(a, b geom.Geometry) (geom.Geometry, error) {
	if a.IsEmpty() || b.IsEmpty() || !envelopesIntersect(a, b) {
		return geom.Geometry{}, nil
	}
	g, err := geom.Intersection(a, b)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("intersection: %w", err)
	}
	return g, nil
}

// Difference returns the part of a outside b.
func Difference(a, b geom.Geometry) (geom.Geometry, error) {
	if a.IsEmpty() {
		return geom.Geometry{}, nil
	}
	if b.IsEmpty() || !envelopesIntersect(a, b) {
		return a, nil
	}
	g, err := geom.Difference(a, b)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("difference: %w", err)
	}
	return g, nil
}

func envelopesIntersect(a, b geom.Geometry) bool {
	ea, oka := a.Envelope().AsBox()
	eb, okb := b.Envelope().AsBox()
	if !oka || !okb {
		return false
	}
	return ea.MinX <= eb.MaxX && eb.MinX <= ea.MaxX && ea.MinY <= eb.MaxY && eb.MinY <= ea.MaxY
}

// Repair returns a valid geometry covering what an invalid polygonal
// geometry evidently means, like GEOS's MakeValid with the "linework" method:
//
//   - repeated vertices and rings with no area are dropped;
//   - every ring is split at its self-intersections into simple loops;
//   - the loops of one polygon are combined with the even-odd rule
//     (symmetric difference), so a bow-tie becomes two triangles, a hole that
//     pokes out of its shell becomes a notch plus an island, and a "hole"
//     lying outside its shell becomes an island of its own;
//   - the polygons of a MultiPolygon or GeometryCollection are unioned, which
//     resolves overlapping or edge-sharing parts.
//
// Non-polygonal parts are kept. A valid input is returned unchanged.
func Repair(g geom.Geometry) (geom.Geometry, error) {
	if g.Validate() == nil {
		return g, nil
	}
	var parts []geom.Geometry
	for _, p := range g.Dump() {
		if !p.IsPolygon() {
			parts = append(parts, p)
			continue
		}
		fixed, err := repairPolygon(p.MustAsPolygon())
		if err != nil {
			return geom.Geometry{}, err
		}
		parts = append(parts, fixed)
	}
	out, err := Union(parts...)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("repair: %w", err)
	}
	return out, nil
}

func repairPolygon(p geom.Polygon) (geom.Geometry, error) {
	var loops []geom.Geometry
	for _, ring := range p.DumpRings() {
		xys := cleanRing(ring.Coordinates())
		if len(xys) < 4 {
			continue
		}
		poly, err := ringPolygon(xys)
		if err == nil {
			loops = append(loops, poly)
			continue
		}
		for _, loop := range splitLoops(xys) {
			lp, err := ringPolygon(loop)
			if err != nil {
				return geom.Geometry{}, fmt.Errorf("repair: ring near (%g %g) cannot be split into simple loops: %w", loop[0].X, loop[0].Y, err)
			}
			loops = append(loops, lp)
		}
	}
	return xorAll(loops)
}

// xorAll combines loops by the even-odd rule, pairwise in a balanced tree.
func xorAll(gs []geom.Geometry) (geom.Geometry, error) {
	switch len(gs) {
	case 0:
		return geom.Geometry{}, nil
	case 1:
		return gs[0], nil
	}
	mid := len(gs) / 2
	a, err := xorAll(gs[:mid])
	if err != nil {
		return a, err
	}
	b, err := xorAll(gs[mid:])
	if err != nil {
		return b, err
	}
	g, err := geom.SymmetricDifference(a, b)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("repair: %w", err)
	}
	return g, nil
}

// cleanRing drops non-finite and consecutive repeated vertices and closes the ring.
func cleanRing(seq geom.Sequence) []geom.XY {
	var xys []geom.XY
	for i := 0; i < seq.Length(); i++ {
		xy := seq.GetXY(i)
		if math.IsNaN(xy.X) || math.IsNaN(xy.Y) || math.IsInf(xy.X, 0) || math.IsInf(xy.Y, 0) {
			continue
		}
		if len(xys) > 0 && xys[len(xys)-1] == xy {
			continue
		}
		xys = append(xys, xy)
	}
	if len(xys) > 0 && xys[0] != xys[len(xys)-1] {
		xys = append(xys, xys[0])
	}
	return xys
}

var errNoArea = errors.New("ring has no area")

func ringPolygon(xys []geom.XY) (geom.Geometry, error) {
	if len(xys) < 4 || math.Abs(shoelace(xys)) == 0 {
		return geom.Geometry{}, errNoArea
	}
	flat := make([]float64, 0, 2*len(xys))
	for _, xy := range xys {
		flat = append(flat, xy.X, xy.Y)
	}
	ls := geom.NewLineString(geom.NewSequence(flat, geom.DimXY))
	poly := geom.NewPolygon([]geom.LineString{ls}).AsGeometry()
	if err := poly.Validate(); err != nil {
		return geom.Geometry{}, err
	}
	return poly, nil
}

func shoelace(xys []geom.XY) float64 {
	var s float64
	for i := 0; i+1 < len(xys); i++ {
		s += (xys[i].X - xys[0].X) * (xys[i+1].Y - xys[0].Y)
		s -= (xys[i+1].X - xys[0].X) * (xys[i].Y - xys[0].Y)
	}
	return s / 2
}

// splitLoops nodes a closed ring at its self-intersections and cuts it into
// loops that each revisit no vertex; loops with no area are dropped.
func splitLoops(xys []geom.XY) [][]geom.XY {
	n := len(xys) - 1 // segments
	items := make([]rtree.BulkItem, n)
	for i := 0; i < n; i++ {
		a, b := xys[i], xys[i+1]
		items[i] = rtree.BulkItem{Box: rtree.Box{
			MinX: math.Min(a.X, b.X), MinY: math.Min(a.Y, b.Y),
			MaxX: math.Max(a.X, b.X), MaxY: math.Max(a.Y, b.Y),
		}, RecordID: i}
	}
	tree := rtree.BulkLoad(items)
	type node struct {
		t  float64
		xy geom.XY
	}
	nodes := make([][]node, n)
	for i := 0; i < n; i++ {
		a, b := xys[i], xys[i+1]
		_ = tree.RangeSearch(items[i].Box, func(j int) error {
			if j <= i {
				return nil
			}
			c, d := xys[j], xys[j+1]
			for _, xy := range segmentIntersections(a, b, c, d) {
				if xy != a && xy != b {
					nodes[i] = append(nodes[i], node{param(a, b, xy), xy})
				}
				if xy != c && xy != d {
					nodes[j] = append(nodes[j], node{param(c, d, xy), xy})
				}
			}
			return nil
		})
	}
	var noded []geom.XY
	for i := 0; i < n; i++ {
		noded = append(noded, xys[i])
		ns := nodes[i]
		// insertion sort: few nodes per segment
		for k := 1; k < len(ns); k++ {
			for m := k; m > 0 && ns[m].t < ns[m-1].t; m-- {
				ns[m], ns[m-1] = ns[m-1], ns[m]
			}
		}
		for _, nd := range ns {
			if nd.xy != noded[len(noded)-1] {
				noded = append(noded, nd.xy)
			}
		}
	}
	noded = append(noded, xys[n])

	var loops [][]geom.XY
	var path []geom.XY
	pos := map[geom.XY]int{}
	for _, v := range noded {
		if k, ok := pos[v]; ok {
			loop := append(append([]geom.XY(nil), path[k:]...), v)
			if len(loop) >= 4 && shoelace(loop) != 0 {
				loops = append(loops, loop)
			}
			for _, w := range path[k+1:] {
				delete(pos, w)
			}
			path = path[:k+1]
			continue
		}
		pos[v] = len(path)
		path = append(path, v)
	}
	return loops
}

func param(a, b, p geom.XY) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	if math.Abs(dx) >= math.Abs(dy) {
		return (p.X - a.X) / dx
	}
	return (p.Y - a.Y) / dy
}

// segmentIntersections returns the points where segments ab and cd meet: one
// crossing point, or the ends of a collinear overlap.
func segmentIntersections(a, b, c, d geom.XY) []geom.XY {
	r := geom.XY{X: b.X - a.X, Y: b.Y - a.Y}
	s := geom.XY{X: d.X - c.X, Y: d.Y - c.Y}
	den := r.X*s.Y - r.Y*s.X
	qp := geom.XY{X: c.X - a.X, Y: c.Y - a.Y}
	if den == 0 {
		if qp.X*r.Y-qp.Y*r.X != 0 {
			return nil // parallel
		}
		// collinear: the overlap's ends are among the four endpoints
		var out []geom.XY
		for _, p := range []geom.XY{a, b, c, d} {
			if onSegment(p, a, b) && onSegment(p, c, d) {
				out = append(out, p)
			}
		}
		return out
	}
	t := (qp.X*s.Y - qp.Y*s.X) / den
	u := (qp.X*r.Y - qp.Y*r.X) / den
	if t < 0 || t > 1 || u < 0 || u > 1 {
		return nil
	}
	switch {
	case t == 0:
		return []geom.XY{a}
	case t == 1:
		return []geom.XY{b}
	case u == 0:
		return []geom.XY{c}
	case u == 1:
		return []geom.XY{d}
	}
	return []geom.XY{{X: a.X + t*r.X, Y: a.Y + t*r.Y}}
}

func onSegment(p, a, b geom.XY) bool {
	return p.X >= math.Min(a.X, b.X) && p.X <= math.Max(a.X, b.X) &&
		p.Y >= math.Min(a.Y, b.Y) && p.Y <= math.Max(a.Y, b.Y)
}
