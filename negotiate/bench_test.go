package negotiate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// synthetic returns a 2-party additive problem with issues×values outcomes
// and independent uniform contributions (a hard case: large frontiers).
func synthetic(issues, values int, seed uint64) *Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	sizes := make([]int, issues)
	for i := range sizes {
		sizes[i] = values
	}
	return randomProblem(rng, 2, sizes, false)
}

// BenchmarkSynthetic compares the additive programme with enumeration (the
// baseline) on 10^6 outcomes, and runs the programme alone on 10^12.
func BenchmarkSynthetic(b *testing.B) {
	for _, c := range []struct {
		issues, values int
		methods        []string
	}{
		{6, 10, []string{"additive", "enumerate"}},
		{12, 10, []string{"additive"}},
	} {
		p := synthetic(c.issues, c.values, 1)
		for i := range p.Parties {
			p.Parties[i].Reserved = 0
		}
		for _, m := range c.methods {
			b.Run(fmt.Sprintf("1e%d/%s", c.issues, m), func(b *testing.B) {
				var n int
				for b.Loop() {
					a, err := Analyze(context.Background(), p, Options{Method: m})
					if err != nil {
						b.Fatal(err)
					}
					n = len(a.Frontier)
				}
				b.ReportMetric(float64(n), "frontier")
			})
		}
	}
}
