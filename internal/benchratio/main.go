// Command benchratio reads `go test -bench` output on standard input and
// prints, for each pair of a Backstop hot path and the simple baseline it is
// measured against in the same run, both times and the speed-up. Ratios
// measured in one run on one machine are what we compare, never absolute
// times from elsewhere.
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
)

// pair is a benchmark and its baseline, by name without the -GOMAXPROCS
// suffix.
type pair struct{ what, fast, base string }

var pairs = []pair{
	{"point-in-zone on the oblast polygons (R-tree vs linear scan)", "BenchmarkLocate/index", "BenchmarkLocate/naive-scan"},
	{"evaluator: incidents adjudicated (indexed engine vs every condition via CEL)", "BenchmarkAdd", "BenchmarkAddNaive"},
	{"monitor: reports fused and adjudicated (engine vs naive CEL per report)", "BenchmarkFuseAdjudicate", "BenchmarkNaiveCEL"},
}

var lineRE = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op`)

func main() {
	ns := map[string]float64{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		fmt.Println(line)
		if m := lineRE.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			ns[m[1]] = v
		}
	}
	fmt.Println()
	fmt.Println("Ratios against baselines measured in this run:")
	fmt.Printf("  %-78s %14s %14s %9s\n", "hot path", "ours ns/op", "baseline ns/op", "speed-up")
	for _, p := range pairs {
		f, okF := ns[p.fast]
		b, okB := ns[p.base]
		if !okF || !okB {
			fmt.Printf("  %-78s %s\n", p.what, "(not measured in this run)")
			continue
		}
		fmt.Printf("  %-78s %14.0f %14.0f %8.1fx\n", p.what, f, b, b/f)
	}
	if len(ns) == 0 {
		fmt.Fprintln(os.Stderr, "benchratio: no benchmark lines on standard input")
		os.Exit(1)
	}
}
