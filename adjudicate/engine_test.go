package adjudicate

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
)

var (
	docOnce sync.Once
	docVal  *agreement.Doc
	docErr  error
)

func testDoc(t testing.TB) *agreement.Doc {
	t.Helper()
	docOnce.Do(func() { docVal, docErr = agreement.Load("testdata/agreement.yaml") })
	if docErr != nil {
		t.Fatalf("loading testdata/agreement.yaml: %v", docErr)
	}
	return docVal
}

// engine returns an engine over the testdata document under a deal file
// with overrides.
func engine(t testing.TB, dealFile string, over map[string]any) *Engine {
	t.Helper()
	doc := testDoc(t)
	base, err := doc.LoadDeal("testdata/deals/" + dealFile + ".yaml")
	if err != nil {
		t.Fatalf("deal %s: %v", dealFile, err)
	}
	deal, err := doc.WithTerms(base, over)
	if err != nil {
		t.Fatalf("terms %v: %v", over, err)
	}
	e, err := New(doc, deal)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// in builds an incident at t0 plus h hours, well verified unless changed.
func in(id string, h float64, kind backstop.Kind, actor string, mods ...func(*backstop.Incident)) backstop.Incident {
	inc := backstop.Incident{ID: id, Time: t0.Add(time.Duration(h * float64(time.Hour))), Kind: kind, Actor: actor,
		Grade: backstop.Grade{Reliability: 'A', Credibility: 1}, IndependentSources: 3, OpposingSides: true}
	for _, m := range mods {
		m(&inc)
	}
	return inc
}

func zones(z ...string) func(*backstop.Incident) {
	return func(i *backstop.Incident) { i.Zones = z }
}
func point(lon, lat float64) func(*backstop.Incident) {
	return func(i *backstop.Incident) { i.Place = backstop.Place{Lon: lon, Lat: lat, HasPoint: true} }
}
func counts(k string, v float64) func(*backstop.Incident) {
	return func(i *backstop.Incident) { i.Counts = map[string]float64{k: v} }
}
func grade(g string, sources int, opposing bool) func(*backstop.Incident) {
	return func(i *backstop.Incident) {
		i.Grade, _ = backstop.ParseGrade(g)
		i.IndependentSources, i.OpposingSides = sources, opposing
	}
}
func area(a float64) func(*backstop.Incident) { return func(i *backstop.Incident) { i.AreaKm2 = a } }

// feed adds incidents and returns every decision as "kind rule[party]" strings.
func feed(t *testing.T, e *Engine, incs ...backstop.Incident) []Decision {
	t.Helper()
	var all []Decision
	for _, inc := range incs {
		ds, err := e.Add(inc)
		if err != nil {
			t.Fatalf("Add(%s): %v", inc.ID, err)
		}
		all = append(all, ds...)
	}
	return all
}

func brief(ds []Decision) []string {
	out := []string{}
	for _, d := range ds {
		s := d.Kind + " " + d.Rule
		if len(d.Parties) > 0 && (d.Kind == Owed || d.Kind == Overdue) {
			s += " " + strings.Join(d.Parties, ",")
		}
		out = append(out, s)
	}
	return out
}

func TestVerification(t *testing.T) {
	for _, tc := range []struct {
		name  string
		inc   backstop.Incident
		want  []string
		cause string // in the explanation of an unverified decision
	}{
		{"strike meets B2 and two sources", in("s", 0, backstop.MissileStrike, "RU", zones("R-N"), grade("B2", 2, false)), []string{"violation no-strikes"}, ""},
		{"reliability below B", in("s", 0, backstop.MissileStrike, "RU", zones("R-N"), grade("C1", 3, false)), []string{"unverified strikes"}, "reliability C is below the required B"},
		{"credibility below 2", in("s", 0, backstop.MissileStrike, "RU", zones("R-N"), grade("A3", 3, false)), []string{"unverified strikes"}, "credibility 3 is below the required 2"},
		{"one source of two", in("s", 0, backstop.MissileStrike, "RU", zones("R-N"), grade("A1", 1, false)), []string{"unverified strikes"}, "1 independent source, fewer than the required 2"},
		{"ground needs opposing sides", in("g", 0, backstop.GroundAssault, "RU", zones("R-N"), grade("A1", 5, false)), []string{"unverified ground"}, "no sources from opposing sides"},
		{"ground with opposing sides", in("g", 0, backstop.GroundAssault, "RU", zones("R-N"), grade("C6", 1, true)), []string{"trigger ground-attack", "stage consultation", "obligation consult US", "obligation consult FR", "stage invocation", "obligation air-defence US", "obligation air-defence FR", "obligation statement US", "obligation sanctions FR"}, ""},
		{"default rule ignores credibility", in("a", 0, backstop.Artillery, "RU", counts("shells", 500), grade("D6", 1, false)), []string{"violation no-heavy-barrage"}, ""},
		{"default rule needs D", in("a", 0, backstop.Artillery, "RU", counts("shells", 500), grade("E1", 1, false)), []string{"unverified default"}, "reliability E is below the required D"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, "defence", nil)
			ds := feed(t, e, tc.inc)
			if got := brief(ds); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v; want %v", got, tc.want)
			}
			if tc.cause != "" && !strings.Contains(ds[0].Explanation, tc.cause) {
				t.Errorf("explanation %q; want it to say %q", ds[0].Explanation, tc.cause)
			}
			if ds[0].Kind == Unverified && (len(ds[0].Incidents) != 1 || ds[0].Incidents[0] != tc.inc.ID) {
				t.Errorf("unverified incidents: got %v; want [%s]", ds[0].Incidents, tc.inc.ID)
			}
		})
	}
}

func TestNoVerificationRuleMeansVerified(t *testing.T) {
	doc, err := agreement.Parse("inline.yaml", []byte(`backstop: 1
id: x
parties:
  - {id: A, name: A, kind: state, roles: [beneficiary]}
  - {id: B, name: B, kind: state, roles: [constrained]}
provisions:
  - {id: p, kind: prohibition, text: B shall not strike., parties: [B], kinds: [missile_strike]}
  - {id: q, kind: prohibition, text: B shall not deploy., parties: [B], action: deploy_forces}
`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	ds := feed(t, e,
		in("s", 0, backstop.MissileStrike, "B", grade("F6", 0, false)),
		in("f", 1, backstop.ForcesInZone, "B", grade("F6", 0, false)), // q names an action, not kinds
	)
	if got, want := brief(ds), []string{"violation p", "violation q"}; !slices.Equal(got, want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	if !strings.Contains(ds[0].Explanation, "no verification rule covers missile_strike") {
		t.Errorf("explanation %q does not say no rule applied", ds[0].Explanation)
	}
}

func TestProhibitions(t *testing.T) {
	for _, tc := range []struct {
		name string
		over map[string]any
		inc  backstop.Incident
		want []string
	}{
		{"named region lies in the theatre union", nil, in("s", 0, backstop.DroneStrike, "RU", zones("R-S")), []string{"violation no-strikes"}},
		{"coalition member is bound", nil, in("s", 0, backstop.DroneStrike, "BY", zones("R-S")), []string{"violation no-strikes"}},
		{"a guarantor is not bound", nil, in("s", 0, backstop.DroneStrike, "US", zones("R-S")), []string{}},
		{"no actor is not bound", nil, in("s", 0, backstop.DroneStrike, "", zones("R-S")), []string{}},
		{"point inside a region", nil, in("s", 0, backstop.MissileStrike, "RU", point(31, 50.5)), []string{"violation no-strikes"}},
		{"point outside every zone", nil, in("s", 0, backstop.MissileStrike, "RU", point(35, 50.5)), []string{}},
		{"no place at all", nil, in("s", 0, backstop.MissileStrike, "RU"), []string{}},
		{"kind not named", nil, in("s", 0, backstop.AirStrike, "RU", zones("R-S")), []string{}},
		{"when holds", nil, in("a", 0, backstop.Artillery, "RU", counts("shells", 100)), []string{"violation no-heavy-barrage"}},
		{"when fails", nil, in("a", 0, backstop.Artillery, "RU", counts("shells", 99)), []string{}},
		{"5 km belt misses forces 7 km out", nil, in("f", 0, backstop.ForcesInZone, "RU", point(32.1, 50.5)), []string{}},
		{"5 km belt catches forces 3.5 km out", nil, in("f", 0, backstop.ForcesInZone, "RU", point(32.05, 50.5)), []string{"violation no-forces-dmz"}},
		{"15 km belt catches forces 7 km out", map[string]any{"dmz_km": 15}, in("f", 0, backstop.ForcesInZone, "RU", point(32.1, 50.5)), []string{"violation no-forces-dmz"}},
		{"seizure prohibited under defence", nil, in("t", 0, backstop.TerritorialSeizure, "RU", area(10)), []string{"violation no-seizure"}},
		{"seizure not prohibited under assurance", map[string]any{"form": "assurance"}, in("t", 0, backstop.TerritorialSeizure, "RU", area(10)), []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, "defence", tc.over)
			if got := brief(feed(t, e, tc.inc)); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestViolationCitesRule(t *testing.T) {
	e := engine(t, "defence", nil)
	ds := feed(t, e, in("s1", 0, backstop.MissileStrike, "BY", zones("R-N"), grade("B2", 2, false)))
	if len(ds) != 1 {
		t.Fatalf("got %d decisions; want 1", len(ds))
	}
	d := ds[0]
	if d.Text != "Neither Russia nor Belarus shall strike the territory of Ukraine." {
		t.Errorf("text: got %q; want the provision's wording", d.Text)
	}
	for _, s := range []string{"no-strikes", "s1", "BY", "zone theatre", "rule strikes", "grade B2"} {
		if !strings.Contains(d.Explanation, s) {
			t.Errorf("explanation %q lacks %q", d.Explanation, s)
		}
	}
	if !slices.Equal(d.Parties, []string{"BY"}) || !d.Time.Equal(t0) {
		t.Errorf("parties %v time %v; want [BY] %v", d.Parties, d.Time, t0)
	}
}

func triggers(ds []Decision) []string {
	var out []string
	for _, d := range ds {
		if d.Kind == Fired {
			out = append(out, d.Rule+":"+strings.Join(d.Incidents, "+"))
		}
	}
	return out
}

func TestTriggerWindows(t *testing.T) {
	drone := func(id string, h, launched float64) backstop.Incident {
		return in(id, h, backstop.DroneStrike, "RU", zones("R-S"), counts("launched", launched))
	}
	missile := func(id string, h float64, actor, zone string) backstop.Incident {
		return in(id, h, backstop.MissileStrike, actor, zones(zone))
	}
	cyber := func(id string, h float64) backstop.Incident { return in(id, h, backstop.CyberOperation, "RU") }
	for _, tc := range []struct {
		name string
		incs []backstop.Incident
		want []string
	}{
		{"sum reaches the bar", []backstop.Incident{drone("a", 0, 60), drone("b", 10, 40)}, []string{"drone-salvo:a+b"}},
		{"sum below the bar", []backstop.Incident{drone("a", 0, 60), drone("b", 10, 39)}, nil},
		{"first leaves the sliding window", []backstop.Incident{drone("a", 0, 60), drone("b", 20, 30), drone("c", 25, 30)}, nil},
		{"window includes its start", []backstop.Incident{drone("a", 0, 60), drone("b", 24, 40)}, []string{"drone-salvo:a+b"}},
		{"window slides on to fire later", []backstop.Incident{drone("a", 0, 60), drone("b", 20, 30), drone("c", 30, 70)}, []string{"drone-salvo:b+c"}},
		{"re-arms after firing", []backstop.Incident{drone("a", 0, 100), drone("b", 1, 50), drone("c", 2, 50), drone("d", 3, 99)}, []string{"drone-salvo:a", "drone-salvo:b+c"}},
		{"count per actor and region", []backstop.Incident{
			missile("m1", 0, "RU", "R-N"), missile("m2", 1, "BY", "R-N"), missile("m3", 2, "RU", "R-S"),
			missile("m4", 3, "RU", "R-N"), missile("m5", 4, "BY", "R-N"), missile("m6", 5, "RU", "R-N"),
		}, []string{"missile-campaign:m1+m4+m6"}},
		{"count per region by point", []backstop.Incident{
			in("p1", 0, backstop.MissileStrike, "RU", point(31, 50.5)), in("p2", 1, backstop.MissileStrike, "RU", point(31, 49.5)),
			in("p3", 2, backstop.MissileStrike, "RU", point(30.5, 50.2)), in("p4", 3, backstop.MissileStrike, "RU", point(31.5, 50.9)),
		}, []string{"missile-campaign:p1+p3+p4"}},
		{"count slides past 72h", []backstop.Incident{
			missile("m1", 0, "RU", "R-N"), missile("m2", 40, "RU", "R-N"), missile("m3", 73, "RU", "R-N"), missile("m4", 80, "RU", "R-N"),
		}, []string{"missile-campaign:m2+m3+m4"}},
		{"count with effect violation re-arms", []backstop.Incident{cyber("c1", 0), cyber("c2", 1), cyber("c3", 2), cyber("c4", 200), cyber("c5", 300)}, []string{"cyber-campaign:c1+c2", "cyber-campaign:c4+c5"}},
		{"kind outside the trigger", []backstop.Incident{in("x", 0, backstop.Sabotage, "RU"), in("y", 1, backstop.Sabotage, "RU")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, "defence", nil)
			if got := triggers(feed(t, e, tc.incs...)); !slices.Equal(got, tc.want) {
				t.Fatalf("got %v; want %v", got, tc.want)
			}
		})
	}
}

func TestTriggerEffects(t *testing.T) {
	e := engine(t, "defence", nil)
	ds := feed(t, e, in("c1", 0, backstop.CyberOperation, "RU"), in("c2", 1, backstop.CyberOperation, "RU"))
	if got, want := brief(ds), []string{"trigger cyber-campaign", "violation cyber-campaign"}; !slices.Equal(got, want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	if ds[1].Text != "Two cyber operations within a week are a violation." || !slices.Equal(ds[1].Incidents, []string{"c1", "c2"}) {
		t.Errorf("violation text %q incidents %v", ds[1].Text, ds[1].Incidents)
	}
	st := e.State()
	if len(st.Windows) != 0 {
		t.Errorf("windows after firing: got %v; want none (cleared)", st.Windows)
	}
	feed(t, e, in("c3", 2, backstop.CyberOperation, "RU"))
	if st := e.State(); len(st.Windows) != 1 || st.Windows[0] != (Window{Trigger: "cyber-campaign", Count: 1}) {
		t.Errorf("windows: got %+v; want one with c3", st.Windows)
	}
}

func TestStagesAndObligations(t *testing.T) {
	e := engine(t, "defence", nil)
	// Consultation first, by a drone salvo; then a ground attack invokes.
	ds := feed(t, e, in("d", 0, backstop.DroneStrike, "RU", zones("R-S"), counts("launched", 150)))
	if got, want := brief(ds), []string{"violation no-strikes", "trigger drone-salvo", "stage consultation", "obligation consult US", "obligation consult FR"}; !slices.Equal(got, want) {
		t.Fatalf("salvo: got %v; want %v", got, want)
	}
	if want := t0.Add(48 * time.Hour); !ds[3].Due.Equal(want) {
		t.Errorf("consult due: got %v; want %v", ds[3].Due, want)
	}
	ds = feed(t, e, in("g", 5, backstop.GroundAssault, "BY", zones("R-N")))
	if got, want := brief(ds), []string{"trigger ground-attack", "stage invocation", "obligation air-defence US", "obligation air-defence FR", "obligation statement US", "obligation sanctions FR"}; !slices.Equal(got, want) {
		t.Fatalf("invocation: got %v; want %v (consultation must not reopen)", got, want)
	}
	for _, d := range ds[2:] {
		want := map[string]time.Duration{"air-defence": 7 * 24 * time.Hour, "statement": 24 * time.Hour, "sanctions": 30 * 24 * time.Hour}[d.Rule]
		if !d.Due.Equal(t0.Add(5*time.Hour + want)) {
			t.Errorf("%s %v due: got %v; want %v", d.Rule, d.Parties, d.Due, t0.Add(5*time.Hour+want))
		}
	}
	ds = feed(t, e, in("g2", 6, backstop.GroundAssault, "RU", zones("R-N")))
	if got, want := brief(ds), []string{"trigger ground-attack"}; !slices.Equal(got, want) {
		t.Errorf("second invocation: got %v; want %v (a stage opens once)", got, want)
	}
	st := e.State()
	if len(st.Stages) != 2 || st.Stages[0].Stage != "consultation" || st.Stages[1].Stage != "invocation" {
		t.Errorf("stages: got %+v", st.Stages)
	}
	if len(st.Obligations) != 6 {
		t.Errorf("obligations owed: got %d; want 6", len(st.Obligations))
	}
}

func TestObligationsDependOnDeal(t *testing.T) {
	e := engine(t, "defence", map[string]any{"sanctions": false})
	ds := feed(t, e, in("g", 0, backstop.GroundAssault, "RU", zones("R-N")))
	if slices.Contains(brief(ds), "obligation sanctions FR") {
		t.Errorf("sanctions owed although the deal has sanctions=false: %v", brief(ds))
	}
	e = engine(t, "defence", map[string]any{"form": "assurance"})
	ds = feed(t, e, in("g", 0, backstop.GroundAssault, "RU", zones("R-N")), in("t", 1, backstop.TerritorialSeizure, "RU", area(60)))
	if got, want := brief(ds), []string{"trigger seizure", "stage consultation", "obligation consult US", "obligation consult FR", "stage invocation", "obligation statement US", "obligation sanctions FR"}; !slices.Equal(got, want) {
		t.Errorf("assurance: got %v; want %v (no ground-attack trigger, no seizure prohibition, no air-defence)", got, want)
	}
}

func TestDealDate(t *testing.T) {
	e := engine(t, "assurance", nil) // takes effect 2026-01-01
	before := in("t", 0, backstop.TerritorialSeizure, "RU", area(60))
	before.Time = time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)
	if ds := feed(t, e, before); len(ds) != 0 {
		t.Errorf("incident before the deal's date: got %v; want no decision", brief(ds))
	}
	if ds := feed(t, e, in("t2", 0, backstop.TerritorialSeizure, "RU", area(60))); len(triggers(ds)) != 1 {
		t.Errorf("incident after the deal's date: got %v; want the seizure trigger", brief(ds))
	}
}

func TestOverdueAndFulfil(t *testing.T) {
	e := engine(t, "defence", nil)
	feed(t, e, in("g", 0, backstop.GroundAssault, "RU", zones("R-N")))
	if err := e.Fulfil("FR", "consult", t0.Add(time.Hour), "minutes"); err != nil {
		t.Fatalf("Fulfil: %v", err)
	}
	for _, tc := range []struct {
		party, obl, evidence string
		at                   time.Duration
		code                 string
	}{
		{"FR", "consult", "again", 2 * time.Hour, backstop.ECONFLICT},
		{"US", "sanctions", "x", time.Hour, backstop.ENOTFOUND},
		{"US", "statement", "", time.Hour, backstop.EINVALID},
		{"US", "consult", "x", -time.Hour, backstop.EINVALID},
	} {
		if err := e.Fulfil(tc.party, tc.obl, t0.Add(tc.at), tc.evidence); backstop.ErrorCode(err) != tc.code {
			t.Errorf("Fulfil(%s, %s): got %v; want code %s", tc.party, tc.obl, err, tc.code)
		}
	}
	if err := e.Fulfil("US", "statement", t0.Add(30*time.Hour), "public statement"); err != nil { // 6h late
		t.Fatalf("late Fulfil: %v", err)
	}
	if got := brief(e.Advance(t0.Add(24 * time.Hour))); len(got) != 0 {
		t.Errorf("Advance to the statement's due time: got %v; want nothing (due is not before now)", got)
	}
	got := brief(e.Advance(t0.Add(72 * time.Hour)))
	if want := []string{"overdue statement US", "overdue consult US"}; !slices.Equal(got, want) {
		t.Errorf("Advance +72h: got %v; want %v (FR consulted in time; US stated late)", got, want)
	}
	if got := brief(e.Advance(t0.Add(100 * time.Hour))); len(got) != 0 {
		t.Errorf("Advance again: got %v; want nothing (overdue once)", got)
	}
	// An incident later in time advances the clock too.
	ds := feed(t, e, in("x", 24*8, backstop.Sabotage, "RU"))
	if got, want := brief(ds), []string{"overdue air-defence US", "overdue air-defence FR"}; !slices.Equal(got, want) {
		t.Errorf("Add a week later: got %v; want %v", got, want)
	}
	st := e.State()
	for _, ob := range st.Obligations {
		wantOver := map[string]bool{"US/consult": true, "US/statement": true, "US/air-defence": true, "FR/air-defence": true}[ob.Party+"/"+ob.Obligation]
		if ob.Overdue != wantOver {
			t.Errorf("%s %s overdue: got %v; want %v", ob.Party, ob.Obligation, ob.Overdue, wantOver)
		}
	}
}

func TestAddRejectsOlderIncidents(t *testing.T) {
	e := engine(t, "defence", nil)
	feed(t, e, in("a", 5, backstop.Sabotage, "RU"))
	_, err := e.Add(in("b", 4, backstop.Sabotage, "RU"))
	if backstop.ErrorCode(err) != backstop.EINVALID {
		t.Errorf("older incident: got %v; want EINVALID", err)
	}
	if _, err := e.Add(in("c", 5, backstop.Sabotage, "RU")); err != nil {
		t.Errorf("simultaneous incident: got %v; want it accepted", err)
	}
	if _, err := e.Add(in("k", 6, "not_a_kind", "RU")); backstop.ErrorCode(err) != backstop.EINVALID {
		t.Errorf("unknown kind: got %v; want EINVALID", err)
	}
	if _, err := e.Add(backstop.Incident{ID: "z", Kind: backstop.Sabotage}); backstop.ErrorCode(err) != backstop.EINVALID {
		t.Errorf("incident without time: got %v; want EINVALID", err)
	}
}

func TestConditionErrorIsReported(t *testing.T) {
	e := engine(t, "defence", nil)
	ds, err := e.Add(in("a", 0, backstop.Artillery, "RU", counts("rounds", 500)))
	var ce *ConditionError
	if !errors.As(err, &ce) || ce.Rule != "no-heavy-barrage" || ce.Incident != "a" {
		t.Fatalf("got %v; want a ConditionError for no-heavy-barrage on a", err)
	}
	if len(ds) != 0 {
		t.Errorf("got %v; want no decision (condition not met)", brief(ds))
	}
}

func TestNewRejectsIncompleteDeal(t *testing.T) {
	if _, err := New(testDoc(t), &agreement.Deal{Terms: map[string]any{"form": "defence"}}); backstop.ErrorCode(err) != backstop.EINVALID {
		t.Errorf("got %v; want EINVALID", err)
	}
}

// TestDocumentTests runs the tests written in the testdata documents: all
// pass in agreement.yaml; in failing/ the differences are exactly known.
func TestDocumentTests(t *testing.T) {
	doc := testDoc(t)
	var runs [][]Decision
	for _, tc := range doc.Tests {
		r := RunTest(doc, tc)
		runs = append(runs, r.Decisions)
		if !r.Pass {
			t.Errorf("%s: failed: err %v missing %v unexpected %v", tc.Name, r.Err, r.Missing, r.Unexpected)
		}
	}
	if c := CoverageOf(doc, runs...); c.Percent != 100 || len(c.Items) != 11 {
		t.Errorf("coverage: got %.1f%% of %d items, uncovered %v; want 100%% of 11", c.Percent, len(c.Items), c.Uncovered)
	}
	bad, err := agreement.Load("testdata/failing/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := RunTest(bad, bad.Tests[1])
	wantMissing := []string{"obligation aid G due 2026-01-04T00:00:00Z", "violation no-shelling"}
	wantUnexpected := []string{"obligation aid G due 2026-01-05T00:00:00Z", "unverified s1"}
	if r.Pass || !slices.Equal(r.Missing, wantMissing) || !slices.Equal(r.Unexpected, wantUnexpected) {
		t.Errorf("failing test: got pass=%v missing %v unexpected %v; want missing %v unexpected %v",
			r.Pass, r.Missing, r.Unexpected, wantMissing, wantUnexpected)
	}
	if c := CoverageOf(bad, RunTest(bad, bad.Tests[0]).Decisions); fmt.Sprint(c.Uncovered) != "[provision no-shelling]" {
		t.Errorf("uncovered: got %v; want [provision no-shelling]", c.Uncovered)
	}
}
