package negotiate

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/agreement"
)

var update = flag.Bool("update", false, "rewrite golden files")

// randomProblem builds an additive problem with coarse contributions (so
// that ties and equal utility vectors are common).
func randomProblem(rng *rand.Rand, parties int, sizes []int, coarse bool) *Problem {
	d := &Domain{Name: "random"}
	for i, n := range sizes {
		is := Issue{Name: fmt.Sprintf("i%d", i), Kind: Discrete}
		for v := 0; v < n; v++ {
			is.Values = append(is.Values, fmt.Sprintf("v%d", v))
		}
		d.Issues = append(d.Issues, is)
	}
	p := &Problem{Domain: d}
	for j := 0; j < parties; j++ {
		a := &Additive{}
		for _, n := range sizes {
			c := make([]float64, n)
			for v := range c {
				if coarse {
					c[v] = float64(rng.IntN(4)) * 0.1 / float64(len(sizes))
				} else {
					c[v] = rng.Float64() / float64(len(sizes))
				}
			}
			a.Contrib = append(a.Contrib, c)
		}
		p.Parties = append(p.Parties, Party{Name: fmt.Sprintf("p%d", j), U: a, Reserved: rng.Float64() * 0.3})
	}
	return p
}

func samePoints(t *testing.T, what string, got, want []Point) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d points; want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if !slices.Equal(got[i].Outcome, want[i].Outcome) || !slices.Equal(got[i].Utilities, want[i].Utilities) {
			t.Errorf("%s[%d]: got %v %v; want %v %v", what, i, got[i].Outcome, got[i].Utilities, want[i].Outcome, want[i].Utilities)
			return
		}
	}
}

// TestAdditiveMatchesEnumeration checks the fast path against the reference
// path on random domains, 1 to 4 parties, with and without many ties.
func TestAdditiveMatchesEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for k := 0; k < 60; k++ {
		parties := 1 + k%4
		sizes := make([]int, 2+rng.IntN(4))
		for i := range sizes {
			sizes[i] = 1 + rng.IntN(6)
		}
		p := randomProblem(rng, parties, sizes, k%2 == 0)
		name := fmt.Sprintf("case%d-%dparties-%v", k, parties, sizes)
		t.Run(name, func(t *testing.T) {
			fast, err := Analyze(context.Background(), p, Options{Method: "additive"})
			if err != nil {
				t.Fatal(err)
			}
			ref, err := Analyze(context.Background(), p, Options{Method: "enumerate"})
			if err != nil {
				t.Fatal(err)
			}
			samePoints(t, "frontier", fast.Frontier, ref.Frontier)
			samePoints(t, "nash", fast.Nash, ref.Nash)
			samePoints(t, "ks", fast.KalaiSmorodinsky, ref.KalaiSmorodinsky)
			samePoints(t, "egalitarian", fast.Egalitarian, ref.Egalitarian)
			samePoints(t, "max welfare", fast.MaxWelfare, ref.MaxWelfare)
			if !slices.Equal(fast.Min, ref.Min) || !slices.Equal(fast.Max, ref.Max) {
				t.Errorf("bounds: got %v..%v; want %v..%v", fast.Min, fast.Max, ref.Min, ref.Max)
			}
		})
	}
}

// TestFrontierBruteForce checks enumeration's frontier against the
// quadratic definition on a small domain.
func TestFrontierBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for k := 0; k < 20; k++ {
		p := randomProblem(rng, 2+k%2, []int{3, 4, 2}, true)
		a, err := Analyze(context.Background(), p, Options{Method: "enumerate"})
		if err != nil {
			t.Fatal(err)
		}
		size, _ := p.Domain.SizeUint64()
		var all []Point
		for r := uint64(0); r < size; r++ {
			o := p.Domain.Decode(r, nil)
			u := make([]float64, len(p.Parties))
			ok := true
			for i, pt := range p.Parties {
				u[i] = pt.U.Utility(o)
				ok = ok && u[i] >= pt.Reserved
			}
			if ok {
				all = append(all, Point{o, u})
			}
		}
		var want []Point
		for _, x := range all {
			dom := false
			for _, y := range all {
				if dominates(y.Utilities, x.Utilities) {
					dom = true
				}
			}
			if !dom {
				want = append(want, x)
			}
		}
		SortPoints(want)
		samePoints(t, fmt.Sprintf("case %d frontier", k), a.Frontier, want)
	}
}

// TestBargainingTies: equal utility vectors are all listed, and Nash uses
// the reserved values as disagreement point.
func TestBargainingTies(t *testing.T) {
	front := []Point{
		{Outcome{0}, []float64{0.9, 0.3}},
		{Outcome{1}, []float64{0.6, 0.6}},
		{Outcome{2}, []float64{0.6, 0.6}},
		{Outcome{3}, []float64{0.3, 0.9}},
	}
	nash, ks, egal, mw := BargainingPoints(front, []float64{0.2, 0}, []float64{0, 0}, []float64{1, 1})
	want := func(name string, got []Point, ids ...int) {
		var g []int
		for _, p := range got {
			g = append(g, p.Outcome[0])
		}
		if !slices.Equal(g, ids) {
			t.Errorf("%s: got %v; want %v", name, g, ids)
		}
	}
	// Nash products with d=(0.2,0): 0.21, 0.24, 0.24, 0.09.
	want("nash", nash, 1, 2)
	want("ks", ks, 1, 2)
	want("egalitarian", egal, 1, 2)
	want("max welfare", mw, 0, 1, 2, 3)
}

func ukraineTerms(t testing.TB) []agreement.Term {
	doc, err := agreement.Load("testdata/ukraine-terms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var terms []agreement.Term
	for _, x := range doc.Terms {
		terms = append(terms, *x)
	}
	return terms
}

// ukrainePositions reads the worked example's positions with the terms
// from testdata (the same terms as examples/ukraine-2025/agreement.yaml),
// so the test does not depend on the rest of that document.
func ukrainePositions(t testing.TB) *Positions {
	src, err := os.ReadFile("../examples/ukraine-2025/positions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pos, err := ParsePositions("positions.yaml", src, ukraineTerms(t))
	if err != nil {
		t.Fatal(err)
	}
	return pos
}

// TestWorkedExampleDeadlock pins the worked example's story: the
// territorial red lines of Ukraine and Russia exclude each other, nothing
// is acceptable, and relaxing either one (alone) opens a zone.
func TestWorkedExampleDeadlock(t *testing.T) {
	pos := ukrainePositions(t)
	d, err := pos.Diagnose(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Zone != 0 {
		t.Fatalf("zone: got %d deals; want 0 (deadlock)", d.Zone)
	}
	var conflicts []string
	for _, c := range d.Conflicts {
		conflicts = append(conflicts, c[0].ID+"/"+c[1].ID)
	}
	if want := []string{"ua-no-cession/ru-donbas-legal-boundaries"}; !slices.Equal(conflicts, want) {
		t.Errorf("conflicts: got %v; want %v", conflicts, want)
	}
	var sets []string
	for _, r := range d.Minimal {
		sets = append(sets, redLineList(r.RedLines))
		if r.Zone <= 0 || r.Analysis == nil || len(r.Analysis.Nash) == 0 {
			t.Errorf("relaxation %s: zone %d; want a non-empty zone with a Nash point", redLineList(r.RedLines), r.Zone)
		}
	}
	if want := []string{"ru-donbas-legal-boundaries (RU)", "ua-no-cession (UA)"}; !slices.Equal(sets, want) {
		t.Errorf("minimal relaxations: got %v; want %v", sets, want)
	}
	if !slices.Equal(d.Cheapest, []int{0}) {
		t.Errorf("cheapest: got %v; want [0]", d.Cheapest)
	}
	// The SAT path must find the same minimal sets and conflicts.
	s, err := pos.DiagnoseSAT(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var satSets []string
	for _, r := range s.Minimal {
		satSets = append(satSets, redLineList(r.RedLines))
	}
	if !slices.Equal(satSets, sets) || len(s.Conflicts) != len(d.Conflicts) || s.Zone != 0 {
		t.Errorf("SAT: got sets %v, %d conflicts, zone %d; want %v, %d, 0", satSets, len(s.Conflicts), s.Zone, sets, len(d.Conflicts))
	}
}

// TestRelaxationsAgainstBruteForce checks Diagnose and DiagnoseSAT on
// variants of the example with tightened walk-away values against the
// definition: every minimal set of red lines whose removal leaves an
// acceptable deal.
func TestRelaxationsAgainstBruteForce(t *testing.T) {
	for _, walk := range []float64{0.3, 0.5, 0.55, 0.6} {
		pos := ukrainePositions(t)
		for i := range pos.Parties {
			pos.Parties[i].WalkAway = max(pos.Parties[i].WalkAway, walk)
		}
		nr := len(pos.RedLines())
		feasible := map[uint64]bool{}
		for m := uint64(0); m < 1<<nr; m++ {
			a, err := Analyze(context.Background(), pos.ProblemWithout(m), Options{Method: "enumerate"})
			if err != nil {
				t.Fatal(err)
			}
			feasible[m] = a.Rational > 0
		}
		var want []uint64
		for m, ok := range feasible {
			if !ok {
				continue
			}
			minimal := true
			for s := (m - 1) & m; ; s = (s - 1) & m {
				if s != m && feasible[s] {
					minimal = false
					break
				}
				if s == 0 {
					break
				}
			}
			if minimal {
				want = append(want, m)
			}
		}
		slices.Sort(want)
		for _, diag := range []func(context.Context) (*Deadlock, error){pos.Diagnose, pos.DiagnoseSAT} {
			d, err := diag(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for _, r := range d.Minimal {
				got = append(got, r.Mask)
			}
			if d.Zone != 0 {
				got = []uint64{0}
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("walk-away ≥ %g (%s): minimal relaxations %b; want %b", walk, d.Path, got, want)
			}
		}
	}
}

// TestTermsInSync checks that testdata/ukraine-terms.yaml still declares
// the same terms as the worked example's agreement.
func TestTermsInSync(t *testing.T) {
	doc, err := agreement.Load("../examples/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := ukraineTerms(t)
	if len(doc.Terms) != len(want) {
		t.Fatalf("agreement has %d terms; testdata has %d", len(doc.Terms), len(want))
	}
	for i, x := range doc.Terms {
		w := want[i]
		if x.ID != w.ID || x.Type != w.Type || !slices.Equal(x.Values, w.Values) || x.Min != w.Min || x.Max != w.Max || x.Step != w.Step {
			t.Errorf("term %d: agreement %+v; testdata %+v", i, *x, w)
		}
	}
}

// TestWorkedExampleGolden pins the analyst-facing text of the worked
// example, read exactly as the CLI reads it.
func TestWorkedExampleGolden(t *testing.T) {
	pos, err := LoadPositions("../examples/ukraine-2025/positions.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := pos.Diagnose(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c := d.Minimal[d.Cheapest[0]]
	var cands []Candidate
	for _, s := range []struct {
		l string
		p []Point
	}{{"Nash", c.Analysis.Nash}, {"Kalai-Smorodinsky", c.Analysis.KalaiSmorodinsky}, {"egalitarian", c.Analysis.Egalitarian}, {"max welfare", c.Analysis.MaxWelfare}} {
		cands = append(cands, Candidate{s.l, s.p[0].Outcome})
	}
	rob, err := pos.Robustness(context.Background(), c.Mask, cands, 300, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	pos.WriteReport(&b, c.Analysis, d, rob)
	got := b.String()
	for _, must := range []string{"Zone of agreement: NONE", "ua-no-cession (UA) versus ru-donbas-legal-boundaries (RU)", "illustrative assumptions", "What would unlock it", "Cheapest relaxation"} {
		if !strings.Contains(got, must) {
			t.Errorf("report lacks %q", must)
		}
	}
	golden := filepath.Join("testdata", "ukraine-analysis.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("report differs from %s (run go test -update after checking):\n--- got ---\n%s", golden, got)
	}
}

// TestPositionErrors: bad positions fail with the line of the problem.
func TestPositionErrors(t *testing.T) {
	terms := ukraineTerms(t)
	for _, c := range []struct{ src, want string }{
		{"parties:\n  - party: UA\n    red_lines:\n      - id: x\n        require: \"terms.nope == 1\"\n    preferences: {weights: {settlement: 1}}\n", "x.yaml:4: red line x reads terms.nope"},
		{"parties:\n  - party: UA\n    red_lines:\n      - id: x\n        require: \"terms.settlement ==\"\n    preferences: {weights: {settlement: 1}}\n", "x.yaml:4: red line x: ERROR"},
		{"parties:\n  - party: UA\n    preferences: {weights: {settlement: 1}, values: {settlement: {peace: 1}}}\n", "term settlement has no value \"peace\""},
		{"parties:\n  - party: UA\n    walk_away: 2\n    preferences: {weights: {settlement: 1}}\n", "x.yaml:2: party UA: walk_away 2"},
		{"parties:\n  - party: UA\n    colour: red\n", "field colour not found"},
		{"parties: []\n", "no parties"},
	} {
		_, err := ParsePositions("x.yaml", []byte(c.src), terms)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got error %v; want one containing %q", err, c.want)
		}
	}
}

func FuzzParsePositions(f *testing.F) {
	src, err := os.ReadFile("../examples/ukraine-2025/positions.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(src))
	f.Add("parties:\n  - party: UA\n    red_lines: [{id: a, require: 'terms.arms_supply'}]\n    preferences: {weights: {arms_supply: 1}}\n")
	terms := ukraineTerms(f)
	f.Fuzz(func(t *testing.T, s string) {
		pos, err := ParsePositions("fuzz.yaml", []byte(s), terms)
		if err != nil {
			return
		}
		_ = pos.Problem()
	})
}
