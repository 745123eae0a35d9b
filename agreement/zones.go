package agreement

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/territory"
)

// ZoneSet is every zone of a document built for one deal: geometries, an
// index to find the zones containing a point, and the structure (split
// children, unions) to reason about zones named without a point.
type ZoneSet struct {
	geoms  map[string]geom.Geometry
	order  []string
	index  *geo.Index
	parent map[string][]string // zone -> zones that contain it by construction
	area   sync.Map            // zone id -> float64, computed lazily
}

// zoneCache keeps built zones per document: zones that depend on no term are
// built once; buffers are cached per width.
type zoneCache struct {
	mu    sync.Mutex
	built map[string]geom.Geometry // key: zone id + "@" + width for term-dependent zones
	kids  map[string]geom.Geometry // child zones of splits, by child id
	sets  map[string]*ZoneSet      // key: the deal's zone-relevant terms
	files map[string]*geo.FeatureCollection
}

var caches sync.Map // *Doc -> *zoneCache

func (d *Doc) cache() *zoneCache {
	c, _ := caches.LoadOrStore(d, &zoneCache{built: map[string]geom.Geometry{}, kids: map[string]geom.Geometry{}, sets: map[string]*ZoneSet{}, files: map[string]*geo.FeatureCollection{}})
	return c.(*zoneCache)
}

// Zones builds every zone of the document under a deal (a nil deal is only
// allowed when no zone depends on a term). The result is cached, and shared
// between deals that agree on the terms zones depend on.
func (d *Doc) Zones(deal *Deal) (*ZoneSet, error) {
	c := d.cache()
	c.mu.Lock()
	defer c.mu.Unlock()
	key := d.zoneKey(deal)
	if zs, ok := c.sets[key]; ok {
		return zs, nil
	}
	b := &zoneBuilder{d: d, deal: deal, c: c, inProgress: map[string]bool{}}
	b.kids = c.kids
	zs := &ZoneSet{geoms: map[string]geom.Geometry{}, parent: map[string][]string{}}
	var zones []geo.Zone
	for _, z := range d.ZoneSpecs {
		g, err := b.build(z.ID)
		if err != nil {
			return nil, err
		}
		zs.geoms[z.ID] = g
		zs.order = append(zs.order, z.ID)
		zones = append(zones, geo.Zone{ID: z.ID, Geom: g})
		for _, kid := range d.zoneKids[z.ID] {
			kg := b.kids[kid]
			zs.geoms[kid] = kg
			zs.order = append(zs.order, kid)
			zones = append(zones, geo.Zone{ID: kid, Geom: kg})
			zs.parent[kid] = append(zs.parent[kid], z.ID)
		}
		for _, dep := range z.Union {
			zs.parent[dep] = append(zs.parent[dep], z.ID)
		}
	}
	zs.index = geo.NewIndex(zones)
	c.sets[key] = zs
	return zs, nil
}

// zoneKey names the terms zones depend on, so deals that agree on them share
// one ZoneSet.
func (d *Doc) zoneKey(deal *Deal) string {
	var b strings.Builder
	for _, z := range d.ZoneSpecs {
		if z.Buffer == nil {
			continue
		}
		if _, err := strconv.ParseFloat(z.Buffer.Km, 64); err == nil {
			continue
		}
		v := any(nil)
		if deal != nil {
			v = deal.Terms[z.Buffer.Km]
		}
		fmt.Fprintf(&b, "%s=%v;", z.Buffer.Km, v)
	}
	return b.String()
}

type zoneBuilder struct {
	d          *Doc
	deal       *Deal
	c          *zoneCache
	kids       map[string]geom.Geometry
	inProgress map[string]bool
}

func (b *zoneBuilder) build(id string) (geom.Geometry, error) {
	if b.kids == nil {
		b.kids = b.c.kids
	}
	if g, ok := b.kids[id]; ok {
		return g, nil
	}
	z := b.d.zones[id]
	if z == nil {
		return geom.Geometry{}, fmt.Errorf("unknown zone %q", id)
	}
	key := id
	width := 0.0
	if z.Buffer != nil {
		w, err := b.width(z)
		if err != nil {
			return geom.Geometry{}, err
		}
		width = w
		key = fmt.Sprintf("%s@%g", id, w)
	}
	if g, ok := b.c.built[key]; ok {
		return g, nil
	}
	if b.inProgress[id] {
		return geom.Geometry{}, fmt.Errorf("zone %q is defined in terms of itself", id)
	}
	b.inProgress[id] = true
	defer delete(b.inProgress, id)
	g, err := b.construct(z, width)
	if err != nil {
		return geom.Geometry{}, fmt.Errorf("%s: zone %q: %w", z.Pos, id, err)
	}
	b.c.built[key] = g
	return g, nil
}

func (b *zoneBuilder) width(z *ZoneSpec) (float64, error) {
	if v, err := strconv.ParseFloat(z.Buffer.Km, 64); err == nil {
		return v, nil
	}
	if b.deal == nil {
		return 0, fmt.Errorf("zone %q depends on term %q: a deal is needed", z.ID, z.Buffer.Km)
	}
	v, ok := b.deal.Terms[z.Buffer.Km].(int64)
	if !ok {
		return 0, fmt.Errorf("zone %q: the deal gives term %q no whole number", z.ID, z.Buffer.Km)
	}
	return float64(v), nil
}

func (b *zoneBuilder) file(rel string) (*geo.FeatureCollection, error) {
	path := b.d.resolve(rel)
	if fc, ok := b.c.files[path]; ok {
		return fc, nil
	}
	fc, err := geo.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b.c.files[path] = fc
	return fc, nil
}

func (b *zoneBuilder) all(ids []string) ([]geom.Geometry, error) {
	gs := make([]geom.Geometry, len(ids))
	for i, id := range ids {
		g, err := b.build(id)
		if err != nil {
			return nil, err
		}
		gs[i] = g
	}
	return gs, nil
}

func (b *zoneBuilder) construct(z *ZoneSpec, width float64) (geom.Geometry, error) {
	switch {
	case z.GeoJSON != "":
		fc, err := b.file(z.GeoJSON)
		if err != nil {
			return geom.Geometry{}, err
		}
		for k, v := range z.Where {
			fc = fc.Where(k, v)
		}
		if z.SplitBy != "" {
			for _, f := range fc.Features {
				if kid := f.Prop(z.SplitBy); kid != "" {
					b.kids[kid] = f.Geom
				}
			}
		}
		if len(fc.Features) == 1 {
			return fc.Features[0].Geom, nil
		}
		return fc.Union()
	case len(z.Union) > 0:
		gs, err := b.all(z.Union)
		if err != nil {
			return geom.Geometry{}, err
		}
		return geo.Union(gs...)
	case len(z.Intersection) > 0:
		gs, err := b.all(z.Intersection)
		if err != nil {
			return geom.Geometry{}, err
		}
		out := gs[0]
		for _, g := range gs[1:] {
			if out, err = geo.Intersection(out, g); err != nil {
				return geom.Geometry{}, err
			}
		}
		return out, nil
	case len(z.Difference) > 0:
		gs, err := b.all(z.Difference)
		if err != nil {
			return geom.Geometry{}, err
		}
		out := gs[0]
		for _, g := range gs[1:] {
			if out, err = geo.Difference(out, g); err != nil {
				return geom.Geometry{}, err
			}
		}
		return out, nil
	case z.Buffer != nil:
		g, err := b.build(z.Buffer.Of)
		if err != nil {
			return geom.Geometry{}, err
		}
		if width == 0 {
			// A zero-width buffer of a line has no area: the zone is empty.
			return geom.Geometry{}, nil
		}
		return geo.BufferKm(g, width)
	case z.Side != nil:
		area, err := b.build(z.Side.Of)
		if err != nil {
			return geom.Geometry{}, err
		}
		line, err := b.build(z.Side.Line)
		if err != nil {
			return geom.Geometry{}, err
		}
		return geo.SideOf(area, line, geo.Side(z.Side.Side))
	case z.Occupied != nil:
		// territory knows DeepState's three formats and their layer names
		// (English, bilingual, Ukrainian-only) and drops foreign layers.
		var opt territory.Options
		if len(z.Occupied.Layers) > 0 {
			ls, err := territory.ParseLayers(strings.Join(z.Occupied.Layers, ","))
			if err != nil {
				return geom.Geometry{}, err
			}
			opt.Layers = ls
		}
		return territory.LoadOccupied(b.d.resolve(z.Occupied.Snapshot), opt)
	}
	return geom.Geometry{}, fmt.Errorf("zone has no constructor")
}

// Locate returns the id of every zone containing the point (longitude,
// latitude), split children included, in document order.
func (zs *ZoneSet) Locate(lon, lat float64) []string { return zs.index.Locate(lon, lat) }

// Contains reports whether zone id contains the point.
func (zs *ZoneSet) Contains(id string, lon, lat float64) bool {
	return zs.index.Contains(id, lon, lat)
}

// Expand returns ids plus every zone that contains one of them by
// construction: the split zone of a child, and unions naming a member.
// Intersections, differences and sides cannot be inferred without a point.
func (zs *ZoneSet) Expand(ids []string) []string {
	out := slices.Clone(ids)
	for i := 0; i < len(out); i++ {
		for _, p := range zs.parent[out[i]] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// Geometry returns the geometry of a zone.
func (zs *ZoneSet) Geometry(id string) (geom.Geometry, bool) {
	g, ok := zs.geoms[id]
	return g, ok
}

// IDs lists every zone id, split children after their parent.
func (zs *ZoneSet) IDs() []string { return zs.order }

// AreaKm2 returns the area of a zone on the WGS84 ellipsoid.
func (zs *ZoneSet) AreaKm2(id string) float64 {
	if v, ok := zs.area.Load(id); ok {
		return v.(float64)
	}
	g, ok := zs.geoms[id]
	if !ok {
		return 0
	}
	a := geo.AreaKm2(g)
	zs.area.Store(id, a)
	return a
}
