package monitor

import (
	"slices"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/adjudicate"
)

// Evaluator adjudicates incidents given in time order under one version of
// an agreement. *adjudicate.Engine is one.
type Evaluator interface {
	Add(inc backstop.Incident) ([]adjudicate.Decision, error)
	Advance(now time.Time) []adjudicate.Decision
}

// Decision is an evaluator's decision with the evidence behind it, so that a
// decision read on its own says which reports, from which sources, with
// which grade, made the agreement bite.
type Decision struct {
	adjudicate.Decision
	// Shadow marks a decision of the shadow agreement: recorded for
	// comparison, never taking effect.
	Shadow bool `json:"shadow,omitempty"`
	// Evidence describes each incident the decision rests on.
	Evidence []Evidence `json:"evidence,omitempty"`
}

// Evidence summarises one incident for the record of a decision.
type Evidence struct {
	Incident string        `json:"incident"`
	Kind     backstop.Kind `json:"kind"`
	Time     time.Time     `json:"time"`
	Areas    []string      `json:"areas,omitempty"`
	// Grade is the incident's Admiralty grade, e.g. "B2".
	Grade       string             `json:"grade"`
	Sources     []string           `json:"sources"`
	Independent int                `json:"independent_sources"`
	Opposing    bool               `json:"opposing_sides,omitempty"`
	Reports     []string           `json:"reports"`
	AreaKm2     float64            `json:"area_km2,omitempty"`
	Counts      map[string]float64 `json:"counts,omitempty"`
	Text        string             `json:"text,omitempty"`
}

// Options configure a Monitor.
type Options struct {
	// Fuse tunes fusion of reports into incidents.
	Fuse FuseOptions
	// Shadow, when set, evaluates every incident a second time under
	// another agreement version; its decisions carry Shadow: true.
	Shadow Evaluator
	// KeepAreasOut stops the monitor from naming an incident's areas (oblast
	// codes such as "UA-63") as its zones. By default they are named, so
	// that an agreement whose zones include oblasts places incidents known
	// only by oblast.
	KeepAreasOut bool
}

// Monitor runs the stream: reports are fused into incidents as they come;
// incidents (fused, or added directly, such as territorial changes) are
// released to the evaluator in time order once no later report can change
// or precede them; at each new UTC day the evaluator's clock advances, so
// windows slide and obligations fall overdue even when nothing happens.
//
// A Monitor is not safe for concurrent use.
type Monitor struct {
	main, shadow Evaluator
	opt          Options
	fuser        *Fuser
	buf          []backstop.Incident // waiting for release, any order
	released     time.Time           // everything before has been released
	day          time.Time           // the last day boundary the evaluators passed
	evidence     map[string]Evidence
	incidents    int
	// nextCheck is when AddReport next flushes the fuser: checking at
	// every report would scan the open clusters each time.
	nextCheck time.Time
}

// New returns a Monitor feeding main (and opt.Shadow).
func New(main Evaluator, opt Options) *Monitor {
	return &Monitor{main: main, shadow: opt.Shadow, opt: opt, fuser: NewFuser(opt.Fuse), evidence: map[string]Evidence{}}
}

// Incidents is the number of incidents released to the evaluator so far.
func (m *Monitor) Incidents() int { return m.incidents }

// AddReport adds a report. Reports must come in time order; the decisions
// returned are those that became final with it.
func (m *Monitor) AddReport(r backstop.Report) ([]Decision, error) {
	if !r.Time.IsZero() && r.Time.Before(m.released) {
		return nil, backstop.Errorf(backstop.EINVALID, "report %s at %s: the monitor has already ruled on %s", r.ID, r.Time.UTC().Format(time.RFC3339), m.released.UTC().Format(time.RFC3339))
	}
	if err := m.fuser.Add(r); err != nil {
		return nil, err
	}
	if r.Time.Before(m.nextCheck) {
		return nil, nil
	}
	m.nextCheck = r.Time.Add(m.fuser.window / 4)
	return m.advance(r.Time, false)
}

// AddIncident adds an incident established elsewhere (a territorial change
// from a map, a finding of a monitoring team). It is released in time order
// with the fused incidents.
func (m *Monitor) AddIncident(inc backstop.Incident) error {
	if inc.Time.IsZero() {
		return backstop.Errorf(backstop.EINVALID, "incident %s: no time", inc.ID)
	}
	if inc.Time.Before(m.released) {
		return backstop.Errorf(backstop.EINVALID, "incident %s at %s: the monitor has already ruled on %s", inc.ID, inc.Time.UTC().Format(time.RFC3339), m.released.UTC().Format(time.RFC3339))
	}
	m.buf = append(m.buf, inc)
	return nil
}

// Advance moves the clock to now: incidents that can no longer change are
// adjudicated, and day boundaries up to now are passed. Nothing older than
// now may be added afterwards.
func (m *Monitor) Advance(now time.Time) ([]Decision, error) { return m.advance(now, false) }

// Close adjudicates everything still pending and moves the clock to until
// (if later), and returns the last decisions.
func (m *Monitor) Close(until time.Time) ([]Decision, error) {
	out, err := m.advance(until, true)
	return out, err
}

func (m *Monitor) advance(now time.Time, all bool) ([]Decision, error) {
	var flushed []backstop.Incident
	if all {
		flushed = m.fuser.Flush(time.Time{})
	} else {
		flushed = m.fuser.Flush(now)
	}
	m.buf = append(m.buf, flushed...)
	// The watermark: nothing still open in the fuser, and no report yet to
	// come, can start before it.
	w := now
	if !all {
		if s, ok := m.fuser.OpenSince(); ok && s.Before(w) {
			w = s
		}
	}
	var ready []backstop.Incident
	kept := m.buf[:0]
	for _, inc := range m.buf {
		if all || inc.Time.Before(w) {
			ready = append(ready, inc)
		} else {
			kept = append(kept, inc)
		}
	}
	m.buf = kept
	slices.SortFunc(ready, func(a, b backstop.Incident) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	if all && len(ready) > 0 && ready[len(ready)-1].Time.After(w) {
		w = ready[len(ready)-1].Time
	}
	var out []Decision
	var errs []error
	for _, inc := range ready {
		out = m.passDays(inc.Time, out)
		if !m.opt.KeepAreasOut && len(inc.Zones) == 0 && len(inc.Place.Areas) > 0 {
			inc.Zones = slices.Clone(inc.Place.Areas)
		}
		m.incidents++
		m.evidence[inc.ID] = evidenceOf(inc)
		ds, err := m.main.Add(inc)
		if err != nil {
			errs = append(errs, err)
		}
		out = m.wrap(ds, false, out)
		if m.shadow != nil {
			ds, err := m.shadow.Add(inc)
			if err != nil {
				errs = append(errs, err)
			}
			out = m.wrap(ds, true, out)
		}
	}
	out = m.passDays(w, out)
	if w.After(m.released) {
		m.released = w
	}
	if len(errs) > 0 {
		return out, errs[0]
	}
	return out, nil
}

// passDays advances the evaluators over every UTC day boundary up to t.
func (m *Monitor) passDays(t time.Time, out []Decision) []Decision {
	if t.IsZero() {
		return out
	}
	d := t.UTC().Truncate(24 * time.Hour)
	if m.day.IsZero() {
		m.day = d
		return out
	}
	for m.day.Before(d) {
		m.day = m.day.Add(24 * time.Hour)
		out = m.wrap(m.main.Advance(m.day), false, out)
		if m.shadow != nil {
			out = m.wrap(m.shadow.Advance(m.day), true, out)
		}
	}
	return out
}

func (m *Monitor) wrap(ds []adjudicate.Decision, shadow bool, out []Decision) []Decision {
	for _, d := range ds {
		md := Decision{Decision: d, Shadow: shadow}
		var area float64
		for _, id := range d.Incidents {
			if ev, ok := m.evidence[id]; ok {
				md.Evidence = append(md.Evidence, ev)
				area += ev.AreaKm2
			}
		}
		if md.AreaKm2 == 0 && d.Kind != adjudicate.Opened && d.Kind != adjudicate.Owed && d.Kind != adjudicate.Overdue {
			md.AreaKm2 = area // e.g. an unverified territorial change
		}
		out = append(out, md)
	}
	return out
}

func evidenceOf(inc backstop.Incident) Evidence {
	ev := Evidence{
		Incident: inc.ID, Kind: inc.Kind, Time: inc.Time, Areas: inc.Place.Areas,
		Grade: inc.Grade.String(), Independent: inc.IndependentSources, Opposing: inc.OpposingSides,
		Reports: inc.Reports, AreaKm2: inc.AreaKm2, Counts: inc.Counts, Text: inc.Text,
	}
	for _, s := range inc.Sources {
		ev.Sources = append(ev.Sources, s.ID)
	}
	return ev
}

// SortReports puts reports in the canonical (time, source, id) order in
// which a Monitor must receive them.
func SortReports(reports []backstop.Report) { slices.SortFunc(reports, compareReports) }

// Run feeds a whole history through m: the extra incidents (territorial
// changes, say), then the reports in canonical order, then closes the stream
// at until. Every decision goes to emit as it becomes final; progress, if
// set, is called with the number of reports done. The reports slice is
// sorted in place, so the decisions do not depend on its order.
func Run(m *Monitor, reports []backstop.Report, extra []backstop.Incident, until time.Time, emit func(Decision) error, progress func(done int)) error {
	SortReports(reports)
	for _, inc := range extra {
		if err := m.AddIncident(inc); err != nil {
			return err
		}
	}
	send := func(ds []Decision) error {
		for _, d := range ds {
			if err := emit(d); err != nil {
				return err
			}
		}
		return nil
	}
	for i, r := range reports {
		ds, err := m.AddReport(r)
		if err2 := send(ds); err2 != nil {
			return err2
		}
		if err != nil {
			return err
		}
		if progress != nil && (i+1)%1024 == 0 {
			progress(i + 1)
		}
	}
	if progress != nil {
		progress(len(reports))
	}
	ds, err := m.Close(until)
	if err2 := send(ds); err2 != nil {
		return err2
	}
	return err
}
