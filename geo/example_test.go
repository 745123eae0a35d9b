package geo_test

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/geo"
	"github.com/peterstace/simplefeatures/geom"
)

func ExampleAreaKm2() {
	cell, _ := geom.UnmarshalWKT("POLYGON((30 49,31 49,31 50,30 50,30 49))")
	fmt.Printf("%.1f km²\n", geo.AreaKm2(cell))
	// Output: 8056.2 km²
}

func ExampleBufferKm() {
	kyiv, _ := geom.UnmarshalWKT("POINT(30.52 50.45)")
	ring, _ := geo.BufferKm(kyiv, 30)
	fmt.Printf("%.0f km² (πr² = %.0f)\n", geo.AreaKm2(ring), 3.14159265*30*30)
	// Output: 2824 km² (πr² = 2827)
}

func ExampleIndex_Locate() {
	fc, _ := geo.Read(strings.NewReader(`{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}},
	 {"type":"Feature","id":"b","geometry":{"type":"Polygon","coordinates":[[[2,0],[4,0],[4,2],[2,2],[2,0]]]}}]}`), "zones")
	var zones []geo.Zone
	for _, f := range fc.Features {
		zones = append(zones, geo.Zone{ID: f.ID, Geom: f.Geom})
	}
	ix := geo.NewIndex(zones)
	fmt.Println(ix.Locate(1, 1), ix.Locate(2, 1), ix.Locate(5, 1))
	// Output: [a] [a b] []
}

func ExampleSideOf() {
	square, _ := geom.UnmarshalWKT("POLYGON((0 0,10 0,10 10,0 10,0 0))")
	river, _ := geom.UnmarshalWKT("LINESTRING(4 2,4 8)") // extended to cut the square fully
	west, _ := geo.SideOf(square, river, geo.West)
	env := west.Envelope()
	lo, _ := env.Min().XY()
	hi, _ := env.Max().XY()
	fmt.Printf("west part spans x %g..%g, y %g..%g\n", lo.X, hi.X, lo.Y, hi.Y)
	// Output: west part spans x 0..4, y 0..10
}
