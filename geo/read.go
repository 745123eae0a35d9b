package geo

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/peterstace/simplefeatures/geom"
)

// MaxReadBytes bounds how much (decompressed) GeoJSON Read accepts, so that a
// hostile or corrupt file cannot exhaust memory; DeepState's largest raw
// snapshot is a few megabytes.
const MaxReadBytes = 512 << 20

// Feature is one GeoJSON feature: an identifier, its properties and its
// geometry (lon/lat, WGS84, GeoJSON axis order).
type Feature struct {
	// ID is the feature's "id" member as text ("" when absent); numbers are
	// written as Go's shortest decimal form.
	ID string
	// Props are the feature's properties as encoding/json decodes them
	// (strings, float64, bool, nil, []any, map[string]any).
	Props map[string]any
	// Geom is the feature's geometry; empty for a null geometry.
	Geom geom.Geometry
}

// FeatureCollection is an ordered list of features. The order is the file's,
// and functions that return ids keep it, so output is deterministic.
type FeatureCollection struct {
	Features []Feature
}

// ReadOptions controls how strictly Read treats geometries.
type ReadOptions struct {
	// Repair makes invalid polygonal geometries valid (see Repair) instead of
	// failing. Agreement zones are read strictly so that a drafting error is
	// reported; third-party maps such as DeepState's are read with Repair.
	Repair bool
	// Force2D drops Z and M values (DeepState's monthly files carry a zero
	// height on every vertex).
	Force2D bool
}

// ReadFile reads a GeoJSON FeatureCollection, a single Feature or a bare
// geometry from path. Gzip-compressed files (detected by their magic bytes,
// whatever the name) are decompressed. Geometries are validated; errors name
// the file and the index of the failing feature.
func ReadFile(path string) (*FeatureCollection, error) {
	return ReadFileWith(path, ReadOptions{})
}

// ReadFileWith is ReadFile with options.
func ReadFileWith(path string, opt ReadOptions) (*FeatureCollection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadWith(f, path, opt)
}

// Read reads GeoJSON as ReadFile does; name is used in error messages.
func Read(r io.Reader, name string) (*FeatureCollection, error) {
	return ReadWith(r, name, ReadOptions{})
}

// ReadWith is Read with options.
func ReadWith(r io.Reader, name string, opt ReadOptions) (*FeatureCollection, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		r = zr
	} else {
		r = br
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxReadBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxReadBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, MaxReadBytes)
	}
	return parse(data, name, opt)
}

// object is the union of the members of the GeoJSON objects Read accepts.
type object struct {
	Type       string            `json:"type"`
	Features   []json.RawMessage `json:"features"`
	Geometry   json.RawMessage   `json:"geometry"`
	ID         json.RawMessage   `json:"id"`
	Properties json.RawMessage   `json:"properties"`
}

func parse(data []byte, name string, opt ReadOptions) (*FeatureCollection, error) {
	var top object
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%s: %w", name, jsonError(data, err))
	}
	switch top.Type {
	case "FeatureCollection":
		fc := &FeatureCollection{Features: make([]Feature, 0, len(top.Features))}
		for i, raw := range top.Features {
			var o object
			if err := json.Unmarshal(raw, &o); err != nil {
				return nil, fmt.Errorf("%s: feature %d: %w", name, i, err)
			}
			if o.Type != "Feature" {
				return nil, fmt.Errorf("%s: feature %d: type is %q; want \"Feature\"", name, i, o.Type)
			}
			f, err := feature(o, opt)
			if err != nil {
				return nil, fmt.Errorf("%s: feature %d%s: %w", name, i, idNote(o.ID), err)
			}
			fc.Features = append(fc.Features, f)
		}
		return fc, nil
	case "Feature":
		f, err := feature(top, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: feature 0: %w", name, err)
		}
		return &FeatureCollection{Features: []Feature{f}}, nil
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		g, err := geometry(data, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return &FeatureCollection{Features: []Feature{{Geom: g}}}, nil
	case "":
		return nil, fmt.Errorf("%s: not GeoJSON: no \"type\" member", name)
	default:
		return nil, fmt.Errorf("%s: unknown GeoJSON type %q", name, top.Type)
	}
}

func idNote(raw json.RawMessage) string {
	if id, err := featureID(raw); err == nil && id != "" {
		return " (id " + strconv.Quote(id) + ")"
	}
	return ""
}

func feature(o object, opt ReadOptions) (Feature, error) {
	var f Feature
	id, err := featureID(o.ID)
	if err != nil {
		return f, err
	}
	f.ID = id
	if len(o.Properties) > 0 && !isNull(o.Properties) {
		if err := json.Unmarshal(o.Properties, &f.Props); err != nil {
			return f, fmt.Errorf("properties: %w", err)
		}
	}
	if len(o.Geometry) == 0 {
		return f, errors.New("no \"geometry\" member")
	}
	if isNull(o.Geometry) {
		return f, nil
	}
	g, err := geometry(o.Geometry, opt)
	if err != nil {
		return f, err
	}
	f.Geom = g
	return f, nil
}

func featureID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || isNull(raw) {
		return "", nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("id: %w", err)
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	default:
		return "", fmt.Errorf("id must be a string or a number, not %s", bytes.TrimSpace(raw))
	}
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// geometry decodes one GeoJSON geometry object, validating it or, with
// opt.Repair, repairing it.
func geometry(raw []byte, opt ReadOptions) (geom.Geometry, error) {
	g, err := geom.UnmarshalGeoJSON(raw, geom.NoValidate{})
	if err != nil {
		return geom.Geometry{}, err
	}
	if opt.Force2D {
		g = g.Force2D()
	}
	if err := g.Validate(); err != nil {
		if !opt.Repair {
			return geom.Geometry{}, fmt.Errorf("invalid geometry: %w", err)
		}
		fixed, rerr := Repair(g)
		if rerr != nil {
			return geom.Geometry{}, fmt.Errorf("invalid geometry (%v) that could not be repaired: %w", err, rerr)
		}
		g = fixed
	}
	return g, nil
}

// jsonError adds a line and column to a JSON syntax or type error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// Where returns the features whose property key equals value. A string
// property is compared as is; a number as Go's shortest decimal form (so 14
// matches "14"), a boolean as "true"/"false". Features without the property
// never match.
func (fc *FeatureCollection) Where(key, value string) *FeatureCollection {
	out := &FeatureCollection{}
	for _, f := range fc.Features {
		v, ok := f.Props[key]
		if !ok {
			continue
		}
		if s, ok := propString(v); ok && s == value {
			out.Features = append(out.Features, f)
		}
	}
	return out
}

// propString renders a scalar property value as text.
func propString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	case json.Number:
		return v.String(), true
	}
	return "", false
}

// Prop returns a feature's property as text ("" when absent or not a scalar).
func (f Feature) Prop(key string) string {
	s, _ := propString(f.Props[key])
	return s
}

// Union dissolves all features' geometries into one.
func (fc *FeatureCollection) Union() (geom.Geometry, error) {
	gs := make([]geom.Geometry, len(fc.Features))
	for i, f := range fc.Features {
		gs[i] = f.Geom
	}
	return Union(gs...)
}
