package genius

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/negotiate"
)

// writeRectProfile writes a random hyper-rectangle profile (INCLUDES and
// EXCLUDES rectangles) over issues 1..n with values 0..v-1.
func writeRectProfile(rng *rand.Rand, path string, n, v int) {
	var b strings.Builder
	b.WriteString(`<utility_space type="nonlinear"><objective index="0" name="root">` + "\n")
	total := 0
	var rects strings.Builder
	for r := 0; r < 12; r++ {
		u := 1 + rng.IntN(20)
		total += u
		kind := "INCLUDES"
		if rng.IntN(4) == 0 {
			kind = "EXCLUDES"
		}
		fmt.Fprintf(&rects, `<hyperRectangle utility="%d">`, u)
		for _, is := range rng.Perm(n)[:1+rng.IntN(2)] {
			lo := rng.IntN(v)
			hi := lo + rng.IntN(v-lo)
			fmt.Fprintf(&rects, `<%s index="%d" min="%d" max="%d"/>`, kind, is+1, lo, hi)
		}
		rects.WriteString("</hyperRectangle>\n")
	}
	fmt.Fprintf(&b, `<utility maxutility="%d"><ufun type="PlainUfun" weight="1" aggregation="sum">%s</ufun></utility>`, total*3/4, rects.String())
	b.WriteString("</objective>")
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, `<reservation value="%.2f"/>`, rng.Float64()*0.4)
	}
	b.WriteString("</utility_space>\n")
	os.WriteFile(path, []byte(b.String()), 0o644)
}

// TestBranchAndBoundMatchesEnumeration checks the exact branch and bound
// on random hyper-rectangle domains small enough to enumerate: the same
// utility vectors (B&B lists one deal per vector), and the same extremes.
func TestBranchAndBoundMatchesEnumeration(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 25; k++ {
		dir := t.TempDir()
		n, v := 3+rng.IntN(3), 2+rng.IntN(4)
		var dom strings.Builder
		dom.WriteString("<negotiation_template><utility_space><objective index=\"0\" name=\"root\">\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&dom, `<issue etype="integer" index="%d" name="i%d" type="integer" vtype="integer" lowerbound="0" upperbound="%d"/>`+"\n", i, i, v-1)
		}
		dom.WriteString("</objective></utility_space></negotiation_template>\n")
		os.WriteFile(filepath.Join(dir, "domain.xml"), []byte(dom.String()), 0o644)
		writeRectProfile(rng, filepath.Join(dir, "p1.xml"), n, v)
		writeRectProfile(rng, filepath.Join(dir, "p2.xml"), n, v)
		s, err := LoadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := s.Problem()
		ref, err := negotiate.Analyze(context.Background(), p, negotiate.Options{Method: "enumerate"})
		if err != nil {
			t.Fatal(err)
		}
		bb, err := negotiate.Analyze(context.Background(), p, negotiate.Options{Method: "bnb"})
		if err != nil {
			t.Fatal(err)
		}
		vecs := func(pts []negotiate.Point) [][]float64 {
			var out [][]float64
			for _, q := range pts {
				if !slices.ContainsFunc(out, func(x []float64) bool { return slices.Equal(x, q.Utilities) }) {
					out = append(out, q.Utilities)
				}
			}
			slices.SortFunc(out, func(a, b []float64) int { return slices.Compare(b, a) })
			return out
		}
		if g, w := vecs(bb.Frontier), vecs(ref.Frontier); !slices.EqualFunc(g, w, slices.Equal) {
			t.Errorf("case %d: branch and bound frontier %v; enumeration %v", k, g, w)
		}
		if !slices.Equal(bb.Min, ref.Min) || !slices.Equal(bb.Max, ref.Max) {
			t.Errorf("case %d: extremes %v..%v; enumeration %v..%v", k, bb.Min, bb.Max, ref.Min, ref.Max)
		}
		if g, w := vecs(bb.Nash), vecs(ref.Nash); !slices.EqualFunc(g, w, slices.Equal) {
			t.Errorf("case %d: Nash %v; enumeration %v", k, g, w)
		}
	}
}
