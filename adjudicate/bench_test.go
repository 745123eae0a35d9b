package adjudicate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/agreement"
)

// stream makes n synthetic incidents over the testdata agreement, a few
// minutes apart: every kind of the taxonomy, four actors, named regions or
// points (inside and outside the zones), Admiralty grades from A1 to E5,
// launch and shell counts. The seed makes it reproducible.
func stream(n int, seed uint64) []backstop.Incident {
	r := rand.New(rand.NewPCG(seed, 1))
	actors := []string{"RU", "RU", "RU", "BY", "UA", ""}
	kinds := append(slices.Clone(backstop.Kinds), backstop.MissileStrike, backstop.DroneStrike, backstop.DroneStrike, backstop.Artillery, backstop.Artillery)
	out := make([]backstop.Incident, n)
	at := t0
	for i := range out {
		at = at.Add(time.Duration(r.IntN(600)) * time.Second)
		inc := backstop.Incident{
			ID: fmt.Sprintf("i%d", i), Time: at, Kind: kinds[r.IntN(len(kinds))], Actor: actors[r.IntN(len(actors))],
			Grade:              backstop.Grade{Reliability: backstop.Reliability('A' + r.IntN(5)), Credibility: backstop.Credibility(1 + r.IntN(5))},
			IndependentSources: r.IntN(4), OpposingSides: r.IntN(3) == 0,
		}
		switch r.IntN(4) {
		case 0:
			inc.Zones = []string{"R-N"}
		case 1:
			inc.Zones = []string{"R-S"}
		case 2:
			inc.Place = backstop.Place{Lon: 29.5 + 3*r.Float64(), Lat: 48.5 + 3*r.Float64(), HasPoint: true}
		}
		switch inc.Kind {
		case backstop.DroneStrike:
			inc.Counts = map[string]float64{"launched": float64(r.IntN(60))}
		case backstop.Artillery:
			inc.Counts = map[string]float64{"shells": float64(r.IntN(200))}
		case backstop.TerritorialSeizure:
			inc.AreaKm2 = float64(r.IntN(100))
		}
		out[i] = inc
	}
	return out
}

// naive is the baseline: for every incident it evaluates every provision
// and every trigger from scratch — in_force and when through CEL with a
// fresh activation each time, parties and zones expanded each time, and
// windows recounted by scanning the incidents since the last firing. It is
// also the reference the engine is checked against.
type naive struct {
	doc   *agreement.Doc
	deal  *agreement.Deal
	zs    *agreement.ZoneSet
	hist  map[string][]naiveItem // trigger + "|" + group -> incidents since the last firing
	stage map[string]bool
}

type naiveItem struct {
	t  time.Time
	v  float64
	id string
}

func newNaive(t testing.TB, doc *agreement.Doc, deal *agreement.Deal) *naive {
	zs, err := doc.Zones(deal)
	if err != nil {
		t.Fatal(err)
	}
	return &naive{doc: doc, deal: deal, zs: zs, hist: map[string][]naiveItem{}, stage: map[string]bool{}}
}

func (n *naive) members(ids []string) []string {
	var out []string
	for _, id := range n.doc.ExpandParties(ids) {
		out = append(out, id)
		if p := n.doc.Party(id); p != nil && p.Kind == "coalition" {
			out = append(out, n.members(p.Members)...)
		}
	}
	return out
}

func (n *naive) zonesOf(inc backstop.Incident) []string {
	zs := n.zs.Expand(inc.Zones)
	if inc.Place.HasPoint {
		zs = append(zs, n.zs.Locate(inc.Place.Lon, inc.Place.Lat)...)
	}
	return zs
}

func (n *naive) vars(inc backstop.Incident) map[string]any {
	counts := inc.Counts
	if counts == nil {
		counts = map[string]float64{}
	}
	return map[string]any{"terms": n.deal.Terms, "incident": map[string]any{
		"id": inc.ID, "kind": string(inc.Kind), "actor": inc.Actor, "time": inc.Time, "end": inc.End,
		"zones": n.zonesOf(inc), "counts": counts, "area_km2": inc.AreaKm2, "grade": inc.Grade.String(),
		"reliability": inc.Grade.Reliability.String(), "credibility": int64(credNorm(inc.Grade.Credibility)),
		"sources": int64(inc.IndependentSources), "opposing_sides": inc.OpposingSides, "text": inc.Text,
		"lon": inc.Place.Lon, "lat": inc.Place.Lat, "has_point": inc.Place.HasPoint,
	}}
}

func (n *naive) holds(x *agreement.Expr, inc backstop.Incident) bool {
	ok, err := x.Eval(n.vars(inc))
	return err == nil && ok
}

func anyIn(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// add returns the incident's decisions as "kind rule incidents".
func (n *naive) add(inc backstop.Incident) []string {
	var out []string
	if r := n.doc.RuleFor(string(inc.Kind)); r != nil {
		minRel, err := backstop.ParseReliability(r.MinReliability)
		if err != nil {
			minRel = 'F'
		}
		if !inc.Grade.Reliability.AtLeast(minRel) || (r.MinCredibility > 0 && !inc.Grade.Credibility.AtLeast(backstop.Credibility(r.MinCredibility))) ||
			inc.IndependentSources < r.MinSources || (r.OpposingSides && !inc.OpposingSides) {
			return []string{"unverified " + r.ID + " " + inc.ID}
		}
	}
	for _, p := range n.doc.Provisions {
		if p.Kind != agreement.Prohibition || !n.holds(p.InForceExpr(), inc) || !slices.Contains(prohibitedKinds(p), inc.Kind) ||
			!slices.Contains(n.members(p.Parties), inc.Actor) || (len(p.Zones) > 0 && !anyIn(p.Zones, n.zonesOf(inc))) || !n.holds(p.WhenExpr(), inc) {
			continue
		}
		out = append(out, "violation "+p.ID+" "+inc.ID)
	}
	for _, t := range n.doc.Triggers {
		if !n.holds(t.InForceExpr(), inc) || (len(t.Kinds) > 0 && !slices.Contains(t.Kinds, inc.Kind)) ||
			(len(t.Actors) > 0 && !slices.Contains(n.members(t.Actors), inc.Actor)) ||
			(len(t.Zones) > 0 && !anyIn(t.Zones, n.zonesOf(inc))) || !n.holds(t.WhenExpr(), inc) {
			continue
		}
		th := t.Threshold
		if th == nil || (th.Count <= 1 && th.Sum == "") {
			out = append(out, n.fire(t, []string{inc.ID})...)
			continue
		}
		groups := []string{""}
		for _, per := range th.Per {
			var next []string
			for _, g := range groups {
				if per == "actor" {
					next = append(next, g+"|a="+inc.Actor)
					continue
				}
				split := strings.TrimPrefix(per, "zone:")
				var kids []string
				for _, z := range n.zonesOf(inc) {
					if slices.Contains(n.doc.ZoneChildren(split), z) && !slices.Contains(kids, z) {
						kids = append(kids, z)
					}
				}
				if len(kids) == 0 {
					kids = []string{""}
				}
				for _, k := range kids {
					next = append(next, g+"|z="+k)
				}
			}
			groups = next
		}
		for _, g := range groups {
			key := t.ID + g
			var kept []naiveItem
			sum := 0.0
			for _, it := range append(n.hist[key], naiveItem{inc.Time, inc.Counts[th.Sum], inc.ID}) {
				if !it.t.Before(inc.Time.Add(-time.Duration(th.Window))) {
					kept = append(kept, it)
					sum += it.v
				}
			}
			n.hist[key] = kept
			if (th.Count > 1 && len(kept) >= th.Count) || (th.Sum != "" && sum >= th.AtLeast) {
				var ids []string
				for _, it := range kept {
					ids = append(ids, it.id)
				}
				n.hist[key] = nil
				out = append(out, n.fire(t, ids)...)
			}
		}
	}
	return out
}

func (n *naive) fire(t *agreement.Trigger, ids []string) []string {
	out := []string{"trigger " + t.ID + " " + strings.Join(ids, ",")}
	if t.Effect == agreement.RecordViolation {
		rule := t.Provision
		if rule == "" {
			rule = t.ID
		}
		out = append(out, "violation "+rule+" "+strings.Join(ids, ","))
	}
	return out
}

// TestEngineAgreesWithNaive is a differential test: on random streams under
// every deal of the testdata document, the engine's unverified, violation
// and trigger decisions equal the naive reference's, one by one.
func TestEngineAgreesWithNaive(t *testing.T) {
	doc := testDoc(t)
	n := 4000
	if testing.Short() {
		n = 1000
	}
	incs := stream(n, 7)
	deals := 0
	doc.EachDeal(func(terms map[string]any) bool {
		deals++
		deal, err := doc.WithTerms(nil, terms)
		if err != nil {
			t.Fatal(err)
		}
		e, err := New(doc, deal)
		if err != nil {
			t.Fatal(err)
		}
		ref := newNaive(t, doc, deal)
		fired := 0
		for _, inc := range incs {
			ds, _ := e.Add(inc)
			var got []string
			for _, d := range ds {
				switch d.Kind {
				case Unverified, Violation, Fired:
					got = append(got, d.Kind+" "+d.Rule+" "+strings.Join(d.Incidents, ","))
					if d.Kind == Fired {
						fired++
					}
				}
			}
			if want := ref.add(inc); !slices.Equal(got, want) {
				t.Fatalf("deal %v, incident %+v:\n got %q\nwant %q", terms, inc, got, want)
			}
		}
		if fired == 0 {
			t.Errorf("deal %v: no trigger fired in %d incidents; the stream does not exercise windows", terms, n)
		}
		return true
	})
	if deals != 12 {
		t.Errorf("deals: got %d; want 12", deals)
	}
}

const benchIncidents = 100_000

func benchDeal(b *testing.B) (*agreement.Doc, *agreement.Deal, []backstop.Incident) {
	doc := testDoc(b)
	deal, err := doc.LoadDeal("testdata/deals/defence.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := doc.Zones(deal); err != nil { // build and cache zones outside the timing
		b.Fatal(err)
	}
	return doc, deal, stream(benchIncidents, 42)
}

// BenchmarkAdd feeds 100k incidents to a fresh engine per iteration; the
// ns/incident metric is the figure to compare with BenchmarkAddNaive.
func BenchmarkAdd(b *testing.B) {
	doc, deal, incs := benchDeal(b)
	b.ReportAllocs()
	for b.Loop() {
		e, err := New(doc, deal)
		if err != nil {
			b.Fatal(err)
		}
		for _, inc := range incs {
			e.Add(inc)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(incs)), "ns/incident")
}

// BenchmarkAddNaive is the baseline on the same stream.
func BenchmarkAddNaive(b *testing.B) {
	doc, deal, incs := benchDeal(b)
	b.ReportAllocs()
	for b.Loop() {
		ref := newNaive(b, doc, deal)
		for _, inc := range incs {
			ref.add(inc)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(incs)), "ns/incident")
}
