package territory

import (
	"fmt"

	"github.com/backstop-dev/backstop/geo"
	"github.com/peterstace/simplefeatures/geom"
)

// Change is the area that changed hands, in km² on the WGS84 ellipsoid.
type Change struct {
	GainedKm2 float64 `json:"gained_km2"` // in the later map's area, not the earlier's
	LostKm2   float64 `json:"lost_km2"`   // in the earlier map's area, not the later's
}

// Result is the change between two maps, in total and per zone.
type Result struct {
	Change
	// ByZone has an entry for every zone given, changed or not, keyed by
	// zone id.
	ByZone map[string]Change `json:"by_zone"`
	// Err is set when an overlay failed even after snapping both maps to a
	// 1e-7° grid (about a centimetre); the figures are then not to be used.
	Err error `json:"-"`
}

// snapDecimals is the grid (10⁻⁷ degrees, ~1 cm) Diff retries on when an
// overlay hits a numerical degeneracy; DeepState publishes 7 decimals.
const snapDecimals = 7

// Diff measures what changed from base to at: gained is the area of at
// outside base, lost the area of base outside at, so that
// area(at) − area(base) = gained − lost. Per zone, both are intersected with
// the zone. Areas are geo.AreaKm2 (ellipsoidal).
func Diff(base, at geom.Geometry, zones []geo.Zone) Result {
	r, err := diff(base, at, zones)
	if err != nil {
		r, err = diff(base.SnapToGrid(snapDecimals), at.SnapToGrid(snapDecimals), zones)
	}
	if err != nil {
		r = Result{ByZone: map[string]Change{}, Err: err}
	}
	return r
}

func diff(base, at geom.Geometry, zones []geo.Zone) (Result, error) {
	r := Result{ByZone: make(map[string]Change, len(zones))}
	gained, err := geo.Difference(at, base)
	if err != nil {
		return r, fmt.Errorf("gained area: %w", err)
	}
	lost, err := geo.Difference(base, at)
	if err != nil {
		return r, fmt.Errorf("lost area: %w", err)
	}
	r.GainedKm2 = geo.AreaKm2(gained)
	r.LostKm2 = geo.AreaKm2(lost)
	gParts, lParts := splitParts(gained), splitParts(lost)
	for _, z := range zones {
		env := z.Geom.Envelope()
		g, err := geo.Intersection(near(gParts, env), z.Geom)
		if err != nil {
			return r, fmt.Errorf("zone %s: %w", z.ID, err)
		}
		l, err := geo.Intersection(near(lParts, env), z.Geom)
		if err != nil {
			return r, fmt.Errorf("zone %s: %w", z.ID, err)
		}
		c := r.ByZone[z.ID]
		c.GainedKm2 += geo.AreaKm2(g)
		c.LostKm2 += geo.AreaKm2(l)
		r.ByZone[z.ID] = c
	}
	return r, nil
}

// part is one polygon of a change with its bounding box.
type part struct {
	poly geom.Polygon
	env  geom.Envelope
}

func splitParts(g geom.Geometry) []part {
	var ps []part
	for _, p := range g.Dump() {
		if poly, ok := p.AsPolygon(); ok {
			ps = append(ps, part{poly, p.Envelope()})
		}
	}
	return ps
}

// near keeps the parts whose bounding box meets env: the overlay with a
// zone then only sees the slivers of front line around that zone, which
// makes the per-zone breakdown several times faster. The parts come from
// one valid overlay result, so any subset is a valid MultiPolygon.
func near(ps []part, env geom.Envelope) geom.Geometry {
	var keep []geom.Polygon
	for _, p := range ps {
		if p.env.Intersects(env) {
			keep = append(keep, p.poly)
		}
	}
	if len(keep) == 0 {
		return geom.Geometry{}
	}
	return geom.NewMultiPolygon(keep).AsGeometry()
}
