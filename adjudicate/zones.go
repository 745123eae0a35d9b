package adjudicate

import (
	"slices"

	"github.com/backstop-dev/backstop/agreement"
)

// buildZones builds the deal's zone geometry with the document (cached by
// the document per deal).
func buildZones(doc *agreement.Doc, deal *agreement.Deal) (Locator, error) {
	zs, err := doc.Zones(deal)
	if err != nil {
		return nil, err
	}
	return zs, nil
}

// zoneClosure maps each zone to itself and every zone that contains it by
// construction: the split zone a child belongs to and the unions naming it,
// transitively. An incident that names a zone lies in all of them; this is
// what ZoneSet.Expand does, computed once from the declarations so that it
// needs no geometry.
func zoneClosure(doc *agreement.Doc) map[string][]string {
	parents := map[string][]string{}
	for _, z := range doc.ZoneSpecs {
		if z == nil {
			continue
		}
		for _, kid := range doc.ZoneChildren(z.ID) {
			parents[kid] = append(parents[kid], z.ID)
		}
		for _, m := range z.Union {
			parents[m] = append(parents[m], z.ID)
		}
	}
	out := map[string][]string{}
	var walk func(id string, acc []string, depth int) []string
	walk = func(id string, acc []string, depth int) []string {
		if slices.Contains(acc, id) || depth > 64 {
			return acc
		}
		acc = append(acc, id)
		for _, p := range parents[id] {
			acc = walk(p, acc, depth+1)
		}
		return acc
	}
	add := func(id string) {
		if _, ok := out[id]; !ok {
			out[id] = walk(id, nil, 0)
		}
	}
	for _, z := range doc.ZoneSpecs {
		if z == nil {
			continue
		}
		add(z.ID)
		for _, kid := range doc.ZoneChildren(z.ID) {
			add(kid)
		}
	}
	return out
}
