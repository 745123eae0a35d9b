package geo

import (
	"math"
	"sort"

	"github.com/peterstace/simplefeatures/geom"
	"github.com/peterstace/simplefeatures/rtree"
)

// Zone is a named area that points are located in.
type Zone struct {
	ID   string
	Geom geom.Geometry
}

// Index answers "which zones contain this point" quickly: an R-tree over the
// zones' bounding boxes picks candidates, and each candidate is a prepared
// polygon whose edges are bucketed into horizontal slabs, so the exact
// point-in-polygon test looks at a handful of edges instead of all of them.
// An Index is immutable and safe for concurrent use.
type Index struct {
	zones []Zone
	prep  []prepared
	byID  map[string]int
	tree  *rtree.RTree
}

// NewIndex prepares zones for point location. Only the polygonal parts of a
// zone's geometry can contain points.
func NewIndex(zones []Zone) *Index {
	ix := &Index{zones: zones, prep: make([]prepared, len(zones)), byID: make(map[string]int, len(zones))}
	var items []rtree.BulkItem
	for i, z := range zones {
		if _, dup := ix.byID[z.ID]; !dup {
			ix.byID[z.ID] = i
		}
		ix.prep[i] = prepare(z.Geom)
		if box, ok := z.Geom.Envelope().AsBox(); ok && ix.prep[i].nEdges > 0 {
			items = append(items, rtree.BulkItem{Box: box, RecordID: i})
		}
	}
	ix.tree = rtree.BulkLoad(items)
	return ix
}

// Locate returns the ids of the zones containing the point, in the order the
// zones were given to NewIndex. A point on a zone's boundary is inside it.
func (ix *Index) Locate(lon, lat float64) []string {
	var hits []int
	p := geom.XY{X: lon, Y: lat}
	_ = ix.tree.RangeSearch(rtree.Box{MinX: lon, MinY: lat, MaxX: lon, MaxY: lat}, func(i int) error {
		if ix.prep[i].contains(p) {
			hits = append(hits, i)
		}
		return nil
	})
	if len(hits) == 0 {
		return nil
	}
	sort.Ints(hits)
	ids := make([]string, len(hits))
	for k, i := range hits {
		ids[k] = ix.zones[i].ID
	}
	return ids
}

// Contains reports whether the zone with the given id (the first one, if
// several share it) contains the point; false for an unknown id.
func (ix *Index) Contains(id string, lon, lat float64) bool {
	i, ok := ix.byID[id]
	if !ok {
		return false
	}
	return ix.prep[i].contains(geom.XY{X: lon, Y: lat})
}

// prepared is a polygonal geometry ready for repeated point-in-polygon
// tests: its ring edges, bucketed by the horizontal slabs they span.
type prepared struct {
	minX, minY, maxX, maxY float64
	slabH                  float64
	slabs                  [][]edge
	nEdges                 int
}

type edge struct{ a, b geom.XY }

func prepare(g geom.Geometry) prepared {
	var edges []edge
	for _, part := range g.Dump() {
		poly, ok := part.AsPolygon()
		if !ok {
			continue
		}
		for _, ring := range poly.DumpRings() {
			seq := ring.Coordinates()
			for i := 0; i+1 < seq.Length(); i++ {
				a, b := seq.GetXY(i), seq.GetXY(i+1)
				if a != b {
					edges = append(edges, edge{a, b})
				}
			}
		}
	}
	p := prepared{nEdges: len(edges)}
	if len(edges) == 0 {
		return p
	}
	p.minX, p.minY, p.maxX, p.maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, e := range edges {
		p.minX = math.Min(p.minX, math.Min(e.a.X, e.b.X))
		p.maxX = math.Max(p.maxX, math.Max(e.a.X, e.b.X))
		p.minY = math.Min(p.minY, math.Min(e.a.Y, e.b.Y))
		p.maxY = math.Max(p.maxY, math.Max(e.a.Y, e.b.Y))
	}
	n := len(edges)/4 + 1
	if n > 4096 {
		n = 4096
	}
	p.slabH = (p.maxY - p.minY) / float64(n)
	if p.slabH == 0 {
		n, p.slabH = 1, 1
	}
	p.slabs = make([][]edge, n)
	for _, e := range edges {
		lo, hi := p.slab(math.Min(e.a.Y, e.b.Y)), p.slab(math.Max(e.a.Y, e.b.Y))
		for s := lo; s <= hi; s++ {
			p.slabs[s] = append(p.slabs[s], e)
		}
	}
	return p
}

func (p *prepared) slab(y float64) int {
	s := int((y - p.minY) / p.slabH)
	if s < 0 {
		return 0
	}
	if s >= len(p.slabs) {
		return len(p.slabs) - 1
	}
	return s
}

// contains is the crossing-number test with exact boundary detection: a
// point on an edge is inside; otherwise a ray to +x crosses an odd number of
// edges (half-open in y, so a vertex is counted once).
func (p *prepared) contains(q geom.XY) bool {
	if p.nEdges == 0 || q.X < p.minX || q.X > p.maxX || q.Y < p.minY || q.Y > p.maxY {
		return false
	}
	inside := false
	for _, e := range p.slabs[p.slab(q.Y)] {
		a, b := e.a, e.b
		if (a.Y > q.Y) == (b.Y > q.Y) {
			// not straddling; still may contain q if horizontal or touching
			if a.Y == q.Y && b.Y == q.Y && q.X >= math.Min(a.X, b.X) && q.X <= math.Max(a.X, b.X) {
				return true
			}
			if (a == q) || (b == q) {
				return true
			}
			continue
		}
		cross := (b.X-a.X)*(q.Y-a.Y) - (b.Y-a.Y)*(q.X-a.X)
		if cross == 0 {
			return true // on the edge
		}
		if (cross > 0) == (b.Y > a.Y) {
			inside = !inside
		}
	}
	return inside
}
