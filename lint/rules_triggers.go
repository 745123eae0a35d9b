package lint

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
)

// FrequentKinds are the incident kinds that happen in small numbers all the
// time along a line of contact (ACLED codes thousands of shelling, drone and
// clash events a month in Ukraine): a trigger that one of them fires will
// fire every day.
var FrequentKinds = []backstop.Kind{
	backstop.Artillery, backstop.DroneStrike, backstop.GroundAssault,
	backstop.Battles, backstop.ExplosionsRemoteViolence, backstop.CyberOperation,
}

// kindsOf returns the kinds a trigger counts: its own list, or (for an
// empty list, which counts every kind) the hostile kinds of the taxonomy.
func kindsOf(t *agreement.Trigger) []backstop.Kind {
	if len(t.Kinds) > 0 {
		return t.Kinds
	}
	var out []backstop.Kind
	for _, k := range backstop.Kinds {
		if k.Hostile() {
			out = append(out, k)
		}
	}
	return out
}

func kindList(ks []backstop.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func escalates(t *agreement.Trigger) bool {
	return t.Effect == agreement.Consult || t.Effect == agreement.Invoke
}

func (c *checker) unverifiedKinds(t *agreement.Trigger) []backstop.Kind {
	var out []backstop.Kind
	for _, k := range kindsOf(t) {
		if c.doc.RuleFor(string(k)) == nil {
			out = append(out, k)
		}
	}
	return out
}

func ruleTriggerWithoutThreshold(c *checker) {
	for _, t := range c.doc.Triggers {
		if !escalates(t) || (t.Threshold != nil && (t.Threshold.Count > 1 || t.Threshold.Sum != "")) {
			continue
		}
		if w := t.WhenExpr(); w != nil && w.UsesIncident {
			// A condition on the incident itself (launched >= 10, area
			// seized >= 50 km²) is a threshold on magnitude.
			continue
		}
		var frequent []backstop.Kind
		for _, k := range kindsOf(t) {
			if slices.Contains(FrequentKinds, k) {
				frequent = append(frequent, k)
			}
		}
		unverified := c.unverifiedKinds(t)
		switch {
		case len(frequent) > 0:
			c.warn(t.Pos, "add `threshold: {count: N, window: D}` (or a `when:` on the incident's size) so that only a real attack, not daily background fire, opens the stage",
				"trigger %q opens %s on a single incident of %s, which happen in small numbers every day", t.ID, t.Effect, kindList(frequent))
		case len(unverified) > 0:
			c.warn(t.Pos, "add a threshold, or a verification rule for these kinds so that a single report must be confirmed",
				"trigger %q opens %s on a single incident of %s, which no verification rule covers", t.ID, t.Effect, kindList(unverified))
		}
	}
}

func ruleTriggerWithoutVerification(c *checker) {
	for _, t := range c.doc.Triggers {
		if ks := c.unverifiedKinds(t); len(ks) > 0 {
			c.warn(c.fieldPos(t.Pos, "kinds"), "add a `verification:` rule naming these kinds (or \"*\") with min_reliability, min_sources and, for grave steps, opposing_sides",
				"trigger %q counts %s, which no verification rule covers: every report of them counts as verified", t.ID, kindList(ks))
		}
	}
}

func ruleInvocationWeakVerification(c *checker) {
	for _, t := range c.doc.Triggers {
		if t.Effect != agreement.Invoke {
			continue
		}
		var weak []string
		for _, k := range kindsOf(t) {
			r := c.doc.RuleFor(string(k))
			if r == nil || r.MinSources >= 2 || r.OpposingSides {
				continue
			}
			weak = appendNew(weak, fmt.Sprintf("%s (rule %q: %d source)", k, r.ID, max(r.MinSources, 1)))
		}
		if len(weak) > 0 {
			c.warn(t.Pos, "require min_sources: 2 or more, or opposing_sides: true, in the verification rules of the kinds that can invoke the guarantee",
				"invocation trigger %q can fire on incidents established by a single source: %s", t.ID, strings.Join(weak, ", "))
		}
	}
}

func ruleUncoveredKind(c *checker) {
	covered := map[backstop.Kind]bool{}
	for _, t := range c.doc.Triggers {
		for _, k := range kindsOf(t) {
			covered[k] = true
		}
	}
	for _, p := range c.doc.Provisions {
		if p.Kind == agreement.Prohibition {
			for _, k := range p.Kinds {
				covered[k] = true
			}
		}
	}
	var missing []backstop.Kind
	for _, k := range backstop.Kinds {
		if k.Hostile() && !covered[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return
	}
	pos := c.topPos("triggers")
	c.warn(pos, "add these kinds to a trigger (with a threshold that fits them) or to a prohibition, or say in a provision why they are excluded",
		"%s covered by no trigger or prohibition: %s",
		plural(int64(len(missing)), "hostile incident kind is", "hostile incident kinds are"), kindList(missing))
}

// ---- salami ----

// covers reports whether trigger u counts every incident that t counts as
// far as the filters can tell: the same or more kinds, actors and zones,
// and the same (or no) extra condition.
func (c *checker) covers(u, t *agreement.Trigger) bool {
	if u == t {
		return false
	}
	if len(u.Kinds) > 0 {
		if len(t.Kinds) == 0 {
			return false
		}
		for _, k := range t.Kinds {
			if !slices.Contains(u.Kinds, k) {
				return false
			}
		}
	}
	if len(u.Actors) > 0 {
		if len(t.Actors) == 0 {
			return false
		}
		for _, a := range t.Actors {
			if !slices.Contains(u.Actors, a) {
				return false
			}
		}
	}
	if len(u.Zones) > 0 {
		if len(t.Zones) == 0 {
			return false
		}
		for _, z := range t.Zones {
			if !slices.Contains(u.Zones, z) && !slices.Contains(u.Zones, c.splitParent(z)) {
				return false
			}
		}
	}
	if uw := u.WhenExpr(); uw != nil && uw.UsesIncident {
		tw := t.WhenExpr()
		if tw == nil || strings.TrimSpace(tw.Source) != strings.TrimSpace(uw.Source) {
			return false
		}
	}
	return true
}

func perZone(th *agreement.Threshold) string {
	for _, p := range th.Per {
		if z, ok := strings.CutPrefix(p, "zone:"); ok {
			return z
		}
	}
	return ""
}

func perActor(th *agreement.Threshold) bool { return slices.Contains(th.Per, "actor") }

// below returns the largest amount per window that never reaches the bar:
// count-1 incidents, or for a sum just under at_least.
func below(th *agreement.Threshold) float64 {
	if th.Sum != "" {
		return math.Nextafter(th.AtLeast, 0)
	}
	return float64(th.Count - 1)
}

// catches reports whether trigger u fires on activity of rate amounts per
// window w spread evenly, whatever its phase, in each of the groups; split
// is the group splitting (by zone, by actor) the evader uses.
func catches(u *agreement.Trigger, sum string, rate float64, w time.Duration, splitZone string, splitActor bool) bool {
	uth := u.Threshold
	if uth == nil || (uth.Count <= 1 && uth.Sum == "") {
		return true // one incident suffices
	}
	if splitZone != "" && perZone(uth) == splitZone {
		return false
	}
	if splitActor && perActor(uth) {
		return false
	}
	if uth.Sum != sum {
		return false
	}
	uw := time.Duration(uth.Window)
	if uw <= w {
		return false
	}
	// Any window of length uw contains at least floor(uw/w) whole windows
	// of length w, each holding rate.
	seen := rate * math.Floor(float64(uw)/float64(w))
	if sum != "" {
		return seen >= uth.AtLeast
	}
	return seen >= float64(uth.Count)
}

// SalamiHorizon is the window from which a threshold counts as cumulative:
// a rate that stays under a bar over 30 days or more is no longer salami
// slicing but a level of activity the drafters chose to tolerate.
const SalamiHorizon = 30 * 24 * time.Hour

func ruleSalami(c *checker) {
	for _, t := range c.doc.Triggers {
		th := t.Threshold
		if th == nil || th.Window <= 0 || (th.Count <= 1 && th.Sum == "") {
			continue
		}
		w := time.Duration(th.Window)
		rate := below(th)
		zone := perZone(th)
		nkids := len(c.doc.ZoneChildren(zone))
		byActor := perActor(th)
		var others []*agreement.Trigger
		for _, u := range c.doc.Triggers {
			if c.covers(u, t) {
				others = append(others, u)
			}
		}
		caughtBy := func(splitZone string, splitActor bool) bool {
			r := rate
			if splitZone != "" {
				r *= float64(nkids) // the same rate in every part
			}
			for _, u := range others {
				if catches(u, th.Sum, r, w, splitZone, splitActor) {
					return true
				}
			}
			return false
		}
		unit := "incidents"
		if len(t.Kinds) == 1 {
			unit = strings.ReplaceAll(string(t.Kinds[0]), "_", " ") + " incidents"
		}
		amount := func(k float64) string {
			if th.Sum != "" {
				return fmt.Sprintf("just under %g %s", th.AtLeast*k, th.Sum)
			}
			if rate*k == 1 {
				return "1 " + strings.TrimSuffix(unit, "s")
			}
			return fmt.Sprintf("%g %s", rate*k, unit)
		}
		month := float64(30*24*time.Hour) / float64(w)
		perMonth := func(x float64) string {
			if th.Sum != "" {
				return fmt.Sprintf("just under %g %s a month", math.Round(th.AtLeast*month), th.Sum)
			}
			return fmt.Sprintf("%g a month", math.Floor(x*month))
		}
		if rate > 0 && w < SalamiHorizon && !caughtBy("", false) {
			c.warn(c.fieldPos(t.Pos, "threshold"),
				fmt.Sprintf("add a trigger over the same kinds with a longer window (e.g. `threshold: {count: %d, window: %s}`) so that a steady rate below this bar still fires", max(int(math.Floor(rate*month/2)), 2), agreement.Duration(30*24*time.Hour)),
				"%s every %s, i.e. %s, never fire trigger %q, and no longer-window trigger over the same kinds catches them",
				amount(1), agreement.Duration(w), perMonth(rate), t.ID)
		}
		if zone != "" && nkids > 1 && !caughtBy(zone, false) {
			c.warn(c.fieldPos(t.Pos, "threshold"),
				fmt.Sprintf("add a trigger over the same kinds that counts across all of %s (no `per: zone:%s`)", zone, zone),
				"%s every %s in each of the %d parts of %s, i.e. %s across them, never fire trigger %q, which counts each part separately",
				amount(1), agreement.Duration(w), nkids, zone, amount(float64(nkids)), t.ID)
		}
		if byActor && !caughtBy("", true) {
			c.warn(c.fieldPos(t.Pos, "threshold"),
				"add a trigger over the same kinds that counts all actors together (no `per: actor`), so that proxies cannot share out the attacks",
				"%s every %s by each of several actors (proxies, irregulars) never fire trigger %q, which counts each actor separately",
				amount(1), agreement.Duration(w), t.ID)
		}
	}
}
