package lint

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
	"github.com/backstop-dev/backstop/geo"
)

// Area tolerances. Zones drawn from different sources (a national border
// and the union of its oblasts) differ by slivers along shared boundaries;
// an uncovered area or an overlap smaller than this is noise, not a gap.
const (
	minAreaKm2      = 1.0
	relAreaTolerant = 1e-4 // of the territory's area
)

// docZones adapts doc.Zones to the ZoneSet interface without the typed-nil
// trap.
func docZones(doc *agreement.Doc) func(*agreement.Deal) (ZoneSet, error) {
	return func(deal *agreement.Deal) (ZoneSet, error) {
		zs, err := doc.Zones(deal)
		if err != nil {
			return nil, err
		}
		return zs, nil
	}
}

// bufferTerms lists the terms zone geometry depends on (buffer widths).
func (c *checker) bufferTerms() []string {
	var out []string
	for _, z := range c.doc.ZoneSpecs {
		if z.Buffer != nil {
			if _, err := strconv.ParseFloat(z.Buffer.Km, 64); err != nil && c.doc.Term(z.Buffer.Km) != nil {
				out = appendNew(out, z.Buffer.Km)
			}
		}
	}
	return out
}

// zoneSetFor builds (once per distinct buffer widths) the zones under an
// assignment of every term. ok is false when they cannot be built or the
// build budget is spent.
func (c *checker) zoneSetFor(terms map[string]any) (ZoneSet, bool) {
	var key strings.Builder
	for _, id := range c.bufferTerms() {
		fmt.Fprintf(&key, "%s=%v;", id, terms[id])
	}
	if r, ok := c.zcache[key.String()]; ok {
		return r.zs, r.err == nil
	}
	budget := c.opts.MaxZoneBuilds
	if budget <= 0 {
		budget = DefaultMaxZoneBuilds
	}
	if len(c.zcache) >= budget {
		return nil, false
	}
	// The deal's date (which snapshot zones may read) comes from
	// Options.Deal when given; the terms are the assignment's.
	deal, err := c.doc.WithTerms(c.opts.Deal, terms)
	if err != nil {
		c.zcache[key.String()] = zoneResult{err: err}
		return nil, false
	}
	var zs ZoneSet
	zs, err = c.zones(deal)
	if err == nil && zs == nil {
		err = fmt.Errorf("no zones")
	}
	c.zcache[key.String()] = zoneResult{zs: zs, err: err}
	return zs, err == nil
}

// unionOf returns the union of the zones' geometries.
func unionOf(zs ZoneSet, ids []string) (geom.Geometry, bool) {
	var gs []geom.Geometry
	for _, id := range ids {
		g, ok := zs.Geometry(id)
		if !ok {
			return geom.Geometry{}, false
		}
		gs = append(gs, g)
	}
	u, err := geo.Union(gs...)
	return u, err == nil
}

func (c *checker) beneficiaries() []*agreement.Party {
	var out []*agreement.Party
	for _, p := range c.doc.Parties {
		if p.Has(agreement.Beneficiary) && p.Territory != "" {
			out = append(out, p)
		}
	}
	return out
}

type gap struct {
	area, total float64
	terms       map[string]any
	touches     []string
}

func ruleUncoveredTerritory(c *checker) {
	bens := c.beneficiaries()
	if len(bens) == 0 {
		return
	}
	type clause struct {
		zones   []string
		inForce *agreement.Expr
	}
	var clauses []clause
	var read []string
	// Only clauses about hostile acts protect territory: a prohibition on
	// the guarantors' own deployments covers nothing.
	hostile := func(ks []backstop.Kind) bool {
		return slices.ContainsFunc(ks, backstop.Kind.Hostile)
	}
	for _, p := range c.doc.Provisions {
		if p.Kind == agreement.Prohibition && hostile(p.Kinds) {
			clauses = append(clauses, clause{p.Zones, p.InForceExpr()})
			read = append(read, exprTerms(p.InForceExpr())...)
		}
	}
	for _, t := range c.doc.Triggers {
		if !hostile(kindsOf(t)) {
			continue
		}
		clauses = append(clauses, clause{t.Zones, t.InForceExpr()})
		read = append(read, exprTerms(t.InForceExpr())...)
	}
	s := c.project(read, c.bufferTerms())
	if c.opts.Deal != nil {
		s = space{rest: 1, size: 1}
	}
	for _, ben := range bens {
		var worst *gap
		var gaps, deals int64
		done := map[string]*gap{} // by zone key and covering set
		c.each(s, func(terms map[string]any) bool {
			if c.opts.Deal != nil {
				terms = c.opts.Deal.Terms
			}
			deals++
			var cover []string
			for _, cl := range clauses {
				if !inForce(cl.inForce, terms) {
					continue
				}
				if len(cl.zones) == 0 {
					return true // a clause in force everywhere covers it all
				}
				for _, z := range cl.zones {
					cover = appendNew(cover, z)
				}
			}
			sort.Strings(cover)
			var key strings.Builder
			for _, id := range c.bufferTerms() {
				fmt.Fprintf(&key, "%s=%v;", id, terms[id])
			}
			key.WriteString(strings.Join(cover, ","))
			g, seen := done[key.String()]
			if !seen {
				g = c.gapUnder(ben, cover, terms)
				done[key.String()] = g
			}
			if g != nil {
				gaps++
				if worst == nil || g.area > worst.area {
					worst = g
				}
			}
			return true
		})
		if worst == nil {
			continue
		}
		msg := fmt.Sprintf("%s km² of %s's territory (%s, %.1f%%) lies in no zone that a prohibition or trigger uses",
			thousands(worst.area), ben.ID, ben.Territory, 100*worst.area/worst.total)
		if c.opts.Deal == nil && len(s.terms) > 0 {
			msg += fmt.Sprintf(" under %s (%d of %d deals leave territory uncovered)", describe(s, worst.terms), gaps*s.rest, deals*s.rest)
		}
		if len(worst.touches) > 0 {
			msg += "; it touches " + strings.Join(worst.touches, ", ")
		}
		c.warn(c.fieldPos(ben.Pos, "territory"),
			fmt.Sprintf("add the missing area to the zones of a prohibition or trigger (or use %s itself), or state in a provision that it is excluded", ben.Territory),
			"%s", msg)
	}
}

// gapUnder computes the part of the beneficiary's territory outside the
// covering zones under one deal; nil when there is none, or when the zones
// cannot be built (the rule then stays silent rather than guess).
func (c *checker) gapUnder(ben *agreement.Party, cover []string, terms map[string]any) *gap {
	if slices.Contains(cover, ben.Territory) {
		return nil // covered by construction: no overlay needed
	}
	zs, ok := c.zoneSetFor(terms)
	if !ok {
		return nil
	}
	terr, ok := zs.Geometry(ben.Territory)
	if !ok || terr.IsEmpty() {
		return nil
	}
	total := geo.AreaKm2(terr)
	rest := terr
	if len(cover) > 0 {
		u, ok := unionOf(zs, cover)
		if !ok {
			return nil
		}
		d, err := geo.Difference(terr, u)
		if err != nil {
			return nil
		}
		rest = d
	}
	area := geo.AreaKm2(rest)
	if area < max(minAreaKm2, relAreaTolerant*total) {
		return nil
	}
	g := &gap{area: area, total: total, terms: copyTerms(terms)}
	type touch struct {
		id   string
		area float64
	}
	var ts []touch
	for _, z := range c.doc.ZoneSpecs {
		for _, kid := range c.doc.ZoneChildren(z.ID) {
			kg, ok := zs.Geometry(kid)
			if !ok {
				continue
			}
			in, err := geo.Intersection(rest, kg)
			if err != nil {
				continue
			}
			if a := geo.AreaKm2(in); a >= minAreaKm2 {
				ts = append(ts, touch{kid, a})
			}
		}
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].area > ts[j].area })
	for i, t := range ts {
		if i == 6 {
			g.touches = append(g.touches, fmt.Sprintf("and %d more", len(ts)-6))
			break
		}
		g.touches = append(g.touches, fmt.Sprintf("%s (%s km²)", t.id, thousands(t.area)))
	}
	return g
}

func copyTerms(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// thousands renders a rounded area with thousands separators: 12,345.
func thousands(x float64) string {
	n := int64(math.Round(x))
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// prohibitedActions returns the acts a prohibition forbids: its action, or
// the acts its incident kinds evidence.
func prohibitedActions(p *agreement.Provision) []string {
	if p.Action != "" {
		return []string{p.Action}
	}
	var out []string
	for _, k := range p.Kinds {
		if a, ok := agreement.ActionOfKind[k]; ok {
			out = appendNew(out, a)
		}
	}
	return out
}

func ruleContradiction(c *checker) {
	for _, o := range c.obligations() {
		if o.action == "" {
			continue
		}
		owers := c.doc.ExpandParties(o.parties)
		for _, p := range c.doc.Provisions {
			if p.Kind != agreement.Prohibition || !slices.Contains(prohibitedActions(p), o.action) {
				continue
			}
			var both []string
			for _, id := range c.bound(p.Parties) {
				if slices.Contains(owers, id) {
					both = append(both, id)
				}
			}
			if len(both) == 0 {
				continue
			}
			c.contradiction(o, p, both)
		}
	}
}

// zonesMayOverlap decides overlap without geometry where it can: no zones
// on either side means everywhere; a shared zone (or a split child of a
// shared zone) overlaps. decided is false when geometry must tell.
func (c *checker) zonesMayOverlap(a, b []string) (overlap, decided bool) {
	if len(a) == 0 || len(b) == 0 {
		return true, true
	}
	norm := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, id)
			if p := c.splitParent(id); p != "" {
				out = append(out, "child-of:"+p+":"+id)
			}
		}
		return out
	}
	na, nb := norm(a), norm(b)
	for _, x := range na {
		if slices.Contains(nb, x) {
			return true, true
		}
	}
	return false, false
}

func (c *checker) contradiction(o obligation, p *agreement.Provision, parties []string) {
	overlap, decided := c.zonesMayOverlap(o.zones, p.Zones)
	read := [][]string{exprTerms(o.inForce, p.InForceExpr())}
	if !decided {
		read = append(read, c.bufferTerms())
	}
	s := c.project(read...)
	var hits int64
	var first map[string]any
	var where string
	geomCache := map[string]bool{}
	c.each(s, func(terms map[string]any) bool {
		if !inForce(o.inForce, terms) || !inForce(p.InForceExpr(), terms) {
			return true
		}
		ov := overlap
		if !decided {
			var key strings.Builder
			for _, id := range c.bufferTerms() {
				fmt.Fprintf(&key, "%s=%v;", id, terms[id])
			}
			v, seen := geomCache[key.String()]
			if !seen {
				v = c.geomOverlap(terms, o.zones, p.Zones)
				geomCache[key.String()] = v
			}
			ov = v
		}
		if !ov {
			return true
		}
		hits++
		if first == nil {
			first = copyTerms(terms)
		}
		return true
	})
	if hits == 0 {
		return
	}
	if len(o.zones) > 0 && len(p.Zones) > 0 {
		where = fmt.Sprintf(" in overlapping zones (%s / %s)", strings.Join(o.zones, ", "), strings.Join(p.Zones, ", "))
	}
	total := s.size * s.rest
	msg := fmt.Sprintf("%s %q%s requires %s to %s, which prohibition %q (line %d) forbids%s, under %d of %d deals, e.g. %s",
		o.what, o.id, o.of, strings.Join(parties, ", "), o.action, p.ID, p.Pos.Line, where, hits*s.rest, total, describe(s, first))
	pos := c.fieldPos(o.pos, "action")
	c.report(pos, agreement.SevError, msg,
		fmt.Sprintf("make the two exclusive (in_force conditions that cannot both hold, disjoint zones, or an exception in %q's when), or drop one", p.ID))
}

// geomOverlap reports whether the two zone lists overlap with positive area
// under the deal; false when the zones cannot be built.
func (c *checker) geomOverlap(terms map[string]any, a, b []string) bool {
	zs, ok := c.zoneSetFor(terms)
	if !ok {
		return false
	}
	ua, ok1 := unionOf(zs, a)
	ub, ok2 := unionOf(zs, b)
	if !ok1 || !ok2 {
		return false
	}
	in, err := geo.Intersection(ua, ub)
	if err != nil {
		return false
	}
	return geo.AreaKm2(in) >= minAreaKm2
}
