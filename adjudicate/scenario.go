package adjudicate

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
)

// Result is the outcome of running one of a document's tests.
type Result struct {
	Name string
	Pass bool
	// Duration is the time the run took (engine, incidents and comparison).
	Duration time.Duration
	// Missing are expected decisions that did not happen, Unexpected
	// decisions that happened but were excluded by an expectation; each is
	// written "kind rule [party] [due]" or "unverified incident".
	Missing, Unexpected []string
	// Decisions is everything the engine decided, in order.
	Decisions []Decision
	// Err is set when the test could not run (bad deal, engine error); the
	// test then fails.
	Err error
	// Notes are conditions that could not be evaluated for an incident
	// (counted as not met); they do not fail the test.
	Notes []string
}

// DealFor returns the deal a test runs under: its deal file (relative to
// the document) with its terms overrides on top.
func DealFor(doc *agreement.Doc, t *agreement.Test) (*agreement.Deal, error) {
	var base *agreement.Deal
	if t.Deal != "" {
		path := t.Deal
		if !filepath.IsAbs(path) {
			path = filepath.Join(doc.Dir, path)
		}
		d, err := doc.LoadDeal(path)
		if err != nil {
			return nil, err
		}
		base = d
	}
	deal, err := doc.WithTerms(base, t.Terms)
	if err != nil {
		return nil, fmt.Errorf("test %q: %w", t.Name, err)
	}
	if base == nil {
		deal.ID = "test " + t.Name
	}
	return deal, nil
}

// Incidents converts a test's incidents to domain incidents sorted by time
// (stably, so simultaneous incidents keep their written order). An incident
// with no id is named after its place in the list ("#1", "#2", ...).
func Incidents(t *agreement.Test) ([]backstop.Incident, error) {
	out := make([]backstop.Incident, 0, len(t.Incidents))
	for i, ti := range t.Incidents {
		inc := backstop.Incident{
			ID: ti.ID, Time: ti.At, Kind: ti.Kind, Actor: ti.Actor,
			Zones: slices.Clone(ti.Zones), Counts: ti.Counts, AreaKm2: ti.AreaKm2,
			IndependentSources: ti.Sources, OpposingSides: ti.OpposingSides, Text: ti.Text,
		}
		if inc.ID == "" {
			inc.ID = fmt.Sprintf("#%d", i+1)
		}
		if len(ti.Point) == 2 {
			inc.Place = backstop.Place{Lon: ti.Point[0], Lat: ti.Point[1], HasPoint: true}
		}
		if ti.Grade != "" {
			g, err := backstop.ParseGrade(ti.Grade)
			if err != nil {
				return nil, fmt.Errorf("%s: incident %s: %w", ti.Pos, inc.ID, err)
			}
			inc.Grade = g
		}
		out = append(out, inc)
	}
	slices.SortStableFunc(out, func(a, b backstop.Incident) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// Run runs a scenario: every incident in order, then Advance to now (the
// last incident's time when zero). Decisions are returned even on error,
// up to the failure; condition errors are collected in notes.
func Run(e *Engine, incs []backstop.Incident, now time.Time) (ds []Decision, notes []string, err error) {
	for _, inc := range incs {
		out, err := e.Add(inc)
		ds = append(ds, out...)
		if err != nil {
			if ce := (*ConditionError)(nil); errors.As(err, &ce) {
				notes = append(notes, splitErr(err)...)
				continue
			}
			return ds, notes, err
		}
	}
	if now.IsZero() && len(incs) > 0 {
		now = incs[len(incs)-1].Time
	}
	if !now.IsZero() {
		ds = append(ds, e.Advance(now)...)
	}
	return ds, notes, nil
}

func splitErr(err error) []string {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, e.Error())
		}
		return out
	}
	return []string{err.Error()}
}

// RunTest runs one test of the document and compares the decisions with
// what it expects: each expected list is compared as a set with the
// decisions of its kind; an absent list is not checked.
func RunTest(doc *agreement.Doc, t *agreement.Test, opts ...Option) Result {
	start := time.Now()
	r := Result{Name: t.Name}
	defer func() { r.Duration = time.Since(start) }()
	fail := func(err error) Result {
		r.Err, r.Pass, r.Duration = err, false, time.Since(start)
		return r
	}
	deal, err := DealFor(doc, t)
	if err != nil {
		return fail(err)
	}
	incs, err := Incidents(t)
	if err != nil {
		return fail(err)
	}
	e, err := New(doc, deal, opts...)
	if err != nil {
		return fail(err)
	}
	r.Decisions, r.Notes, err = Run(e, incs, t.Now)
	if err != nil {
		return fail(err)
	}
	r.Missing, r.Unexpected = Compare(t.Expect, r.Decisions)
	r.Pass = len(r.Missing) == 0 && len(r.Unexpected) == 0
	r.Duration = time.Since(start)
	return r
}

// Compare compares expectations with decisions, each kind as a set, and
// returns the expected decisions that are missing and the actual ones that
// no expectation allows, each described as "kind rule ...", sorted.
func Compare(x agreement.Expect, ds []Decision) (missing, unexpected []string) {
	ids := func(kind string, want []string) {
		if want == nil {
			return
		}
		got := map[string]bool{}
		for _, d := range ds {
			if d.Kind != kind {
				continue
			}
			key := d.Rule
			if kind == Unverified && len(d.Incidents) > 0 {
				key = d.Incidents[0]
			}
			got[key] = true
		}
		for _, w := range want {
			if !got[w] {
				missing = append(missing, kind+" "+w)
			}
		}
		for g := range got {
			if !slices.Contains(want, g) {
				unexpected = append(unexpected, kind+" "+g)
			}
		}
	}
	ids(Violation, x.Violations)
	ids(Fired, x.Triggers)
	ids(Opened, x.Stages)
	ids(Unverified, x.Unverified)
	obls := func(kind string, want []agreement.ExpectedObligation) {
		if want == nil {
			return
		}
		match := func(w agreement.ExpectedObligation, d Decision) bool {
			return d.Kind == kind && d.Rule == w.Obligation && len(d.Parties) == 1 && d.Parties[0] == w.Party &&
				(w.Due.IsZero() || w.Due.Equal(d.Due))
		}
		for _, w := range want {
			if !slices.ContainsFunc(ds, func(d Decision) bool { return match(w, d) }) {
				s := fmt.Sprintf("%s %s %s", kind, w.Obligation, w.Party)
				if !w.Due.IsZero() {
					s += " due " + w.Due.UTC().Format(time.RFC3339)
				}
				missing = append(missing, s)
			}
		}
		seen := map[string]bool{}
		for _, d := range ds {
			if d.Kind != kind || slices.ContainsFunc(want, func(w agreement.ExpectedObligation) bool { return match(w, d) }) {
				continue
			}
			s := fmt.Sprintf("%s %s %s", kind, d.Rule, strings.Join(d.Parties, ","))
			if !d.Due.IsZero() {
				s += " due " + d.Due.UTC().Format(time.RFC3339)
			}
			if !seen[s] {
				seen[s] = true
				unexpected = append(unexpected, s)
			}
		}
	}
	obls(Owed, x.Obligations)
	obls(Overdue, x.Overdue)
	slices.Sort(missing)
	slices.Sort(unexpected)
	return missing, unexpected
}

// Coverage is which of a document's rules at least one test exercised.
type Coverage struct {
	// Items are "provision X", "trigger Y" and "stage Z" for every
	// prohibition (and provision a trigger records), trigger and stage.
	Items []string `json:"-"`
	// Covered are the items exercised, Uncovered the rest, in document order.
	Covered   []string `json:"covered"`
	Uncovered []string `json:"uncovered"`
	Percent   float64  `json:"percent"`
}

// CoverageOf computes coverage over the decisions of a document's test
// runs. Obligation and permission provisions are not counted: no incident
// can exercise them.
func CoverageOf(doc *agreement.Doc, runs ...[]Decision) Coverage {
	hit := map[string]bool{}
	for _, ds := range runs {
		for _, d := range ds {
			switch d.Kind {
			case Violation:
				hit["provision "+d.Rule] = true
			case Fired:
				hit["trigger "+d.Rule] = true
			case Opened:
				hit["stage "+d.Rule] = true
			}
		}
	}
	var c Coverage
	recorded := map[string]bool{}
	for _, t := range doc.Triggers {
		if t != nil && t.Provision != "" {
			recorded[t.Provision] = true
		}
	}
	for _, p := range doc.Provisions {
		if p != nil && (p.Kind == agreement.Prohibition || recorded[p.ID]) {
			c.Items = append(c.Items, "provision "+p.ID)
		}
	}
	for _, t := range doc.Triggers {
		if t != nil {
			c.Items = append(c.Items, "trigger "+t.ID)
		}
	}
	for _, s := range doc.Protocol.Stages {
		if s != nil {
			c.Items = append(c.Items, "stage "+s.ID)
		}
	}
	c.Covered, c.Uncovered = []string{}, []string{}
	for _, it := range c.Items {
		if hit[it] {
			c.Covered = append(c.Covered, it)
		} else {
			c.Uncovered = append(c.Uncovered, it)
		}
	}
	c.Percent = 100
	if len(c.Items) > 0 {
		c.Percent = 100 * float64(len(c.Covered)) / float64(len(c.Items))
	}
	return c
}
