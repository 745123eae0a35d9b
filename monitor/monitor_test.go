package monitor

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/adjudicate"
	"github.com/backstop-dev/backstop/agreement"
)

const (
	exampleAgreement = "../examples/ukraine-2025/agreement.yaml"
	exampleDeal      = "../examples/ukraine-2025/deals/compromise.yaml"
)

// example loads the worked example with the compromise deal taken to be in
// force from since.
func example(tb testing.TB, since time.Time) (*agreement.Doc, *agreement.Deal) {
	tb.Helper()
	doc, err := agreement.Load(exampleAgreement)
	if err != nil {
		tb.Skipf("worked example not loadable: %v", err)
	}
	deal, err := doc.LoadDeal(exampleDeal)
	if err != nil {
		tb.Skipf("worked example deal not loadable: %v", err)
	}
	d := *deal
	d.Date = since
	return doc, &d
}

func engine(tb testing.TB, doc *agreement.Doc, deal *agreement.Deal) *adjudicate.Engine {
	tb.Helper()
	e, err := adjudicate.New(doc, deal)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func runAll(tb testing.TB, doc *agreement.Doc, deal *agreement.Deal, reports []backstop.Report, shadow bool) []Decision {
	tb.Helper()
	opt := Options{Fuse: FuseOptions{Sources: testSources}}
	if shadow {
		opt.Shadow = engine(tb, doc, deal)
	}
	m := New(engine(tb, doc, deal), opt)
	var out []Decision
	err := Run(m, reports, nil, reports[len(reports)-1].Time.Add(30*24*time.Hour), func(d Decision) error {
		out = append(out, d)
		return nil
	}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestMonitorOrderIndependent feeds the same synthetic reports in ten
// orders through the worked example and wants the same decisions.
func TestMonitorOrderIndependent(t *testing.T) {
	doc, deal := example(t, t0.Add(-time.Hour))
	reports := synthetic(2000, 3)
	want := runAll(t, doc, deal, slices.Clone(reports), false)
	kinds := map[string]int{}
	for _, d := range want {
		kinds[d.Kind]++
	}
	t.Logf("decisions by kind: %v", kinds)
	if kinds[adjudicate.Violation] == 0 || kinds[adjudicate.Fired] == 0 || kinds[adjudicate.Unverified] == 0 {
		t.Fatalf("got decisions %v; want violations, triggers and unverified incidents from the synthetic stream", kinds)
	}
	if kinds[adjudicate.Overdue] == 0 {
		t.Errorf("got no overdue decisions; want obligations to fall overdue as the days pass")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 10 {
		rng.Shuffle(len(reports), func(a, b int) { reports[a], reports[b] = reports[b], reports[a] })
		got := runAll(t, doc, deal, slices.Clone(reports), false)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d: got %d decisions; want the same %d as in time order", i, len(got), len(want))
		}
	}
}

// TestMonitorShadow evaluates the same agreement as its own shadow: every
// decision must appear twice, once marked shadow, and the main decisions
// must be those of a run without shadow.
func TestMonitorShadow(t *testing.T) {
	doc, deal := example(t, t0.Add(-time.Hour))
	reports := synthetic(600, 4)
	plain := runAll(t, doc, deal, slices.Clone(reports), false)
	both := runAll(t, doc, deal, slices.Clone(reports), true)
	var main, shadow []Decision
	for _, d := range both {
		if d.Shadow {
			d.Shadow = false
			shadow = append(shadow, d)
		} else {
			main = append(main, d)
		}
	}
	if !reflect.DeepEqual(main, plain) {
		t.Errorf("got %d main decisions with a shadow; want the %d of a run without", len(main), len(plain))
	}
	if !reflect.DeepEqual(shadow, plain) {
		t.Errorf("got %d shadow decisions; want the same %d as the main agreement (it is the same document)", len(shadow), len(plain))
	}
}

// TestMonitorEvidence checks that a decision carries its incident's grade,
// sources and reports.
func TestMonitorEvidence(t *testing.T) {
	doc, deal := example(t, t0.Add(-time.Hour))
	a := rep("a", "airforce", 0, backstop.DroneStrike, pt(kyivLon, kyivLat))
	a.Counts = map[string]float64{"launched": 150}
	b := rep("b", "reuters", 1, backstop.DroneStrike, pt(kyivLon+0.05, kyivLat))
	ds := runAll(t, doc, deal, []backstop.Report{a, b}, false)
	var fired *Decision
	for i := range ds {
		if ds[i].Kind == adjudicate.Fired && ds[i].Rule == "massive-strike" {
			fired = &ds[i]
		}
	}
	if fired == nil {
		t.Fatalf("got %d decisions and no massive-strike trigger; want it for 150 drones confirmed by two independent B sources", len(ds))
	}
	if len(fired.Evidence) != 1 {
		t.Fatalf("got %d evidence items; want 1", len(fired.Evidence))
	}
	ev := fired.Evidence[0]
	if ev.Grade != "B2" || ev.Independent != 2 || !reflect.DeepEqual(ev.Sources, []string{"airforce", "reuters"}) || !reflect.DeepEqual(ev.Reports, []string{"a", "b"}) {
		t.Errorf("got evidence %+v; want grade B2, 2 independent sources airforce and reuters, reports a and b", ev)
	}
}
