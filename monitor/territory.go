package monitor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/geo"
)

// This file turns daily occupation maps into territorial_seizure incidents.
// It is a small adapter over package geo: package territory (snapshot
// readers and diffs) was being written at the same time; it follows the same
// naming convention for the files (see mapDay).

// Area is a named area (an oblast) that territorial change is attributed to.
type Area struct {
	ID, Name string
	Geom     geom.Geometry
	env      geom.Envelope
}

// LoadAreas reads areas from GeoJSON features, taking the id from the
// property idProp (e.g. "iso_3166_2") and the name from "name_en" or "name".
func LoadAreas(path, idProp string) ([]Area, error) {
	fc, err := geo.ReadFileWith(path, geo.ReadOptions{Repair: true, Force2D: true})
	if err != nil {
		return nil, fmt.Errorf("reading areas: %w", err)
	}
	var out []Area
	for i, f := range fc.Features {
		id, _ := f.Props[idProp].(string)
		if id == "" {
			return nil, backstop.Errorf(backstop.EINVALID, "%s: feature %d has no %q property", path, i, idProp)
		}
		name, _ := f.Props["name_en"].(string)
		if name == "" {
			name, _ = f.Props["name"].(string)
		}
		out = append(out, Area{ID: id, Name: name, Geom: f.Geom, env: f.Geom.Envelope()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// TerritoryOptions say which maps to compare with which line.
type TerritoryOptions struct {
	// Dir holds one occupation map per day (deepstatemap_data_YYYYMMDD.geojson,
	// fetched at 03:00 UTC and so showing the previous day).
	Dir string
	// Line is the day whose map is the agreed line.
	Line time.Time
	// Since and Until bound the map days compared (inclusive).
	Since, Until time.Time
	// Areas attribute the change; required.
	Areas []Area
	// MinAreaKm2 is the smallest new gain in one area reported as an
	// incident; smaller changes are map noise. 0 means 1 km².
	MinAreaKm2 float64
	// Actor is the party the gains are attributed to; "" means "RU".
	Actor string
	// Source is the map's source as a registry entry; the zero value means
	// DeepStateMap, reliability B, aligned with UA.
	Source backstop.Source
}

var fetchName = regexp.MustCompile(`(?:^|[^0-9])(\d{8})\.geojson(?:\.gz)?$`)

// mapDay is the day a file shows: its fetch date minus one.
func mapDay(name string) (time.Time, bool) {
	m := fetchName.FindStringSubmatch(filepath.Base(name))
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", m[1])
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, -1), true
}

type snapshot struct {
	day  time.Time
	path string
}

func snapshots(dir string) ([]snapshot, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("territory maps: %w", err)
	}
	var out []snapshot
	for _, e := range entries {
		if d, ok := mapDay(e.Name()); ok && !e.IsDir() {
			out = append(out, snapshot{d, filepath.Join(dir, e.Name())})
		}
	}
	slices.SortFunc(out, func(a, b snapshot) int { return a.day.Compare(b.day) })
	return out, nil
}

func loadOccupied(path string) (geom.Geometry, error) {
	fc, err := geo.ReadFileWith(path, geo.ReadOptions{Repair: true, Force2D: true})
	if err != nil {
		return geom.Geometry{}, err
	}
	gs := make([]geom.Geometry, 0, len(fc.Features))
	for _, f := range fc.Features {
		gs = append(gs, f.Geom)
	}
	if len(gs) == 1 {
		return gs[0], nil
	}
	return geo.Union(gs...)
}

// TerritorialIncidents compares each day's map with the agreed line and
// reports, per area, every new gain beyond the largest gain reported so far
// in that area (a high-water mark): DeepState's line moves back and forth by
// small amounts, and a gain lost and retaken is one seizure, not two. Each
// incident is of kind territorial_seizure, actor RU (or opt.Actor), with
// AreaKm2 the new gain, the area's id as its zone and the map's file as its
// report. Days are computed in parallel; the result is ordered by (time, id).
func TerritorialIncidents(opt TerritoryOptions) ([]backstop.Incident, error) {
	if len(opt.Areas) == 0 {
		return nil, backstop.Errorf(backstop.EINVALID, "territorial incidents: no areas to attribute change to")
	}
	snaps, err := snapshots(opt.Dir)
	if err != nil {
		return nil, err
	}
	if len(snaps) == 0 {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: no daily maps (deepstatemap_data_YYYYMMDD.geojson)", opt.Dir)
	}
	lineDay := opt.Line.UTC().Truncate(24 * time.Hour)
	base := -1
	for i, s := range snaps {
		if !s.day.After(lineDay) {
			base = i
		}
	}
	if base < 0 {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: no map on or before the line's day %s (the first shows %s)", opt.Dir, lineDay.Format(time.DateOnly), snaps[0].day.Format(time.DateOnly))
	}
	baseGeom, err := loadOccupied(snaps[base].path)
	if err != nil {
		return nil, err
	}
	var days []snapshot
	for _, s := range snaps {
		if s.day.After(lineDay) && !s.day.Before(opt.Since.UTC().Truncate(24*time.Hour)) && (opt.Until.IsZero() || !s.day.After(opt.Until)) {
			days = append(days, s)
		}
	}
	zs := make([]geo.Zone, len(opt.Areas))
	for i, a := range opt.Areas {
		zs[i] = geo.Zone{ID: a.ID, Geom: a.Geom}
	}
	ix := geo.NewIndex(zs)
	gains, err := gainsByDay(baseGeom, days, opt.Areas, ix)
	if err != nil {
		return nil, err
	}
	minArea := opt.MinAreaKm2
	if minArea <= 0 {
		minArea = 1
	}
	actor := opt.Actor
	if actor == "" {
		actor = "RU"
	}
	src := opt.Source
	if src.ID == "" {
		src = backstop.Source{ID: "deepstatemap", Name: "DeepStateMap", Reliability: 'B', Side: "UA", Affiliation: "deepstate"}
	}
	names := map[string]string{}
	for _, a := range opt.Areas {
		names[a.ID] = a.Name
	}
	high := map[string]float64{}
	var out []backstop.Incident
	for i, s := range days {
		ids := make([]string, 0, len(gains[i]))
		for id := range gains[i] {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			g := gains[i][id]
			if g-high[id] < minArea {
				continue
			}
			newKm2 := g - high[id]
			high[id] = g
			day := s.day.Format(time.DateOnly)
			ind, opp := Independence([]backstop.Source{src})
			out = append(out, backstop.Incident{
				ID:   "terr-" + s.day.Format("20060102") + "-" + id,
				Time: s.day.Add(27 * time.Hour), // the fetch: 03:00 UTC the next day
				Kind: backstop.TerritorialSeizure, Actor: actor,
				Place:   backstop.Place{Areas: []string{id}, Name: names[id]},
				Zones:   []string{id},
				AreaKm2: round2(newKm2),
				Counts:  map[string]float64{"area_km2": round2(newKm2), "total_gain_km2": round2(g)},
				Sources: []backstop.Source{src}, Reports: []string{src.ID + ":" + filepath.Base(s.path)},
				IndependentSources: ind, OpposingSides: opp,
				Grade: Grade([]backstop.Source{src}, ind, opp, 0),
				Text: fmt.Sprintf("%.1f km² newly occupied in %s on the %s map (%.1f km² beyond the line of %s in all)",
					newKm2, orID(names[id], id), day, g, lineDay.Format(time.DateOnly)),
			})
		}
	}
	return out, nil
}

func orID(name, id string) string {
	if name == "" {
		return id
	}
	return name
}

func round2(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// piece is a polygon of new gain that does not lie in a single area.
type piece struct {
	day int
	g   geom.Geometry
	env geom.Envelope
}

// gainsByDay measures, for each day, the area of the day's map outside the
// base, per area. Most pieces of new gain lie inside one oblast and are
// counted whole. The others (straddling a boundary or the state border) are
// intersected exactly with the oblasts, each clipped beforehand to the
// rectangles around such pieces: the overlay then works on a few hundred
// vertices instead of an oblast's thousands.
func gainsByDay(base geom.Geometry, days []snapshot, areas []Area, ix *geo.Index) ([]map[string]float64, error) {
	gains := make([]map[string]float64, len(days))
	split := make([][]piece, len(days))
	errs := make([]error, len(days))
	parallel(len(days), func(i int) {
		gains[i], split[i], errs[i] = dayGain(base, days[i].path, i, ix)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var all []piece
	for _, ps := range split {
		all = append(all, ps...)
	}
	if len(all) == 0 {
		return gains, nil
	}
	clipped := make([]geom.Geometry, len(areas))
	errs = make([]error, len(areas))
	parallel(len(areas), func(i int) {
		var rects []geom.Geometry
		for _, p := range all {
			if p.env.Intersects(areas[i].env) {
				rects = append(rects, p.env.AsGeometry())
			}
		}
		if len(rects) == 0 {
			return
		}
		box, err := geo.Union(rects...)
		if err == nil {
			clipped[i], err = geo.Intersection(areas[i].Geom, box)
		}
		if err != nil {
			errs[i] = fmt.Errorf("clipping area %s: %w", areas[i].ID, err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	type part struct {
		day  int
		area string
		km2  float64
	}
	parts := make([][]part, len(all))
	errs = make([]error, len(all))
	parallel(len(all), func(k int) {
		p := all[k]
		for i, a := range areas {
			if clipped[i].IsEmpty() || !p.env.Intersects(a.env) {
				continue
			}
			g, err := geo.Intersection(p.g, clipped[i])
			if err != nil {
				errs[k] = fmt.Errorf("%s: area %s: %w", days[p.day].path, a.ID, err)
				return
			}
			if km2 := geo.AreaKm2(g); km2 > 0 {
				parts[k] = append(parts[k], part{p.day, a.ID, km2})
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, ps := range parts { // in piece order: sums are deterministic
		for _, p := range ps {
			gains[p.day][p.area] += p.km2
		}
	}
	return gains, nil
}

// parallel runs f(0..n-1) on GOMAXPROCS goroutines.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// dayGain is the day's gain beyond the base: per area for the pieces in a
// single area, and the other pieces for exact intersection.
func dayGain(base geom.Geometry, path string, day int, ix *geo.Index) (map[string]float64, []piece, error) {
	at, err := loadOccupied(path)
	if err != nil {
		return nil, nil, err
	}
	gained, err := geo.Difference(at, base)
	if err != nil {
		gained, err = geo.Difference(at.SnapToGrid(7), base.SnapToGrid(7))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gained area: %w", path, err)
		}
	}
	out := map[string]float64{}
	var rest []piece
	for _, pg := range gained.Dump() {
		poly, ok := pg.AsPolygon()
		if !ok || poly.IsEmpty() {
			continue
		}
		if id, ok := oneArea(poly, ix); ok {
			out[id] += geo.AreaKm2(pg)
			continue
		}
		rest = append(rest, piece{day, pg, pg.Envelope()})
	}
	return out, rest, nil
}

// oneArea returns the single area containing every vertex of poly (and the
// midpoint of every edge), if there is one.
func oneArea(poly geom.Polygon, ix *geo.Index) (string, bool) {
	id := ""
	check := func(x, y float64) bool {
		got := ix.Locate(x, y)
		if len(got) != 1 || (id != "" && got[0] != id) {
			return false
		}
		id = got[0]
		return true
	}
	for _, ring := range poly.DumpRings() {
		seq := ring.Coordinates()
		for i := 0; i < seq.Length(); i++ {
			c := seq.GetXY(i)
			if !check(c.X, c.Y) {
				return "", false
			}
			if i > 0 {
				p := seq.GetXY(i - 1)
				if !check((p.X+c.X)/2, (p.Y+c.Y)/2) {
					return "", false
				}
			}
		}
	}
	return id, id != ""
}
