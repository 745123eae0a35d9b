// Command benchreport times Backstop's frontier and bargaining-point
// computation on the shared ANAC/GENIUS domains and on synthetic domains,
// and prints a table of our time against the reference tool's own time
// (timing.frontier_wall_time_s in the reference files, measured on the same
// machine class) with the ratio. Run it with "make -f Makefile.negotiate
// bench-negotiate".
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/backstop-dev/backstop/negotiate"
	"github.com/backstop-dev/backstop/negotiate/genius"
	"github.com/backstop-dev/backstop/negotiate/simulate"
)

type ref struct {
	Domain    string   `json:"domain"`
	Profiles  []string `json:"profiles"`
	NOutcomes float64  `json:"n_outcomes"`
	Timing    struct {
		Frontier float64 `json:"frontier_wall_time_s"`
	} `json:"timing"`
}

// timeIt returns the median wall time of fn over enough runs to fill ~0.2 s
// (at least 3 runs).
func timeIt(fn func()) time.Duration {
	var ds []time.Duration
	start := time.Now()
	for len(ds) < 3 || (time.Since(start) < 200*time.Millisecond && len(ds) < 1000) {
		t := time.Now()
		fn()
		ds = append(ds, time.Since(t))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

func main() {
	minOutcomes := flag.Float64("min", 0, "only domains with at least this many outcomes")
	flag.Parse()
	data := shareddata.Find()
	if data == "" {
		fmt.Fprintln(os.Stderr, "benchreport: ../shared/data not found; set", shareddata.EnvVar)
		os.Exit(1)
	}
	var files []string
	filepath.Walk(filepath.Join(data, "negotiation", "reference"), func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".json") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	ctx := context.Background()
	fmt.Printf("%-38s %12s %12s %12s %9s  %s\n", "domain", "outcomes", "ours", "reference", "ratio", "method")
	var logBig, logAll float64
	var nBig, nAll int
	minBig := math.Inf(1)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var r ref
		if err := json.Unmarshal(b, &r); err != nil {
			fmt.Fprintln(os.Stderr, f, err)
			os.Exit(1)
		}
		if r.NOutcomes < *minOutcomes {
			continue
		}
		s, err := genius.LoadDir(filepath.Join(data, "negotiation", "scenarios", r.Domain), r.Profiles...)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		p := s.Problem()
		var a *negotiate.Analysis
		d := timeIt(func() {
			a, err = negotiate.Analyze(ctx, p, negotiate.Options{})
			if err != nil {
				panic(err)
			}
		})
		ratio := r.Timing.Frontier / d.Seconds()
		logAll += math.Log(ratio)
		nAll++
		if r.NOutcomes >= 100_000 {
			logBig += math.Log(ratio)
			nBig++
			minBig = min(minBig, ratio)
		}
		fmt.Printf("%-38s %12.0f %12s %11.3fs %8.0fx  %s\n", r.Domain, r.NOutcomes, d.Round(time.Microsecond), r.Timing.Frontier, ratio, a.Method)
	}
	if nAll > 0 {
		fmt.Printf("\ngeometric mean speed-up over %d domains: %.0fx\n", nAll, math.Exp(logAll/float64(nAll)))
	}
	if nBig > 0 {
		fmt.Printf("domains with >= 100k outcomes (%d): geometric mean %.0fx, smallest %.0fx (goal >= 100x)\n", nBig, math.Exp(logBig/float64(nBig)), minBig)
	}

	fmt.Printf("\n%-38s %12s %12s %12s %9s\n", "synthetic (2 parties, additive)", "outcomes", "additive", "enumeration", "ratio")
	for _, c := range []struct{ issues, values int }{{6, 10}, {9, 10}, {12, 10}} {
		p := syntheticProblem(c.issues, c.values)
		fast := timeIt(func() { mustAnalyze(p, "additive") })
		enum := "-"
		ratio := "-"
		if c.issues <= 6 {
			e := timeIt(func() { mustAnalyze(p, "enumerate") })
			enum = e.Round(time.Microsecond).String()
			ratio = fmt.Sprintf("%.0fx", e.Seconds()/fast.Seconds())
		}
		fmt.Printf("%-38s %12s %12s %12s %9s\n", fmt.Sprintf("%d issues x %d values", c.issues, c.values), fmt.Sprintf("1e%d", c.issues), fast.Round(time.Microsecond), enum, ratio)
	}
	fmt.Println("goal: 10^6-outcome 2-party frontier + points < 30 ms")

	fmt.Printf("\n%-38s %12s %12s\n", "SAOP (stacked alternating offers)", "steps/s", "ns/step")
	ns := simulate.MeasureSteps()
	fmt.Printf("%-38s %12.0f %12.0f\n", "2 Boulware agents, 10^6-outcome domain", 1e9/ns, ns)
	fmt.Println("goal: < 10 µs per SAOP step")
}

func mustAnalyze(p *negotiate.Problem, m string) {
	if _, err := negotiate.Analyze(context.Background(), p, negotiate.Options{Method: m}); err != nil {
		panic(err)
	}
}

// syntheticProblem is a 2-party additive problem with uniform random
// contributions (seeded).
func syntheticProblem(issues, values int) *negotiate.Problem {
	rng := rand.New(rand.NewPCG(1, 7))
	d := &negotiate.Domain{Name: "synthetic"}
	for i := 0; i < issues; i++ {
		is := negotiate.Issue{Name: fmt.Sprintf("i%d", i), Kind: negotiate.Discrete}
		for v := 0; v < values; v++ {
			is.Values = append(is.Values, fmt.Sprint(v))
		}
		d.Issues = append(d.Issues, is)
	}
	p := &negotiate.Problem{Domain: d}
	for j := 0; j < 2; j++ {
		a := &negotiate.Additive{}
		for i := 0; i < issues; i++ {
			c := make([]float64, values)
			for v := range c {
				c[v] = rng.Float64() / float64(issues)
			}
			a.Contrib = append(a.Contrib, c)
		}
		p.Parties = append(p.Parties, negotiate.Party{Name: fmt.Sprintf("p%d", j+1), U: a})
	}
	return p
}
