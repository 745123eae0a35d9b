// Package geo is Backstop's geometry: reading GeoJSON zones, combining them
// (union, intersection, difference), growing them by a distance on the
// ground, cutting an area along a river, measuring areas and locating points
// in zones.
//
// Coordinates are WGS84 longitude/latitude in GeoJSON order. Overlay
// operations are planar in those coordinates (github.com/peterstace/
// simplefeatures), which is what a GeoJSON file means by a straight edge;
// every metric answer — areas, buffer distances — is computed on the WGS84
// ellipsoid, never on degrees, because an agreement saying "30 km" or
// "1,000 km²" means it on the ground. docs/geo.md explains each method.
package geo
