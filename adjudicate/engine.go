package adjudicate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
)

// Locator finds the zones containing a point. *agreement.ZoneSet is one;
// the monitor may pass a cached or remote one with WithZones.
type Locator interface {
	// Locate returns the id of every zone containing the point, split
	// children and the unions containing it included.
	Locate(lon, lat float64) []string
}

// Option configures an Engine.
type Option func(*Engine) error

// WithZones makes the engine locate incident points with z instead of
// building the deal's zones with the document.
func WithZones(z Locator) Option {
	return func(e *Engine) error { e.zones = z; e.zonesSet = true; return nil }
}

// WithoutGeometry makes the engine skip building zone geometry: incidents
// are placed only by the zones they name. Useful where geometry is not
// needed (synthetic streams, fuzzing) or not yet available.
func WithoutGeometry() Option {
	return func(e *Engine) error { e.zones = nil; e.zonesSet = true; return nil }
}

// Engine adjudicates a stream of incidents under one deal. It is not safe
// for concurrent use; the monitor serialises calls.
type Engine struct {
	doc      *agreement.Doc
	deal     *agreement.Deal
	terms    map[string]any
	zones    Locator
	zonesSet bool

	closure map[string][]string // zone id -> itself and every zone containing it by construction
	byKind  map[backstop.Kind]*kindRules
	trigs   []*trigger // every trigger in force, document order (for State)

	stages map[string]*OpenStage
	order  []string // stage ids in opening order
	owed   []*Obligation
	owedIx map[[2]string]*Obligation
	// pending are owed obligations with a due time and no overdue decision
	// yet, for Advance.
	pending []*Obligation

	now     time.Time
	started bool
}

// kindRules are the rules an incident of one kind can meet, with its
// verification rule; built once in New.
type kindRules struct {
	verify *verifier
	prohib []*prohibition
	trigs  []*trigger
	// needZones says whether any rule looks at zones; needAct whether any
	// has a when condition (and so needs a CEL activation).
	needZones, needAct bool
}

type prohibition struct {
	p       *agreement.Provision
	parties map[string]bool
	when    *agreement.Expr
}

type trigger struct {
	t      *agreement.Trigger
	actors map[string]bool // nil: any actor
	when   *agreement.Expr
	// count and sum are the bars; count <= 1 with no sum fires on every
	// matching incident.
	count   int
	sum     string
	atLeast float64
	window  time.Duration
	perAct  bool
	perZone string          // split zone id, or ""
	kids    map[string]bool // children of perZone
	groups  map[string]*window
	gorder  []string // group keys in order of first use
}

func (t *trigger) windowed() bool { return t.count > 1 || t.sum != "" }

// New builds an engine for the document under the deal. What is in force is
// decided here, once, from the deal's terms; the provisions and triggers in
// force are indexed by incident kind. Zones are built with the document
// (doc.Zones) unless an option says otherwise.
func New(doc *agreement.Doc, deal *agreement.Deal, opts ...Option) (*Engine, error) {
	if doc == nil {
		return nil, backstop.Errorf(backstop.EINVALID, "no agreement document")
	}
	if deal == nil {
		deal = &agreement.Deal{}
	}
	terms := deal.Terms
	if terms == nil {
		terms = map[string]any{}
	}
	for _, t := range doc.Terms {
		if _, ok := terms[t.ID]; !ok {
			return nil, backstop.Errorf(backstop.EINVALID, "deal %s does not fix term %q", deal.ID, t.ID)
		}
	}
	e := &Engine{
		doc: doc, deal: deal, terms: terms,
		byKind: map[backstop.Kind]*kindRules{},
		stages: map[string]*OpenStage{},
		owedIx: map[[2]string]*Obligation{},
	}
	for _, o := range opts {
		if err := o(e); err != nil {
			return nil, err
		}
	}
	if !e.zonesSet && len(doc.ZoneSpecs) > 0 {
		z, err := buildZones(doc, deal)
		if err != nil {
			return nil, fmt.Errorf("building zones for deal %s: %w", deal.ID, err)
		}
		e.zones = z
	}
	e.closure = zoneClosure(doc)
	vars := map[string]any{"terms": terms}
	inForce := func(x *agreement.Expr, what, id string) (bool, error) {
		ok, err := x.Eval(vars)
		if err != nil {
			return false, backstop.Errorf(backstop.EINVALID, "%s %s: in_force: %v", what, id, err)
		}
		return ok, nil
	}
	rules := func(k backstop.Kind) *kindRules {
		kr := e.byKind[k]
		if kr == nil {
			kr = &kindRules{verify: newVerifier(doc.RuleFor(string(k)))}
			e.byKind[k] = kr
		}
		return kr
	}
	for _, p := range doc.Provisions {
		if p == nil || p.Kind != agreement.Prohibition {
			continue
		}
		ok, err := inForce(p.InForceExpr(), "provision", p.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		pr := &prohibition{p: p, parties: e.partySet(p.Parties), when: p.WhenExpr()}
		for _, k := range prohibitedKinds(p) {
			kr := rules(k)
			kr.prohib = append(kr.prohib, pr)
			kr.needZones = kr.needZones || len(p.Zones) > 0 || (pr.when != nil && pr.when.UsesIncident)
			kr.needAct = kr.needAct || (pr.when != nil && pr.when.UsesIncident)
		}
	}
	for _, t := range doc.Triggers {
		if t == nil {
			continue
		}
		ok, err := inForce(t.InForceExpr(), "trigger", t.ID)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		tr := &trigger{t: t, when: t.WhenExpr(), count: 1, groups: map[string]*window{}}
		if len(t.Actors) > 0 {
			tr.actors = e.partySet(t.Actors)
		}
		if th := t.Threshold; th != nil {
			tr.count, tr.sum, tr.atLeast, tr.window = th.Count, th.Sum, th.AtLeast, time.Duration(th.Window)
			if tr.count < 1 && tr.sum == "" {
				tr.count = 1
			}
			for _, per := range th.Per {
				if per == "actor" {
					tr.perAct = true
				} else if z, ok := strings.CutPrefix(per, "zone:"); ok {
					tr.perZone = z
					tr.kids = map[string]bool{}
					for _, c := range doc.ZoneChildren(z) {
						tr.kids[c] = true
					}
				}
			}
		}
		e.trigs = append(e.trigs, tr)
		kinds := t.Kinds
		if len(kinds) == 0 {
			kinds = backstop.Kinds // a trigger naming no kind counts every kind
		}
		for _, k := range kinds {
			kr := rules(k)
			kr.trigs = append(kr.trigs, tr)
			kr.needZones = kr.needZones || len(t.Zones) > 0 || tr.perZone != "" || (tr.when != nil && tr.when.UsesIncident)
			kr.needAct = kr.needAct || (tr.when != nil && tr.when.UsesIncident)
		}
	}
	return e, nil
}

// prohibitedKinds are the incident kinds a prohibition is violated by: its
// kinds, or when it names none, the kinds evidencing its action.
func prohibitedKinds(p *agreement.Provision) []backstop.Kind {
	if len(p.Kinds) > 0 || p.Action == "" {
		return p.Kinds
	}
	var out []backstop.Kind
	for _, k := range backstop.Kinds {
		if agreement.ActionOfKind[k] == p.Action {
			out = append(out, k)
		}
	}
	return out
}

// partySet expands party ids: "guarantors" to every guarantor, and a
// coalition to its members (recursively), since a coalition's obligations
// and prohibitions bind the states in it.
func (e *Engine) partySet(ids []string) map[string]bool {
	set := map[string]bool{}
	var add func(id string, depth int)
	add = func(id string, depth int) {
		if set[id] || depth > 16 {
			return
		}
		set[id] = true
		if p := e.doc.Party(id); p != nil && p.Kind == "coalition" {
			for _, m := range p.Members {
				if e.doc.Party(m) != nil {
					add(m, depth+1)
				}
			}
		}
	}
	for _, id := range e.doc.ExpandParties(ids) {
		add(id, 0)
	}
	return set
}

// ConditionError says that a rule's `when` condition could not be
// evaluated for an incident (typically: it reads a count the incident does
// not report). The condition counted as not met; Add still returns every
// decision.
type ConditionError struct {
	Rule, Incident string
	Err            error
}

func (e *ConditionError) Error() string { return e.Err.Error() }

// Unwrap returns the evaluation error.
func (e *ConditionError) Unwrap() error { return e.Err }

// incident carries what is computed about one incident, at most once.
type incident struct {
	backstop.Incident
	zones     []string
	zonesDone bool
	act       map[string]any
	errs      []error
}

// Add adjudicates one incident and returns the decisions it causes, in
// order: overdue obligations whose due time passed before the incident,
// then unverified, or the violations of prohibitions (document order), then
// for each trigger that fires (document order) the trigger, its violation,
// and the stages and obligations it opens. Incidents must come in
// non-decreasing time order; an older one is refused with EINVALID, as is
// a kind outside the taxonomy.
// Incidents before the deal's date are ignored: the agreement did not yet
// bind. A `when` condition that cannot be evaluated for this incident (say,
// a count it does not report) counts as not met; the error is returned
// beside the decisions, which are complete.
func (e *Engine) Add(inc backstop.Incident) ([]Decision, error) {
	if inc.Time.IsZero() {
		return nil, backstop.Errorf(backstop.EINVALID, "incident %s has no time", inc.ID)
	}
	if e.started && inc.Time.Before(e.now) {
		return nil, backstop.Errorf(backstop.EINVALID, "incident %s at %s is older than the last one seen (%s); give incidents in time order",
			inc.ID, inc.Time.UTC().Format(time.RFC3339), e.now.UTC().Format(time.RFC3339))
	}
	if !inc.Kind.Valid() {
		return nil, backstop.Errorf(backstop.EINVALID, "incident %s has kind %q, which is not in the taxonomy", inc.ID, inc.Kind)
	}
	out := e.Advance(inc.Time)
	if !e.deal.Date.IsZero() && inc.Time.Before(e.deal.Date) {
		return out, nil
	}
	kr := e.byKind[inc.Kind]
	if kr == nil {
		kr = &kindRules{verify: newVerifier(e.doc.RuleFor(string(inc.Kind)))}
		e.byKind[inc.Kind] = kr
	}
	if ok, why := kr.verify.check(&inc); !ok {
		return append(out, Decision{
			Time: inc.Time, Kind: Unverified, Rule: kr.verify.id(), Parties: actorList(inc.Actor),
			Incidents: []string{inc.ID}, Text: kr.verify.text(), Explanation: why,
		}), nil
	}
	x := incident{Incident: inc}
	for _, p := range kr.prohib {
		if d, ok := e.prohibition(p, &x, kr); ok {
			out = append(out, d)
		}
	}
	for _, t := range kr.trigs {
		out = e.trigger(t, &x, kr, out)
	}
	return out, errors.Join(x.errs...)
}

func actorList(a string) []string {
	if a == "" {
		return nil
	}
	return []string{a}
}

// incZones returns the zones the incident lies in: the zones it names with
// every zone containing them by construction, and the zones containing its
// point.
func (e *Engine) incZones(x *incident) []string {
	if x.zonesDone {
		return x.zones
	}
	x.zonesDone = true
	var zs []string
	for _, z := range x.Zones {
		for _, c := range e.closureOf(z) {
			if !slices.Contains(zs, c) {
				zs = append(zs, c)
			}
		}
	}
	if x.Place.HasPoint && e.zones != nil {
		for _, z := range e.zones.Locate(x.Place.Lon, x.Place.Lat) {
			if !slices.Contains(zs, z) {
				zs = append(zs, z)
			}
		}
	}
	x.zones = zs
	return zs
}

func (e *Engine) closureOf(z string) []string {
	if c, ok := e.closure[z]; ok {
		return c
	}
	return []string{z}
}

func inAny(zs, want []string) (string, bool) {
	for _, w := range want {
		if slices.Contains(zs, w) {
			return w, true
		}
	}
	return "", false
}

// when evaluates a condition over the incident, building the activation on
// first use.
func (e *Engine) when(c *agreement.Expr, x *incident, what, id string) bool {
	if c == nil {
		return true
	}
	if x.act == nil && c.UsesIncident {
		x.act = map[string]any{"terms": e.terms, "incident": e.activation(x)}
	}
	vars := x.act
	if vars == nil {
		vars = map[string]any{"terms": e.terms}
	}
	ok, err := c.Eval(vars)
	if err != nil {
		x.errs = append(x.errs, &ConditionError{Rule: id, Incident: x.ID, Err: fmt.Errorf("%s %s: when, for incident %s: %w", what, id, x.ID, err)})
		return false
	}
	return ok
}

// activation is the incident as CEL sees it (agreement.IncidentFields).
func (e *Engine) activation(x *incident) map[string]any {
	zs := e.incZones(x)
	if zs == nil {
		zs = []string{}
	}
	counts := x.Counts
	if counts == nil {
		counts = map[string]float64{}
	}
	return map[string]any{
		"id": x.ID, "kind": string(x.Kind), "actor": x.Actor, "time": x.Time, "end": x.End,
		"zones": zs, "counts": counts, "area_km2": x.AreaKm2,
		"grade": x.Grade.String(), "reliability": x.Grade.Reliability.String(),
		"credibility": int64(credNorm(x.Grade.Credibility)), "sources": int64(x.IndependentSources),
		"opposing_sides": x.OpposingSides, "text": x.Text,
		"lon": x.Place.Lon, "lat": x.Place.Lat, "has_point": x.Place.HasPoint,
	}
}

func credNorm(c backstop.Credibility) int {
	if c < 1 || c > 6 {
		return 6
	}
	return int(c)
}

func (e *Engine) prohibition(p *prohibition, x *incident, kr *kindRules) (Decision, bool) {
	if !p.parties[x.Actor] {
		return Decision{}, false
	}
	zone := ""
	if len(p.p.Zones) > 0 {
		z, ok := inAny(e.incZones(x), p.p.Zones)
		if !ok {
			return Decision{}, false
		}
		zone = z
	}
	if !e.when(p.when, x, "provision", p.p.ID) {
		return Decision{}, false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Provision %s is violated: incident %s (%s by %s at %s) is of a kind it prohibits, %s is bound by it",
		p.p.ID, x.ID, x.Kind, x.Actor, stamp(x.Time), x.Actor)
	if zone != "" {
		fmt.Fprintf(&b, ", it lies in zone %s", zone)
	}
	if p.when != nil {
		fmt.Fprintf(&b, ", its condition %q holds", strings.TrimSpace(p.when.Source))
	}
	fmt.Fprintf(&b, "; %s.", kr.verify.verified(&x.Incident))
	return Decision{
		Time: x.Time, Kind: Violation, Rule: p.p.ID, Parties: []string{x.Actor}, Incidents: []string{x.ID},
		Text: p.p.Text, Explanation: b.String(), AreaKm2: x.AreaKm2,
	}, true
}

func (e *Engine) trigger(t *trigger, x *incident, kr *kindRules, out []Decision) []Decision {
	if t.actors != nil && !t.actors[x.Actor] {
		return out
	}
	zone := ""
	if len(t.t.Zones) > 0 {
		z, ok := inAny(e.incZones(x), t.t.Zones)
		if !ok {
			return out
		}
		zone = z
	}
	if !e.when(t.when, x, "trigger", t.t.ID) {
		return out
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Trigger %s fired: ", t.t.ID)
	ids := []string{x.ID}
	area := x.AreaKm2
	if !t.windowed() {
		fmt.Fprintf(&b, "incident %s (%s by %s at %s) meets its filters", x.ID, x.Kind, orNone(x.Actor), stamp(x.Time))
		if zone != "" {
			fmt.Fprintf(&b, " in zone %s", zone)
		}
		if t.when != nil {
			fmt.Fprintf(&b, " and its condition %q", strings.TrimSpace(t.when.Source))
		}
		fmt.Fprintf(&b, "; %s.", kr.verify.verified(&x.Incident))
		return e.fire(t, x, ids, area, b.String(), out)
	}
	v := 0.0
	if t.sum != "" {
		v = x.Counts[t.sum]
	}
	for _, g := range e.groupKeys(t, x) {
		w := t.groups[g]
		if w == nil {
			w = &window{}
			t.groups[g] = w
			t.gorder = append(t.gorder, g)
		}
		w.evict(x.Time.Add(-t.window))
		w.push(x.Time, v, x.ID, x.AreaKm2)
		switch {
		case t.count > 1 && w.len() >= t.count:
			fmt.Fprintf(&b, "%d matching incidents (%s)", w.len(), strings.Join(w.ids(), ", "))
			fmt.Fprintf(&b, "%s within %s reach its threshold of %d", groupPhrase(t, g), durText(t.window), t.count)
		case t.sum != "" && w.sum >= t.atLeast:
			fmt.Fprintf(&b, "the reported count %q adds up to %g over incidents %s", t.sum, w.sum, strings.Join(w.ids(), ", "))
			fmt.Fprintf(&b, "%s within %s, reaching its threshold of %g", groupPhrase(t, g), durText(t.window), t.atLeast)
		default:
			continue
		}
		if zone != "" {
			fmt.Fprintf(&b, " in zone %s", zone)
		}
		fmt.Fprintf(&b, "; the last, %s, %s; the window starts afresh.", x.ID, kr.verify.verified(&x.Incident))
		ids, area = w.ids(), w.area()
		w.clear()
		out = e.fire(t, x, ids, area, b.String(), out)
		b.Reset()
		fmt.Fprintf(&b, "Trigger %s fired: ", t.t.ID)
	}
	return out
}

// groupKeys returns the window groups the incident counts in: by actor
// and/or by the child of the split zone it lies in (several on a border;
// "" when in none).
func (e *Engine) groupKeys(t *trigger, x *incident) []string {
	if !t.perAct && t.perZone == "" {
		return []string{""}
	}
	var kids []string
	if t.perZone != "" {
		for _, z := range e.incZones(x) {
			if t.kids[z] {
				kids = append(kids, z)
			}
		}
		if len(kids) == 0 {
			kids = []string{""}
		}
	}
	switch {
	case t.perZone == "":
		return []string{x.Actor}
	case !t.perAct:
		return kids
	}
	keys := make([]string, len(kids))
	for i, k := range kids {
		keys[i] = x.Actor + "/" + k
	}
	return keys
}

func groupPhrase(t *trigger, g string) string {
	switch {
	case t.perAct && t.perZone != "":
		a, z, _ := strings.Cut(g, "/")
		return fmt.Sprintf(" by %s in %s", orNone(a), orNone(z))
	case t.perAct:
		return " by " + orNone(g)
	case t.perZone != "":
		return " in " + orNone(g)
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// fire records a trigger's decisions and effect.
func (e *Engine) fire(t *trigger, x *incident, ids []string, area float64, why string, out []Decision) []Decision {
	text := t.t.Text
	if text == "" {
		text = t.t.Title
	}
	out = append(out, Decision{
		Time: x.Time, Kind: Fired, Rule: t.t.ID, Parties: actorList(x.Actor), Incidents: ids,
		Text: text, Explanation: why, AreaKm2: area,
	})
	switch t.t.Effect {
	case agreement.RecordViolation:
		rule, vtext := t.t.ID, text
		if t.t.Provision != "" {
			rule = t.t.Provision
			for _, p := range e.doc.Provisions {
				if p != nil && p.ID == rule {
					vtext = p.Text
				}
			}
		}
		out = append(out, Decision{
			Time: x.Time, Kind: Violation, Rule: rule, Parties: actorList(x.Actor), Incidents: ids, Text: vtext,
			Explanation: fmt.Sprintf("Violation of %s recorded because trigger %s, whose effect is to record a violation, fired on incidents %s.",
				rule, t.t.ID, strings.Join(ids, ", ")),
			AreaKm2: area,
		})
	case agreement.Consult, agreement.Invoke:
		stage := t.t.Stage
		if stage == "" {
			stage = string(t.t.Effect)
		}
		out = e.open(stage, x.Time, "trigger "+t.t.ID, ids, out, 0)
	}
	return out
}

// open opens a stage (and first the stage it follows, if not open) and
// records what each party then owes.
func (e *Engine) open(id string, at time.Time, by string, ids []string, out []Decision, depth int) []Decision {
	st := e.doc.Stage(id)
	if st == nil || e.stages[id] != nil || depth > 32 {
		return out
	}
	if st.Follows != "" && e.stages[st.Follows] == nil {
		out = e.open(st.Follows, at, "the opening of stage "+id+", which follows it", ids, out, depth+1)
	}
	e.stages[id] = &OpenStage{Stage: id, Opened: at, By: by}
	e.order = append(e.order, id)
	text := st.Text
	if text == "" {
		text = st.Title
	}
	why := fmt.Sprintf("Stage %s opened at %s by %s", id, stamp(at), by)
	if st.Follows != "" {
		why += fmt.Sprintf("; it follows stage %s, which is open", st.Follows)
	}
	out = append(out, Decision{Time: at, Kind: Opened, Rule: id, Incidents: ids, Text: text, Explanation: why + "."})
	vars := map[string]any{"terms": e.terms}
	for _, o := range st.Obligations {
		if o == nil {
			continue
		}
		if ok, err := o.InForceExpr().Eval(vars); err != nil || !ok {
			continue
		}
		var due time.Time
		if o.Within > 0 {
			due = at.Add(time.Duration(o.Within))
		}
		var seen []string
		for _, p := range e.doc.ExpandParties(o.Parties) {
			if slices.Contains(seen, p) {
				continue
			}
			seen = append(seen, p)
			ob := &Obligation{Party: p, Obligation: o.ID, Stage: id, Opened: at, Due: due}
			e.owed = append(e.owed, ob)
			e.owedIx[[2]string{p, o.ID}] = ob
			if !due.IsZero() {
				e.pending = append(e.pending, ob)
			}
			why := fmt.Sprintf("%s owes %s", p, o.ID)
			if o.Action != "" {
				why += " (" + o.Action + ")"
			}
			why += " because stage " + id + " opened at " + stamp(at)
			if due.IsZero() {
				why += "; the obligation sets no deadline"
			} else {
				why += fmt.Sprintf("; it is due within %s, by %s", o.Within, stamp(due))
			}
			if len(o.Evidence) > 0 {
				why += "; fulfilment is shown by " + strings.Join(o.Evidence, " or ")
			}
			out = append(out, Decision{Time: at, Kind: Owed, Rule: o.ID, Parties: []string{p}, Incidents: ids, Due: due, Text: o.Text, Explanation: why + "."})
		}
	}
	return out
}

// Advance moves the clock to now and returns an overdue decision for each
// owed obligation whose due time is before now and that was not fulfilled
// by then; each obligation goes overdue once. A time earlier than the
// clock changes nothing.
func (e *Engine) Advance(now time.Time) []Decision {
	if !e.started || now.After(e.now) {
		e.now, e.started = now, true
	}
	var out []Decision
	keep := e.pending[:0]
	for _, ob := range e.pending {
		if ob.Fulfilled && !ob.FulfilledAt.After(ob.Due) {
			continue // fulfilled in time: it can never go overdue
		}
		if !ob.Due.Before(now) {
			keep = append(keep, ob)
			continue
		}
		ob.Overdue = true
		why := fmt.Sprintf("%s did not fulfil %s by %s, its due time (stage %s opened at %s)", ob.Party, ob.Obligation, stamp(ob.Due), ob.Stage, stamp(ob.Opened))
		if ob.Fulfilled {
			why += fmt.Sprintf("; it was fulfilled late, at %s", stamp(ob.FulfilledAt))
		}
		out = append(out, Decision{Time: ob.Due, Kind: Overdue, Rule: ob.Obligation, Parties: []string{ob.Party}, Due: ob.Due,
			Text: e.obligationText(ob.Stage, ob.Obligation), Explanation: why + "."})
	}
	clear(e.pending[len(keep):])
	e.pending = keep
	slices.SortStableFunc(out, func(a, b Decision) int { return a.Time.Compare(b.Time) })
	return out
}

func (e *Engine) obligationText(stage, id string) string {
	if st := e.doc.Stage(stage); st != nil {
		for _, o := range st.Obligations {
			if o != nil && o.ID == id {
				return o.Text
			}
		}
	}
	return ""
}

// Fulfil records that party fulfilled an owed obligation at the given time
// with the given evidence. It fails with ENOTFOUND when the party owes no
// such obligation (its stage has not opened), ECONFLICT when it was already
// fulfilled, and EINVALID when the obligation names kinds of evidence and
// none is given. A fulfilment after the due time still leaves the
// obligation overdue.
func (e *Engine) Fulfil(party, obligation string, at time.Time, evidence string) error {
	ob := e.owedIx[[2]string{party, obligation}]
	if ob == nil {
		return backstop.Errorf(backstop.ENOTFOUND, "%s owes no obligation %q (has its stage opened?)", party, obligation)
	}
	if ob.Fulfilled {
		return backstop.Errorf(backstop.ECONFLICT, "%s already fulfilled %s at %s", party, obligation, stamp(ob.FulfilledAt))
	}
	if st := e.doc.Stage(ob.Stage); st != nil && strings.TrimSpace(evidence) == "" {
		for _, o := range st.Obligations {
			if o != nil && o.ID == obligation && len(o.Evidence) > 0 {
				return backstop.Errorf(backstop.EINVALID, "fulfilling %s needs evidence: %s", obligation, strings.Join(o.Evidence, " or "))
			}
		}
	}
	if at.Before(ob.Opened) {
		return backstop.Errorf(backstop.EINVALID, "fulfilment at %s is before stage %s opened (%s)", stamp(at), ob.Stage, stamp(ob.Opened))
	}
	ob.Fulfilled, ob.FulfilledAt, ob.Evidence = true, at, evidence
	return nil
}

// State returns a snapshot: open stages, owed obligations and the counts
// in each non-empty trigger window (as of the last incident in it).
func (e *Engine) State() State {
	s := State{Now: e.now, Stages: []OpenStage{}, Obligations: []Obligation{}, Windows: []Window{}}
	for _, id := range e.order {
		s.Stages = append(s.Stages, *e.stages[id])
	}
	for _, ob := range e.owed {
		s.Obligations = append(s.Obligations, *ob)
	}
	for _, t := range e.trigs {
		for _, g := range t.gorder {
			w := t.groups[g]
			if w.len() > 0 {
				s.Windows = append(s.Windows, Window{Trigger: t.t.ID, Group: g, Count: w.len(), Sum: w.sum})
			}
		}
	}
	return s
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") }

func durText(d time.Duration) string { return agreement.Duration(d).String() }
