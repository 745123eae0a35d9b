package geo_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/geo"
	"github.com/peterstace/simplefeatures/geom"
)

const twoFeatures = `{"type":"FeatureCollection","features":[
 {"type":"Feature","id":7,"properties":{"iso":"UA-14","n":14,"ok":true},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
 {"type":"Feature","id":"b","properties":null,"geometry":null}
]}`

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		n       int
		wantErr string // substring; "" for success
	}{
		{"collection", twoFeatures, 2, ""},
		{"single feature", `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[30,50]}}`, 1, ""},
		{"bare geometry", `{"type":"LineString","coordinates":[[30,50],[31,51]]}`, 1, ""},
		{"3-D coordinates", `{"type":"Point","coordinates":[30,50,0]}`, 1, ""},
		{"not json", `{"type":`, 0, "x.geojson: line 1"},
		{"no type", `{"features":[]}`, 0, `no "type" member`},
		{"unknown type", `{"type":"Topology"}`, 0, `unknown GeoJSON type "Topology"`},
		{"bad feature type", `{"type":"FeatureCollection","features":[{"type":"Point"}]}`, 0, "x.geojson: feature 0: type is \"Point\""},
		{"missing geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{}}]}`, 0, "feature 0: no \"geometry\""},
		{"invalid geometry names the feature", `{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","geometry":null},` +
			`{"type":"Feature","id":"bow","geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]}`,
			0, `x.geojson: feature 1 (id "bow"): invalid geometry`},
		{"bad id", `{"type":"Feature","id":[1],"geometry":null}`, 0, "id must be a string or a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc, err := geo.Read(strings.NewReader(tc.in), "x.geojson")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v; want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(fc.Features) != tc.n {
				t.Errorf("got %d features; want %d", len(fc.Features), tc.n)
			}
		})
	}
}

func TestReadFeatureFields(t *testing.T) {
	fc, err := geo.Read(strings.NewReader(twoFeatures), "x")
	if err != nil {
		t.Fatal(err)
	}
	f := fc.Features[0]
	if f.ID != "7" || f.Prop("iso") != "UA-14" || !f.Geom.IsPolygon() {
		t.Errorf("feature 0 = {ID %q, iso %q, %s}; want {7, UA-14, Polygon}", f.ID, f.Prop("iso"), f.Geom.Type())
	}
	if g := fc.Features[1]; g.ID != "b" || !g.Geom.IsEmpty() || g.Props != nil {
		t.Errorf("feature 1 = %+v; want id b, empty geometry, no properties", g)
	}
	for _, tc := range []struct{ key, value string }{{"iso", "UA-14"}, {"n", "14"}, {"ok", "true"}} {
		if got := len(fc.Where(tc.key, tc.value).Features); got != 1 {
			t.Errorf("Where(%s, %s) matched %d; want 1", tc.key, tc.value, got)
		}
	}
	if got := len(fc.Where("iso", "UA-63").Features); got != 0 {
		t.Errorf("Where(iso, UA-63) matched %d; want 0", got)
	}
}

func TestReadFileGzipAndRepair(t *testing.T) {
	bow := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}`
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(bow))
	zw.Close()
	path := filepath.Join(t.TempDir(), "bow.json") // no .gz suffix: sniffed
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := geo.ReadFile(path); err == nil || !strings.Contains(err.Error(), path+": feature 0: invalid geometry") {
		t.Fatalf("strict read: got %v; want an invalid-geometry error naming %s and feature 0", err, path)
	}
	fc, err := geo.ReadFileWith(path, geo.ReadOptions{Repair: true})
	if err != nil {
		t.Fatal(err)
	}
	g := fc.Features[0].Geom
	if err := g.Validate(); err != nil {
		t.Fatalf("repaired geometry invalid: %v", err)
	}
	// Two triangles of 1 square degree each.
	if got := len(g.Dump()); got != 2 {
		t.Errorf("repaired bow-tie has %d parts; want 2 (%s)", got, g.AsText())
	}
	if _, err := geo.ReadFile(filepath.Join(t.TempDir(), "missing.geojson")); err == nil {
		t.Error("missing file: got no error")
	}
}

func TestRepair(t *testing.T) {
	for _, tc := range []struct {
		name  string
		wkt   string
		parts int
		area  float64 // planar square degrees
	}{
		{"bow-tie", "POLYGON((0 0,2 2,2 0,0 2,0 0))", 2, 2},
		{"hole poking out", "POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,5 1,5 2,1 2,1 1))", 2, 16 - 3 + 1},
		{"hole outside shell", "POLYGON((0 0,1 0,1 1,0 1,0 0),(3 3,4 3,4 4,3 4,3 3))", 2, 2},
		{"overlapping multipolygon", "MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 0,3 0,3 2,1 2,1 0)))", 1, 6},
		{"repeated vertices and spike", "POLYGON((0 0,2 0,2 0,2 2,3 3,2 2,0 2,0 0))", 1, 4},
		{"figure eight", "POLYGON((0 0,1 1,2 0,3 1,2 2,1 1,0 2,0 0))", 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, err := geom.UnmarshalWKT(tc.wkt, geom.NoValidate{})
			if err != nil {
				t.Fatal(err)
			}
			fixed, err := geo.Repair(g)
			if err != nil {
				t.Fatal(err)
			}
			if err := fixed.Validate(); err != nil {
				t.Fatalf("result invalid: %v", err)
			}
			if got := len(fixed.Dump()); got != tc.parts {
				t.Errorf("parts = %d; want %d (%s)", got, tc.parts, fixed.AsText())
			}
			if got := fixed.Area(); got != tc.area {
				t.Errorf("area = %g; want %g (%s)", got, tc.area, fixed.AsText())
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(twoFeatures))
	f.Add([]byte(`{"type":"Point","coordinates":[30,50]}`))
	f.Add([]byte(`{"type":"Feature","id":1,"properties":{"a":[1,{"b":null}]},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0,1],[1,0,1],[1,1,1],[0,0,1]]]]}}`))
	f.Add([]byte(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opt := range []geo.ReadOptions{{}, {Repair: true, Force2D: true}} {
			fc, err := geo.ReadWith(bytes.NewReader(data), "fuzz.geojson", opt)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "fuzz.geojson") {
					t.Fatalf("error does not name the input: %v", err)
				}
				continue
			}
			for i, f := range fc.Features {
				if err := f.Geom.Validate(); err != nil {
					t.Fatalf("feature %d: accepted an invalid geometry: %v", i, err)
				}
				_ = geo.AreaKm2(f.Geom)
				_ = fc.Where("a", "1")
			}
		}
	})
}
