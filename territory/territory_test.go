package territory_test

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/backstop-dev/backstop/territory"
	"github.com/peterstace/simplefeatures/geom"
)

func oblasts(tb testing.TB) ([]geo.Zone, map[string]string) {
	tb.Helper()
	fc, err := geo.ReadFile(shareddata.Path(tb, "geo", "ukraine_oblasts_ne10m.geojson"))
	if err != nil {
		tb.Fatal(err)
	}
	zones := make([]geo.Zone, len(fc.Features))
	names := map[string]string{}
	for i, f := range fc.Features {
		zones[i] = geo.Zone{ID: f.Prop("iso_3166_2"), Geom: f.Geom}
		names[zones[i].ID] = f.Prop("name_en")
	}
	return zones, names
}

func load(tb testing.TB, opt territory.Options, elem ...string) *territory.Snapshot {
	tb.Helper()
	s, err := territory.Load(shareddata.Path(tb, append([]string{"territory"}, elem...)...), opt)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// sampledChange estimates, independently of Diff's overlay, the areas of
// at∖base and base∖at by classifying points with point-in-polygon tests on
// the two input maps only. The bounding box is cut into 0.05° cells; a cell
// that no edge of either map crosses has one status throughout, decided by
// its centre, and counts whole; a cell an edge crosses is sampled on a
// k×k grid (≈0.2 km spacing), each point standing for 1/k² of the cell.
func sampledChange(base, at geom.Geometry, k int) (gained, lost float64) {
	ix := geo.NewIndex([]geo.Zone{{ID: "base", Geom: base}, {ID: "at", Geom: at}})
	env := base.Envelope().ExpandToIncludeEnvelope(at.Envelope())
	mn, _ := env.Min().XY()
	mx, _ := env.Max().XY()
	const cell = 0.05
	nx := int(math.Ceil((mx.X-mn.X)/cell)) + 1
	ny := int(math.Ceil((mx.Y-mn.Y)/cell)) + 1
	crossed := make([]bool, nx*ny)
	mark := func(g geom.Geometry) {
		for _, p := range g.Dump() {
			poly, ok := p.AsPolygon()
			if !ok {
				continue
			}
			for _, ring := range poly.DumpRings() {
				seq := ring.Coordinates()
				for i := 0; i+1 < seq.Length(); i++ {
					a, b := seq.GetXY(i), seq.GetXY(i+1)
					steps := int(math.Ceil(math.Max(math.Abs(b.X-a.X), math.Abs(b.Y-a.Y))/(cell/4))) + 1
					for s := 0; s <= steps; s++ {
						f := float64(s) / float64(steps)
						x := int((a.X + f*(b.X-a.X) - mn.X) / cell)
						y := int((a.Y + f*(b.Y-a.Y) - mn.Y) / cell)
						// mark the 3×3 neighbourhood: an edge may graze a cell border
						for dy := -1; dy <= 1; dy++ {
							for dx := -1; dx <= 1; dx++ {
								if xx, yy := x+dx, y+dy; xx >= 0 && xx < nx && yy >= 0 && yy < ny {
									crossed[yy*nx+xx] = true
								}
							}
						}
					}
				}
			}
		}
	}
	mark(base)
	mark(at)
	classify := func(x, y float64) (g, l bool) {
		inB, inA := false, false
		for _, id := range ix.Locate(x, y) {
			if id == "base" {
				inB = true
			} else {
				inA = true
			}
		}
		return inA && !inB, inB && !inA
	}
	for j := 0; j < ny; j++ {
		y0 := mn.Y + float64(j)*cell
		// exact ellipsoidal area of one cell in this row
		rowCell := geo.AreaKm2(geom.NewEnvelope(geom.XY{X: 0, Y: y0}, geom.XY{X: cell, Y: y0 + cell}).AsGeometry())
		for i := 0; i < nx; i++ {
			x0 := mn.X + float64(i)*cell
			if !crossed[j*nx+i] {
				g, l := classify(x0+cell/2, y0+cell/2)
				if g {
					gained += rowCell
				}
				if l {
					lost += rowCell
				}
				continue
			}
			w := rowCell / float64(k*k)
			for b := 0; b < k; b++ {
				for a := 0; a < k; a++ {
					g, l := classify(x0+(float64(a)+0.5)*cell/float64(k), y0+(float64(b)+0.5)*cell/float64(k))
					if g {
						gained += w
					}
					if l {
						lost += w
					}
				}
			}
		}
	}
	return gained, lost
}

// checkDiff runs Diff on a real pair and checks it against the identity
// area(at) − area(base) = gained − lost and the independent sampled estimate.
func checkDiff(t *testing.T, base, at geom.Geometry) territory.Result {
	t.Helper()
	zones, names := oblasts(t)
	r := territory.Diff(base, at, zones)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	aBase, aAt := geo.AreaKm2(base), geo.AreaKm2(at)
	t.Logf("occupied %.1f → %.1f km² (net %+.1f); Diff: gained %.1f, lost %.1f (net %+.1f)",
		aBase, aAt, aAt-aBase, r.GainedKm2, r.LostKm2, r.GainedKm2-r.LostKm2)
	d := (aAt - aBase) - (r.GainedKm2 - r.LostKm2)
	t.Logf("identity residual area(at) − area(base) − (gained − lost) = %.2g km²", d)
	if math.Abs(d) > 0.01*(r.GainedKm2+r.LostKm2) {
		t.Errorf("identity: area(at) − area(base) − (gained − lost) = %.3f km²; want within 1%% of %.1f", d, r.GainedKm2+r.LostKm2)
	}
	sg, sl := sampledChange(base, at, 25)
	t.Logf("independent grid sampling: gained %.1f (%.2f%% off), lost %.1f", sg, 100*(sg-r.GainedKm2)/r.GainedKm2, sl)
	if math.Abs(sg-r.GainedKm2) > 0.01*r.GainedKm2 {
		t.Errorf("gained: Diff %.1f km², sampling %.1f km²; want within 1%%", r.GainedKm2, sg)
	}
	if math.Abs(sl-r.LostKm2) > math.Max(0.01*r.LostKm2, 0.01*r.GainedKm2) {
		t.Errorf("lost: Diff %.1f km², sampling %.1f km²; want within 1%% (of gained, if lost is small)", r.LostKm2, sl)
	}
	var sumG, sumL float64
	ids := make([]string, 0, len(r.ByZone))
	for id, c := range r.ByZone {
		ids = append(ids, id)
		sumG += c.GainedKm2
		sumL += c.LostKm2
	}
	sort.Slice(ids, func(i, j int) bool { return r.ByZone[ids[i]].GainedKm2 > r.ByZone[ids[j]].GainedKm2 })
	for _, id := range ids {
		if c := r.ByZone[id]; c.GainedKm2+c.LostKm2 >= 0.05 {
			t.Logf("  %s %-24s gained %8.1f  lost %7.1f", id, names[id], c.GainedKm2, c.LostKm2)
		}
	}
	t.Logf("  outside all oblasts (water, generalised coast): gained %.1f, lost %.1f", r.GainedKm2-sumG, r.LostKm2-sumL)
	if sumG > r.GainedKm2*1.0001 || sumL > r.LostKm2*1.0001+0.001 {
		t.Errorf("zones add up to more than the total: gained %.1f > %.1f or lost %.1f > %.1f", sumG, r.GainedKm2, sumL, r.LostKm2)
	}
	if ids[0] != "UA-14" {
		t.Errorf("largest gain in %s; want UA-14 (Donetsk)", ids[0])
	}
	return r
}

// TestDiffRealDaily: DeepState's occupied union, maps of 30 June and 29
// September 2025 (files fetched 1 July and 30 September).
func TestDiffRealDaily(t *testing.T) {
	base := load(t, territory.Options{}, "deepstate_occupied_daily", "deepstatemap_data_20250701.geojson")
	at := load(t, territory.Options{}, "deepstate_occupied_daily", "deepstatemap_data_20250930.geojson")
	for _, s := range []*territory.Snapshot{base, at} {
		if a := geo.AreaKm2(s.Occupied); a < 113000 || a > 116000 {
			t.Errorf("%s: occupied area %.0f km²; want 113,000–116,000 in mid-2025", filepath.Base(s.Path), a)
		}
		if s.Format != territory.FormatUnion {
			t.Errorf("%s: format %s; want union", s.Path, s.Format)
		}
	}
	r := checkDiff(t, base.Occupied, at.Occupied)
	if net := r.GainedKm2 - r.LostKm2; net < 300 || net > 1500 {
		t.Errorf("net gain Jul–Sep 2025 = %.0f km²; want a few hundred to ~1,500", net)
	}
}

// TestDiffRealLayers: the same period from DeepState's raw layers, which
// must agree with the published union of the same fetch.
func TestDiffRealLayers(t *testing.T) {
	base := load(t, territory.Options{}, "deepstate_layers_daily", "deepstatemap_data_20250701_polygons.geojson.gz")
	at := load(t, territory.Options{}, "deepstate_layers_daily", "deepstatemap_data_20250930_polygons.geojson.gz")
	if base.Format != territory.FormatLayers {
		t.Fatalf("format %s; want layers", base.Format)
	}
	t.Logf("features used: %v", base.Features)
	for _, tc := range []struct {
		layers *territory.Snapshot
		union  string
	}{{base, "deepstatemap_data_20250701.geojson"}, {at, "deepstatemap_data_20250930.geojson"}} {
		u := load(t, territory.Options{}, "deepstate_occupied_daily", tc.union)
		al, au := geo.AreaKm2(tc.layers.Occupied), geo.AreaKm2(u.Occupied)
		t.Logf("%s: layers %.1f km², published union %.1f km²", tc.union, al, au)
		if math.Abs(al-au) > 0.005*au {
			t.Errorf("%s: union of layers %.1f km²; published union %.1f; want within 0.5%%", tc.union, al, au)
		}
	}
	checkDiff(t, base.Occupied, at.Occupied)

	grey := load(t, territory.Options{GreyZone: true}, "deepstate_layers_daily", "deepstatemap_data_20250930_polygons.geojson.gz")
	ag, ao := geo.AreaKm2(grey.Occupied), geo.AreaKm2(at.Occupied)
	t.Logf("with the grey zone: %.1f km² (+%.1f)", ag, ag-ao)
	if ag <= ao || ag > ao+10000 {
		t.Errorf("occupied + grey zone = %.1f km²; want a little more than %.1f", ag, ao)
	}
}

// TestLoadMonthly reads a bilingual, 3-D monthly snapshot and compares it
// with the daily union of the same day.
func TestLoadMonthly(t *testing.T) {
	m := load(t, territory.Options{}, "deepstate_layers_monthly", "deepstate_20250630T200756Z_1751314076.geojson.gz")
	d := load(t, territory.Options{}, "deepstate_occupied_daily", "deepstatemap_data_20250701.geojson")
	am, ad := geo.AreaKm2(m.Occupied), geo.AreaKm2(d.Occupied)
	t.Logf("monthly 2025-06-30 20:07Z: %.1f km² from %v; daily (map of 2025-06-30): %.1f km²", am, m.Features, ad)
	if m.Format != territory.FormatLayers || math.Abs(am-ad) > 0.005*ad {
		t.Errorf("monthly %s %.1f km²; want layers format within 0.5%% of %.1f", m.Format, am, ad)
	}
	if m.Occupied.CoordinatesType() != geom.DimXY {
		t.Errorf("coordinates %s; want XY", m.Occupied.CoordinatesType())
	}
	// The earliest snapshot has Ukrainian-only names and invalid polygons
	// (a hole outside its shell) that must be repaired, not rejected.
	early := load(t, territory.Options{}, "deepstate_layers_monthly", "deepstate_20220430T203344Z_1651350824.geojson.gz")
	t.Logf("2022-04-30: %.1f km² from %v", geo.AreaKm2(early.Occupied), early.Features)
	if a := geo.AreaKm2(early.Occupied); a < 110000 || a > 135000 {
		t.Errorf("2022-04-30 occupied %.0f km²; want 110,000–135,000 (about a fifth of Ukraine)", a)
	}
}

func TestLoadUnionRejectsLayers(t *testing.T) {
	p := shareddata.Path(t, "territory", "deepstate_occupied_daily", "deepstatemap_data_20250701.geojson")
	_, err := territory.LoadOccupied(p, territory.Options{GreyZone: true})
	if err == nil || !strings.Contains(err.Error(), p) {
		t.Errorf("grey zone from a union file: got %v; want an error naming the file", err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("bad.geojson", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Occupied"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],"x"]]}}]}`)
	if _, err := territory.LoadOccupied(bad, territory.Options{}); err == nil || !strings.Contains(err.Error(), bad+": feature 0") {
		t.Errorf("got %v; want an error naming %s and feature 0", err, bad)
	}
	// A bow-tie and an overlapping pair are repaired and unioned.
	ok := write("ok.geojson", `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"Occupied"},"geometry":{"type":"Polygon","coordinates":[[[30,50],[30.2,50.2],[30.2,50],[30,50.2],[30,50]]]}},
{"type":"Feature","properties":{"name":"CADR and CALR"},"geometry":{"type":"Polygon","coordinates":[[[30.1,50],[30.4,50],[30.4,50.2],[30.1,50.2],[30.1,50]]]}},
{"type":"Feature","properties":{"name":"Transnistria"},"geometry":{"type":"Polygon","coordinates":[[[29,47],[29.5,47],[29.5,47.5],[29,47]]]}},
{"type":"Feature","properties":{"name":"Direction of attack"},"geometry":{"type":"Point","coordinates":[30,50]}}]}`)
	s, err := territory.Load(ok, territory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Occupied.Validate(); err != nil {
		t.Fatal(err)
	}
	// triangles left of x=30.1 (half of the west bow-tie wing) + the square
	env := s.Occupied.Envelope()
	mn, _ := env.Min().XY()
	if mn.X != 30 || s.Features[territory.Occupied] != 1 || s.Features[territory.CADR] != 1 || len(s.Features) != 2 {
		t.Errorf("got envelope min %v, features %v; want min x 30, one Occupied and one CADR feature", mn, s.Features)
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name string
		want territory.Layer
	}{
		{"Occupied", territory.Occupied},
		{"Unknown status", territory.GreyZone},
		{"Liberated 31.03 - 02.04", territory.Liberated},
		{"CADR and CALR", territory.CADR},
		{"Occupied Crimea", territory.Crimea},
		{"Transnistria", ""},
		{"Occupied Abkhazia.", ""},
		{"Окуповано /// Occupied /// geoJSON.status.occupied\n", territory.Occupied},
		{"Окуповано /// Occupied\u00a0/// geoJSON.status.occupied", territory.Occupied},
		{"Статус невідомий /// Unknown status\u00a0/// geoJSON.status.unknown", territory.GreyZone},
		{"Звільнено 25.03 /// Liberated 25.03\u00a0/// geoJSON.status.dismissed_at {{at:25.03}}", territory.Liberated},
		{"Окупований Крим /// Occupied Crimea /// geoJSON.territories.crimea", territory.Crimea},
		{"ОРДЛО /// CADR and CALR /// geoJSON.territories.ordlo", territory.CADR},
		{"Придністров'я/// Transnistria /// geoJSON.territories.transnistria", ""},
		{"Окуповано", territory.Occupied},
		{"ОРДЛО", territory.CADR},
		{"Сіра зона", territory.GreyZone},
		{"Окупований Крим", territory.Crimea},
		{"Окуповано 04.04 та 21.04", territory.Occupied},
		{"Ізюм. Окуповано", territory.Occupied},
		{"Звільнено 25.03", territory.Liberated},
		{"Окуповані території Латвії.\n///\nOccupied Latvia territories.\n", ""},
		{"Острів Тузла /// Occupied Tuzla Island", territory.Tuzla},
		{"Напрямок удару /// Direction of attack /// geoJSON.status.attack_direction\n", ""},
		{"", ""},
	} {
		if got := territory.Classify(tc.name); got != tc.want {
			t.Errorf("Classify(%q) = %q; want %q", tc.name, got, tc.want)
		}
	}
}

func TestParseLayers(t *testing.T) {
	got, err := territory.ParseLayers("occupied, crimea,CADR,grey")
	if err != nil {
		t.Fatal(err)
	}
	want := []territory.Layer{territory.Occupied, territory.Crimea, territory.CADR, territory.GreyZone}
	if strings.Join(layerStrings(got), "|") != strings.Join(layerStrings(want), "|") {
		t.Errorf("ParseLayers = %v; want %v", got, want)
	}
	for _, bad := range []string{"", "occupied,mars"} {
		if _, err := territory.ParseLayers(bad); err == nil {
			t.Errorf("ParseLayers(%q): got no error", bad)
		}
	}
}

func layerStrings(ls []territory.Layer) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}

func TestSnapshotOn(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		dir  string
		day  string
		want string // base name, "" for an error
	}{
		{"deepstate_occupied_daily", "2025-06-30", "deepstatemap_data_20250701.geojson"},
		{"deepstate_occupied_daily", "2025-09-29", "deepstatemap_data_20250930.geojson"},
		{"deepstate_occupied_daily", "2025-09-30", ""},
		{"deepstate_layers_daily", "2025-07-31", "deepstatemap_data_20250801_polygons.geojson.gz"},
		{"deepstate_layers_monthly", "2025-07-31", "deepstate_20250731T192210Z_1753989730.geojson.gz"},
		{"deepstate_layers_monthly", "2025-07-15", ""},
	} {
		dir := shareddata.Path(t, "territory", tc.dir)
		got, err := territory.SnapshotOn(dir, day(tc.day))
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "nearest") {
				t.Errorf("SnapshotOn(%s, %s) = %q, %v; want an error naming the nearest days", tc.dir, tc.day, got, err)
			}
			continue
		}
		if err != nil || filepath.Base(got) != tc.want {
			t.Errorf("SnapshotOn(%s, %s) = %q, %v; want %s", tc.dir, tc.day, filepath.Base(got), err, tc.want)
		}
	}
}

func TestDiffSynthetic(t *testing.T) {
	sq := func(wkt string) geom.Geometry {
		g, err := geom.UnmarshalWKT(wkt)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	base := sq("POLYGON((30 49,31 49,31 50,30 50,30 49))")
	at := sq("POLYGON((30.5 49,31.5 49,31.5 50,30.5 50,30.5 49))")
	zones := []geo.Zone{
		{ID: "west", Geom: sq("POLYGON((29 48,31 48,31 51,29 51,29 48))")},
		{ID: "east", Geom: sq("POLYGON((31 48,33 48,33 51,31 51,31 48))")},
		{ID: "far", Geom: sq("POLYGON((40 40,41 40,41 41,40 41,40 40))")},
	}
	r := territory.Diff(base, at, zones)
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	half := geo.AreaKm2(sq("POLYGON((30 49,30.5 49,30.5 50,30 50,30 49))"))
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"gained", r.GainedKm2, half},
		{"lost", r.LostKm2, half},
		{"west gained", r.ByZone["west"].GainedKm2, 0},
		{"west lost", r.ByZone["west"].LostKm2, half},
		{"east gained", r.ByZone["east"].GainedKm2, half},
		{"east lost", r.ByZone["east"].LostKm2, 0},
		{"far gained", r.ByZone["far"].GainedKm2, 0},
	} {
		if math.Abs(tc.got-tc.want) > 1e-6*half {
			t.Errorf("%s = %.6f km²; want %.6f", tc.name, tc.got, tc.want)
		}
	}
	if len(r.ByZone) != 3 {
		t.Errorf("ByZone has %d entries; want 3 (every zone, changed or not)", len(r.ByZone))
	}
}

func BenchmarkDiff(b *testing.B) {
	zones, _ := oblasts(b)
	base := load(b, territory.Options{}, "deepstate_occupied_daily", "deepstatemap_data_20250701.geojson")
	at := load(b, territory.Options{}, "deepstate_occupied_daily", "deepstatemap_data_20250930.geojson")
	b.Run("total", func(b *testing.B) {
		for b.Loop() {
			territory.Diff(base.Occupied, at.Occupied, nil)
		}
	})
	b.Run("by-oblast", func(b *testing.B) {
		for b.Loop() {
			territory.Diff(base.Occupied, at.Occupied, zones)
		}
	})
}

func BenchmarkLoad(b *testing.B) {
	p := shareddata.Path(b, "territory", "deepstate_layers_daily", "deepstatemap_data_20250930_polygons.geojson.gz")
	for b.Loop() {
		if _, err := territory.LoadOccupied(p, territory.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"Occupied", "Окуповано /// Occupied /// geoJSON.status.occupied\n", "Liberated 02.07", "///", "Звільнено"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		switch l := territory.Classify(name); l {
		case "", territory.Occupied, territory.Crimea, territory.CADR, territory.GreyZone, territory.Liberated, territory.Tuzla, territory.Zmiinyi:
		default:
			t.Fatalf("Classify(%q) = %q: not a known layer", name, l)
		}
	})
}

func FuzzMapDay(f *testing.F) {
	for _, s := range []string{"deepstatemap_data_20250701.geojson", "deepstatemap_data_20250701_polygons.geojson.gz", "deepstate_20250731T192210Z_1753989730.geojson.gz", "x_99999999.geojson"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if d, ok := territory.MapDay(name); ok && (d.Year() < 1999 || d.Hour() != 0) {
			t.Fatalf("MapDay(%q) = %v", name, d)
		}
	})
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Occupied"},"geometry":{"type":"Polygon","coordinates":[[[30,50],[30.2,50.2],[30.2,50],[30,50.2],[30,50]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[30,50,0],[31,50,0],[31,51,0],[30,50,0]]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Статус невідомий /// Unknown status /// geoJSON.status.unknown"},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "snap.geojson")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, opt := range []territory.Options{{}, {GreyZone: true}} {
			s, err := territory.Load(p, opt)
			if err != nil {
				if !strings.Contains(err.Error(), p) {
					t.Fatalf("error does not name the file: %v", err)
				}
				continue
			}
			if err := s.Occupied.Validate(); err != nil {
				t.Fatalf("occupied area invalid: %v", err)
			}
		}
	})
}
