package geo

import (
	"errors"
	"fmt"
	"math"

	"github.com/peterstace/simplefeatures/geom"
)

// Side names one side of a dividing line.
type Side string

// The sides SideOf understands. West and East suit a line that runs roughly
// north–south (a river such as the Dnieper), North and South one that runs
// roughly west–east; the line's own vertex order does not matter.
const (
	West  Side = "west"
	East  Side = "east"
	North Side = "north"
	South Side = "south"
)

// SideOf returns the part of area on one side of a polyline, e.g. the part of
// Ukraine west of the Dnieper.
//
// The line is extended beyond both ends, straight along its first and last
// segments, to a box around area and line (their joint bounding box grown by
// a margin), so that it cuts the area completely even where the river stops
// short of the border. The half-plane-like region is the line plus the walk
// round that box on the requested side; the result is its intersection with
// area. Points exactly on the line belong to both sides.
//
// line must be a LineString (or a MultiLineString of one part). Stretches
// where it returns to a vertex it already visited are cut out first; a line
// that still crosses itself is refused with an error.
func SideOf(area, line geom.Geometry, side Side) (geom.Geometry, error) {
	xys, err := singleLine(line)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("side of line: %w", err)
	}
	first, last := xys[0], xys[len(xys)-1]
	var right bool
	switch side {
	case West, East:
		if first.Y < last.Y { // orient north → south; its right hand is west
			reverse(xys)
		}
		right = side == West
	case North, South:
		if first.X > last.X { // orient west → east; its right hand is south
			reverse(xys)
		}
		right = side == South
	default:
		return geom.Geometry{}, fmt.Errorf("side of line: unknown side %q (want west, east, north or south)", side)
	}
	if area.IsEmpty() {
		return geom.Geometry{}, nil
	}
	box := area.Envelope()
	for _, xy := range xys {
		box = box.ExpandToIncludeXY(xy)
	}
	minXY, _ := box.Min().XY()
	maxXY, _ := box.Max().XY()
	margin := math.Max(1, 0.1*math.Max(maxXY.X-minXY.X, maxXY.Y-minXY.Y))
	b := rect{minXY.X - margin, minXY.Y - margin, maxXY.X + margin, maxXY.Y + margin}

	start := b.exit(xys[0], geom.XY{X: xys[0].X - xys[1].X, Y: xys[0].Y - xys[1].Y})
	n := len(xys)
	end := b.exit(xys[n-1], geom.XY{X: xys[n-1].X - xys[n-2].X, Y: xys[n-1].Y - xys[n-2].Y})

	ring := make([]geom.XY, 0, n+7)
	ring = append(ring, start)
	ring = append(ring, xys...)
	ring = append(ring, end)
	ring = append(ring, b.walk(end, start, !right)...)
	ring = append(ring, start)
	half, err := ringPolygon(ring)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("side of line: the extended line does not split the area cleanly: %w", err)
	}
	return Intersection(area, half)
}

func singleLine(g geom.Geometry) ([]geom.XY, error) {
	var ls geom.LineString
	switch {
	case g.IsLineString():
		ls = g.MustAsLineString()
	case g.IsMultiLineString() && g.MustAsMultiLineString().NumLineStrings() == 1:
		ls = g.MustAsMultiLineString().LineStringN(0)
	default:
		return nil, fmt.Errorf("dividing line is a %s; want one LineString", g.Type())
	}
	xys := removeLoops(xysOf(ls.Coordinates()))
	if len(xys) < 2 {
		return nil, errors.New("dividing line has fewer than two distinct vertices")
	}
	return xys, nil
}

// removeLoops cuts out every stretch where the line comes back to a vertex
// it has already visited: the spikes (A→B→A) and small loops left where a
// river's pieces were joined, as in Natural Earth's Dnieper around islands.
func removeLoops(xys []geom.XY) []geom.XY {
	out := make([]geom.XY, 0, len(xys))
	pos := make(map[geom.XY]int, len(xys))
	for _, v := range xys {
		if k, ok := pos[v]; ok {
			for _, w := range out[k+1:] {
				delete(pos, w)
			}
			out = out[:k+1]
			continue
		}
		pos[v] = len(out)
		out = append(out, v)
	}
	return out
}

func reverse(xys []geom.XY) {
	for i, j := 0, len(xys)-1; i < j; i, j = i+1, j-1 {
		xys[i], xys[j] = xys[j], xys[i]
	}
}

// rect is an axis-aligned box in lon/lat.
type rect struct{ minX, minY, maxX, maxY float64 }

// exit returns where the ray from p (inside the box) along d leaves it.
func (r rect) exit(p, d geom.XY) geom.XY {
	t := math.Inf(1)
	if d.X > 0 {
		t = math.Min(t, (r.maxX-p.X)/d.X)
	} else if d.X < 0 {
		t = math.Min(t, (r.minX-p.X)/d.X)
	}
	if d.Y > 0 {
		t = math.Min(t, (r.maxY-p.Y)/d.Y)
	} else if d.Y < 0 {
		t = math.Min(t, (r.minY-p.Y)/d.Y)
	}
	q := geom.XY{X: p.X + t*d.X, Y: p.Y + t*d.Y}
	// snap onto the box exactly, so the corner walk starts on its boundary
	q.X = math.Max(r.minX, math.Min(r.maxX, q.X))
	q.Y = math.Max(r.minY, math.Min(r.maxY, q.Y))
	return q
}

// pos is q's position along the box boundary, counter-clockwise from the
// lower-left corner: bottom [0,1), right [1,2), top [2,3), left [3,4).
func (r rect) pos(q geom.XY) float64 {
	w, h := r.maxX-r.minX, r.maxY-r.minY
	switch {
	case q.Y == r.minY && q.X < r.maxX:
		return (q.X - r.minX) / w
	case q.X == r.maxX && q.Y < r.maxY:
		return 1 + (q.Y-r.minY)/h
	case q.Y == r.maxY && q.X > r.minX:
		return 2 + (r.maxX-q.X)/w
	default:
		return 3 + (r.maxY-q.Y)/h
	}
}

// walk returns the box corners passed when going from a to b along the
// boundary, counter-clockwise if ccw, else clockwise.
func (r rect) walk(a, b geom.XY, ccw bool) []geom.XY {
	corners := [4]geom.XY{{X: r.minX, Y: r.minY}, {X: r.maxX, Y: r.minY}, {X: r.maxX, Y: r.maxY}, {X: r.minX, Y: r.maxY}}
	pa, pb := r.pos(a), r.pos(b)
	var out []geom.XY
	if ccw {
		if pb <= pa {
			pb += 4
		}
		for k := math.Floor(pa) + 1; k < pb; k++ {
			out = append(out, corners[int(k)%4])
		}
	} else {
		if pb >= pa {
			pb -= 4
		}
		for k := math.Ceil(pa) - 1; k > pb; k-- {
			out = append(out, corners[((int(k)%4)+4)%4])
		}
	}
	return out
}
