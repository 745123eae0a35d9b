// Package territory measures territorial change on DeepState's maps of the
// war in Ukraine: it reads their snapshots in the three shapes the shared
// data set holds them, picks the snapshot for a date, and computes the area
// gained and lost between two snapshots, in total and per zone (oblast).
//
// An agreement can then say "a change of control of more than X km² in zone Z
// is a violation" and Backstop can check it against a map anyone can fetch.
// Credit for the maps: DeepStateMap.
package territory

import (
	"errors"
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/geo"
	"github.com/peterstace/simplefeatures/geom"
)

// Layer is one of DeepState's map layers, named by its English title.
type Layer string

// The layers that describe the war in Ukraine. Everything else DeepState
// draws (Transnistria, Abkhazia, Karelia, East Prussia, the Kurils...) is a
// political statement about other countries and is always dropped.
const (
	Occupied  Layer = "Occupied"              // occupied since 24 February 2022
	Crimea    Layer = "Occupied Crimea"       // occupied since 2014
	CADR      Layer = "CADR and CALR"         // "certain areas" of Donetsk and Luhansk, occupied since 2014
	GreyZone  Layer = "Unknown status"        // contested, control unclear
	Liberated Layer = "Liberated"             // retaken by Ukraine (all dated variants)
	Tuzla     Layer = "Occupied Tuzla Island" // Kerch Strait island
	Zmiinyi   Layer = "Snake Island"          // Zmiinyi island, Ukrainian-held
)

// DefaultLayers count as occupied unless Options say otherwise: the three
// layers whose union DeepState itself publishes as the occupied area.
var DefaultLayers = []Layer{Occupied, Crimea, CADR}

// Options chooses what counts as occupied.
type Options struct {
	// Layers lists the layers counted as occupied; nil means DefaultLayers.
	Layers []Layer
	// GreyZone adds the "Unknown status" layer to Layers.
	GreyZone bool
}

func (o Options) layers() map[Layer]bool {
	ls := o.Layers
	if ls == nil {
		ls = DefaultLayers
	}
	set := make(map[Layer]bool, len(ls)+1)
	for _, l := range ls {
		set[l] = true
	}
	if o.GreyZone {
		set[GreyZone] = true
	}
	return set
}

func (o Options) isDefault() bool {
	set := o.layers()
	if len(set) != len(DefaultLayers) {
		return false
	}
	for _, l := range DefaultLayers {
		if !set[l] {
			return false
		}
	}
	return true
}

// ParseLayers reads a comma-separated list of layers as a command line gives
// it. Besides the English titles it accepts short names: occupied, crimea,
// cadr (or ordlo), grey/gray/unknown, liberated, tuzla, zmiinyi.
func ParseLayers(s string) ([]Layer, error) {
	var out []Layer
	for _, part := range strings.Split(s, ",") {
		p := strings.ToLower(strings.TrimSpace(part))
		if p == "" {
			continue
		}
		var l Layer
		switch p {
		case "occupied":
			l = Occupied
		case "crimea", "occupied crimea":
			l = Crimea
		case "cadr", "ordlo", "cadr and calr":
			l = CADR
		case "grey", "gray", "greyzone", "grey-zone", "unknown", "unknown status":
			l = GreyZone
		case "liberated":
			l = Liberated
		case "tuzla", "occupied tuzla island":
			l = Tuzla
		case "zmiinyi", "snake island":
			l = Zmiinyi
		default:
			return nil, fmt.Errorf("unknown layer %q (want occupied, crimea, cadr, grey, liberated, tuzla or zmiinyi)", strings.TrimSpace(part))
		}
		out = append(out, l)
	}
	if len(out) == 0 {
		return nil, errors.New("no layers given")
	}
	return out, nil
}

// Classify maps a DeepState feature name to its layer, or "" for a layer
// that is not about Ukraine's territory (or not recognised). It understands
// the daily English names ("Occupied", "Liberated 02.07"), the bilingual
// monthly ones ("Окуповано /// Occupied /// geoJSON.status.occupied") and the
// Ukrainian-only names of the 2022 snapshots.
func Classify(name string) Layer {
	parts := strings.Split(name, "///")
	for i := range parts {
		parts[i] = normalise(parts[i])
	}
	// The machine tag, when present, is the most reliable.
	if len(parts) >= 3 {
		tag := parts[len(parts)-1]
		switch {
		case strings.HasPrefix(tag, "geojson.status.occupied"):
			return Occupied
		case strings.HasPrefix(tag, "geojson.status.unknown"):
			return GreyZone
		case strings.HasPrefix(tag, "geojson.status.dismissed"):
			return Liberated
		case tag == "geojson.territories.crimea":
			return Crimea
		case tag == "geojson.territories.ordlo":
			return CADR
		case tag == "geojson.territories.tuzla":
			return Tuzla
		case tag == "geojson.zmiinyi_island":
			return Zmiinyi
		case strings.HasPrefix(tag, "geojson."):
			return ""
		}
	}
	if len(parts) >= 2 {
		// Bilingual: the English title decides; foreign territories have
		// Ukrainian titles that would look like "occupied" below.
		return classifyEnglish(parts[1])
	}
	if l := classifyEnglish(parts[0]); l != "" {
		return l
	}
	return classifyUkrainian(parts[0])
}

func normalise(s string) string {
	s = strings.ReplaceAll(s, "\u00a0", " ")
	s = strings.Join(strings.Fields(s), " ")
	return strings.ToLower(s)
}

func classifyEnglish(s string) Layer {
	switch {
	case s == "occupied":
		return Occupied
	case s == "occupied crimea":
		return Crimea
	case s == "cadr and calr":
		return CADR
	case s == "unknown status", s == "contested", s == "contensed":
		return GreyZone
	case s == "liberated", strings.HasPrefix(s, "liberated "),
		strings.HasPrefix(s, "taken back"), s == "recaptured":
		return Liberated
	case s == "occupied tuzla island":
		return Tuzla
	case s == "snake island":
		return Zmiinyi
	}
	return ""
}

// classifyUkrainian reads the Ukrainian-only titles of DeepState's 2022 maps.
func classifyUkrainian(s string) Layer {
	has := func(subs ...string) bool {
		for _, sub := range subs {
			if strings.Contains(s, sub) {
				return true
			}
		}
		return false
	}
	switch {
	case s == "окупований крим":
		return Crimea
	case s == "ордло":
		return CADR
	case s == "острів тузла":
		return Tuzla
	case s == "зміїний":
		return Zmiinyi
	case strings.HasPrefix(s, "окуповано"), has(". окуповано", "зайняті ворогом"), s == "окуповані циркуни":
		return Occupied
	case strings.HasPrefix(s, "звільнено"), strings.HasPrefix(s, "начебто звільнено"),
		s == "під контролем зсу", strings.HasPrefix(s, "орки відсутні"):
		return Liberated
	case has("сіра зона", "під питанням", "невідом"):
		return GreyZone
	}
	return ""
}

// Format is the shape of a snapshot file.
type Format string

// The snapshot shapes LoadOccupied detects.
const (
	// FormatUnion: polygons without layer names, already the occupied union
	// (deepstate_occupied_daily).
	FormatUnion Format = "union"
	// FormatLayers: DeepState's raw layers, each feature named by its layer
	// (deepstate_layers_daily, and deepstate_layers_monthly with bilingual
	// names and 3-D coordinates).
	FormatLayers Format = "layers"
)

// Snapshot is one loaded map.
type Snapshot struct {
	Path     string
	Format   Format
	Occupied geom.Geometry // the union of the chosen layers
	// Features counts the polygonal features used per layer ("" for the
	// union format's unnamed polygons).
	Features map[Layer]int
}

// LoadOccupied reads a snapshot and returns the occupied area as one valid
// geometry. See Load.
func LoadOccupied(path string, opt Options) (geom.Geometry, error) {
	s, err := Load(path, opt)
	if err != nil {
		return geom.Geometry{}, err
	}
	return s.Occupied, nil
}

// Load reads a snapshot, detecting its format: if any polygon carries a
// "name" property the file is read as layers and the polygons of the chosen
// layers are unioned; otherwise all its polygons are the occupied area, and
// asking for non-default layers is an error (the file cannot answer it).
// Invalid polygons are repaired (geo.Repair); a failure names the file and
// the feature.
func Load(path string, opt Options) (*Snapshot, error) {
	fc, err := geo.ReadFileWith(path, geo.ReadOptions{Repair: true, Force2D: true})
	if err != nil {
		return nil, err
	}
	s := &Snapshot{Path: path, Format: FormatUnion, Features: map[Layer]int{}}
	for _, f := range fc.Features {
		if f.Geom.Dimension() == 2 && f.Prop("name") != "" {
			s.Format = FormatLayers
			break
		}
	}
	if s.Format == FormatUnion && !opt.isDefault() {
		return nil, fmt.Errorf("%s: the file holds only the occupied union, without layers; it cannot count %s", path, layerList(opt))
	}
	want := opt.layers()
	var parts []geom.Geometry
	var index []int
	for i, f := range fc.Features {
		if f.Geom.Dimension() != 2 || f.Geom.IsEmpty() {
			continue // markers, arrows
		}
		var l Layer
		if s.Format == FormatLayers {
			l = Classify(f.Prop("name"))
			if !want[l] {
				continue
			}
		}
		s.Features[l]++
		parts = append(parts, polygonal(f.Geom))
		index = append(index, i)
	}
	u, err := geo.Union(parts...)
	if err != nil {
		// Find the culprit for the message: union one at a time.
		acc := geom.Geometry{}
		for k, p := range parts {
			if acc, err = geo.Union(acc, p); err != nil {
				return nil, fmt.Errorf("%s: feature %d: cannot be merged with the features before it: %w", path, index[k], err)
			}
		}
		u = acc
	}
	s.Occupied = u
	return s, nil
}

// polygonal keeps only the areal parts of g.
func polygonal(g geom.Geometry) geom.Geometry {
	if g.IsPolygon() || g.IsMultiPolygon() {
		return g
	}
	// A collection's polygons may overlap, so they stay a collection (not a
	// MultiPolygon) until the union dissolves them.
	var polys []geom.Geometry
	for _, p := range g.Dump() {
		if p.IsPolygon() {
			polys = append(polys, p)
		}
	}
	return geom.NewGeometryCollection(polys).AsGeometry()
}

func layerList(opt Options) string {
	var names []string
	for _, l := range append(append([]Layer(nil), opt.Layers...), func() []Layer {
		if opt.GreyZone {
			return []Layer{GreyZone}
		}
		return nil
	}()...) {
		names = append(names, string(l))
	}
	return strings.Join(names, ", ")
}
