package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/backstop-dev/backstop/negotiate"
	"github.com/backstop-dev/backstop/negotiate/genius"
	"github.com/backstop-dev/backstop/negotiate/simulate"
)

func init() {
	register(command{
		name:    "negotiate",
		summary: "analyse, simulate and run tournaments over negotiation positions or GENIUS domains",
		run:     runNegotiate,
	})
}

const negotiateUsage = `Usage:
  backstop negotiate analyze (--positions FILE | --genius DIR | --geniusweb DIR) [flags]
  backstop negotiate simulate (--positions FILE | --genius DIR) [flags]
  backstop negotiate tournament (--positions FILE | --genius DIR) [flags]

Run "backstop negotiate <sub> -h" for the flags of each.
`

func runNegotiate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, negotiateUsage)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	switch args[0] {
	case "analyze", "analyse":
		return runNegotiateAnalyze(ctx, args[1:], stdout, stderr)
	case "simulate":
		return runNegotiateSimulate(ctx, args[1:], stdout, stderr)
	case "tournament":
		return runNegotiateTournament(ctx, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "backstop negotiate: unknown subcommand %q\n\n%s", args[0], negotiateUsage)
	return exitUsage
}

// problemFlags are the flags that say where the negotiation comes from.
type problemFlags struct {
	positions, geniusDir, geniusWebDir, profiles string
}

func (p *problemFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.positions, "positions", "", "positions file (YAML) naming an agreement and each party's red lines and preferences")
	fs.StringVar(&p.geniusDir, "genius", "", "folder with one GENIUS domain XML and its profiles (parties in file-name order)")
	fs.StringVar(&p.geniusWebDir, "geniusweb", "", "folder with a GeniusWeb JSON domain and its profiles")
	fs.StringVar(&p.profiles, "profiles", "", "comma-separated profile file names to use as parties (default: all, in file-name order)")
}

// load returns the problem, and the positions when they were the source.
func (p *problemFlags) load() (*negotiate.Problem, *negotiate.Positions, error) {
	n := 0
	for _, s := range []string{p.positions, p.geniusDir, p.geniusWebDir} {
		if s != "" {
			n++
		}
	}
	if n != 1 {
		return nil, nil, errUsage("give exactly one of --positions, --genius, --geniusweb")
	}
	switch {
	case p.geniusDir != "":
		var only []string
		if p.profiles != "" {
			only = strings.Split(p.profiles, ",")
		}
		s, err := genius.LoadDir(p.geniusDir, only...)
		if err != nil {
			return nil, nil, err
		}
		return s.Problem(), nil, nil
	case p.geniusWebDir != "":
		d, profs, err := genius.LoadGeniusWebDir(p.geniusWebDir)
		if err != nil {
			return nil, nil, err
		}
		pr := &negotiate.Problem{Domain: d}
		for _, x := range profs {
			pr.Parties = append(pr.Parties, x.Party())
		}
		return pr, nil, nil
	}
	pos, err := negotiate.LoadPositions(p.positions)
	if err != nil {
		return nil, nil, err
	}
	return pos.Problem(), pos, nil
}

type usageError string

func (e usageError) Error() string { return string(e) }
func errUsage(s string) error      { return usageError(s) }

func exitFor(stderr io.Writer, err error) int {
	var u usageError
	fmt.Fprintf(stderr, "backstop negotiate: %v\n", err)
	if errors.As(err, &u) {
		return exitUsage
	}
	return exitFindings
}

func runNegotiateAnalyze(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("negotiate analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf problemFlags
	pf.register(fs)
	format := fs.String("format", "text", "output format: text or json")
	method := fs.String("method", "", "frontier algorithm: additive (exact, no enumeration) or enumerate (reference); default: the fastest exact one")
	plot := fs.String("plot", "", "write an SVG plot of the utility space and frontier to this file")
	plotParties := fs.String("plot-parties", "", "the two parties (names, comma-separated) on the plot's axes; default: the first two")
	maxList := fs.Int("list", 20, "text format: list at most this many frontier deals (0: all)")
	robust := fs.Int("robustness", 0, "positions: Monte Carlo samples of the uncertainty ranges (0: default 1000, -1: skip)")
	seed := fs.Int64("seed", 1, "random seed for Monte Carlo robustness")
	if err := fs.Parse(splitFlags(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backstop negotiate analyze: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "backstop negotiate analyze: --format must be text or json, not %q\n", *format)
		return exitUsage
	}
	prob, pos, err := pf.load()
	if err != nil {
		return exitFor(stderr, err)
	}
	px, py, err := plotAxes(prob, *plotParties)
	if err != nil {
		return exitFor(stderr, err)
	}
	if pos != nil {
		return analyzePositions(ctx, pos, *format, *plot, [2]int{px, py}, *robust, *seed, stdout, stderr)
	}
	opt := negotiate.Options{Method: *method, Progress: progress(stderr, "enumerating")}
	a, err := negotiate.Analyze(ctx, prob, opt)
	if err != nil {
		return exitFor(stderr, err)
	}
	if *plot != "" {
		if err := negotiate.WritePlotFile(*plot, prob, a, px, py); err != nil {
			return exitFor(stderr, err)
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(a.JSON(prob)); err != nil {
			return exitFor(stderr, err)
		}
		return exitOK
	}
	a.WriteText(stdout, prob, *maxList)
	return exitOK
}

// plotAxes resolves --plot-parties to party indices.
func plotAxes(p *negotiate.Problem, spec string) (int, int, error) {
	if spec == "" {
		return 0, 1, nil
	}
	names := strings.Split(spec, ",")
	if len(names) != 2 {
		return 0, 0, errUsage("--plot-parties wants two party names, comma-separated")
	}
	idx := [2]int{-1, -1}
	for k, n := range names {
		for i, pt := range p.Parties {
			if pt.Name == strings.TrimSpace(n) {
				idx[k] = i
			}
		}
		if idx[k] < 0 {
			return 0, 0, errUsage(fmt.Sprintf("--plot-parties: no party %q", n))
		}
	}
	return idx[0], idx[1], nil
}

// progress returns a progress callback that draws a bar on stderr once a
// run has lasted more than a second (short runs stay quiet).
func progress(stderr io.Writer, what string) func(done, total uint64) {
	var bar *progressbar.ProgressBar
	var start time.Time
	return func(done, total uint64) {
		if start.IsZero() {
			start = time.Now()
		}
		if bar == nil {
			if time.Since(start) < time.Second || done >= total {
				return
			}
			bar = progressbar.NewOptions64(int64(total), progressbar.OptionSetWriter(stderr),
				progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionThrottle(200*time.Millisecond))
		}
		_ = bar.Set64(int64(done))
		if done >= total {
			_ = bar.Finish()
			fmt.Fprintln(stderr)
		}
	}
}

// analyzePositions diagnoses a positions file: zone of agreement, deadlock,
// minimal relaxations, fair points and their robustness.
func analyzePositions(ctx context.Context, pos *negotiate.Positions, format, plot string, axes [2]int, samples int, seed int64, stdout, stderr io.Writer) int {
	d, err := pos.Diagnose(ctx)
	if err != nil {
		return exitFor(stderr, err)
	}
	// The negotiation to report on: as stated when a zone exists, else
	// after the (first) cheapest relaxation.
	var relaxed uint64
	var a *negotiate.Analysis
	size, ok := pos.Domain.SizeUint64()
	enumerable := ok && size <= negotiate.EnumerateLimit
	if !enumerable {
		fmt.Fprintf(stderr, "backstop negotiate: %s deals: too many to enumerate; reporting the red-line diagnosis only\n", pos.Domain.Size())
	}
	if d.Zone != 0 && enumerable {
		if a, err = negotiate.Analyze(ctx, pos.Problem(), negotiate.Options{}); err != nil {
			return exitFor(stderr, err)
		}
	} else if len(d.Cheapest) > 0 {
		c := d.Minimal[d.Cheapest[0]]
		relaxed, a = c.Mask, c.Analysis
	}
	var rob *negotiate.Robustness
	if samples == 0 {
		samples = 1000
	}
	if a != nil && samples > 0 && enumerable {
		var cands []negotiate.Candidate
		for _, s := range []struct {
			label string
			pts   []negotiate.Point
		}{{"Nash", a.Nash}, {"Kalai-Smorodinsky", a.KalaiSmorodinsky}, {"egalitarian", a.Egalitarian}, {"max welfare", a.MaxWelfare}} {
			if len(s.pts) > 0 {
				cands = append(cands, negotiate.Candidate{Label: s.label, Outcome: s.pts[0].Outcome})
			}
		}
		if rob, err = pos.Robustness(ctx, relaxed, cands, samples, seed, progress(stderr, "robustness")); err != nil {
			return exitFor(stderr, err)
		}
	}
	if plot != "" && a != nil {
		if err := negotiate.WritePlotFile(plot, pos.ProblemWithout(relaxed), a, axes[0], axes[1]); err != nil {
			return exitFor(stderr, err)
		}
	}
	if format == "json" {
		out := positionsJSON(pos, d, a, rob, relaxed)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return exitFor(stderr, err)
		}
		return exitOK
	}
	pos.WriteReport(stdout, a, d, rob)
	return exitOK
}

type jsonRelaxation struct {
	RedLines []string                `json:"red_lines"`
	Cost     float64                 `json:"cost"`
	Zone     int64                   `json:"zone"`
	Analysis *negotiate.JSONAnalysis `json:"analysis,omitempty"`
}

type jsonPositions struct {
	Note           string                  `json:"note"`
	Outcomes       string                  `json:"outcomes"`
	RedLinePath    string                  `json:"red_line_path"`
	Zone           int64                   `json:"zone"`
	Conflicts      [][2]string             `json:"conflicts"`
	WalkAwayBlocks bool                    `json:"walk_away_blocks"`
	Relaxations    []jsonRelaxation        `json:"relaxations"`
	Cheapest       []int                   `json:"cheapest"`
	Analysis       *negotiate.JSONAnalysis `json:"analysis,omitempty"`
	Robustness     *negotiate.Robustness   `json:"robustness,omitempty"`
}

func positionsJSON(pos *negotiate.Positions, d *negotiate.Deadlock, a *negotiate.Analysis, rob *negotiate.Robustness, relaxed uint64) *jsonPositions {
	j := &jsonPositions{Note: pos.Note, Outcomes: pos.Domain.Size().String(), RedLinePath: d.Path, Zone: d.Zone,
		WalkAwayBlocks: d.WalkAwayBlocks, Cheapest: d.Cheapest, Robustness: rob, Conflicts: [][2]string{}}
	for _, c := range d.Conflicts {
		j.Conflicts = append(j.Conflicts, [2]string{c[0].ID, c[1].ID})
	}
	for _, r := range d.Minimal {
		jr := jsonRelaxation{Cost: r.Cost, Zone: r.Zone}
		for _, rl := range r.RedLines {
			jr.RedLines = append(jr.RedLines, rl.ID)
		}
		if r.Analysis != nil {
			jr.Analysis = r.Analysis.JSON(pos.ProblemWithout(r.Mask))
		}
		j.Relaxations = append(j.Relaxations, jr)
	}
	if a != nil {
		j.Analysis = a.JSON(pos.ProblemWithout(relaxed))
	}
	return j
}

// simFlags are the flags shared by simulate and tournament.
type simFlags struct {
	rounds   int
	deadline time.Duration
	seed     uint64
	format   string
	relax    string
}

func (f *simFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.rounds, "rounds", 100, "deadline in rounds (each party acts once per round)")
	fs.DurationVar(&f.deadline, "time", 0, "deadline in wall-clock time instead of rounds (e.g. 2s; not reproducible)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed (sessions are reproducible for a given seed and round deadline)")
	fs.StringVar(&f.format, "format", "text", "output format: text or json")
	fs.StringVar(&f.relax, "relax", "", "positions: comma-separated red-line ids to relax before negotiating (default: the cheapest relaxation when there is no zone of agreement)")
}

// simProblem loads the problem and, for positions, applies relaxations.
func simProblem(ctx context.Context, pf *problemFlags, f *simFlags) (*negotiate.Problem, string, error) {
	prob, pos, err := pf.load()
	if err != nil {
		return nil, "", err
	}
	if pos == nil {
		return prob, "", nil
	}
	var mask uint64
	note := ""
	if f.relax != "" {
		for _, id := range strings.Split(f.relax, ",") {
			found := false
			for j, r := range pos.RedLines() {
				if r.ID == strings.TrimSpace(id) {
					mask |= 1 << j
					found = true
				}
			}
			if !found {
				return nil, "", errUsage(fmt.Sprintf("--relax: no red line %q", id))
			}
		}
		note = "relaxed: " + f.relax
	} else {
		d, err := pos.Diagnose(ctx)
		if err != nil {
			return nil, "", err
		}
		if d.Zone == 0 && len(d.Cheapest) > 0 {
			c := d.Minimal[d.Cheapest[0]]
			mask = c.Mask
			var ids []string
			for _, r := range c.RedLines {
				ids = append(ids, r.ID)
			}
			note = "no zone of agreement as stated; negotiating after the cheapest relaxation: " + strings.Join(ids, ", ")
		}
	}
	return pos.ProblemWithout(mask), note, nil
}

func runNegotiateSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("negotiate simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf problemFlags
	pf.register(fs)
	var sf simFlags
	sf.register(fs)
	agentsFlag := fs.String("agents", "", "comma-separated strategies, one per party in order ("+strings.Join(simulate.StrategyNames(), ", ")+"); default: boulware for every party")
	if err := fs.Parse(splitFlags(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if sf.format != "text" && sf.format != "json" {
		fmt.Fprintf(stderr, "backstop negotiate simulate: --format must be text or json\n")
		return exitUsage
	}
	prob, note, err := simProblem(ctx, &pf, &sf)
	if err != nil {
		return exitFor(stderr, err)
	}
	names := make([]string, len(prob.Parties))
	for i := range names {
		names[i] = "boulware"
	}
	if *agentsFlag != "" {
		names = strings.Split(*agentsFlag, ",")
		if len(names) != len(prob.Parties) {
			return exitFor(stderr, errUsage(fmt.Sprintf("--agents lists %d strategies for %d parties", len(names), len(prob.Parties))))
		}
	}
	agents := make([]simulate.Agent, len(names))
	for i, n := range names {
		a, err := simulate.NewAgent(strings.TrimSpace(n))
		if err != nil {
			return exitFor(stderr, errUsage(err.Error()))
		}
		agents[i] = a
	}
	sess, err := simulate.NewSession(ctx, prob, sf.seed)
	if err != nil {
		return exitFor(stderr, err)
	}
	res, err := sess.Run(ctx, agents, simulate.Config{Rounds: sf.rounds, Deadline: sf.deadline, Seed: sf.seed})
	if err != nil {
		return exitFor(stderr, err)
	}
	if sf.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(res)
		return exitOK
	}
	if note != "" {
		fmt.Fprintln(stdout, note)
	}
	fmt.Fprintf(stdout, "SAOP session, %d parties (%s), deadline %s, seed %d.\n", len(prob.Parties), strings.Join(res.Agents, ", "), deadlineText(sf), sf.seed)
	if !res.Agreement {
		fmt.Fprintf(stdout, "No agreement after %d rounds (%d steps).\n", res.Round, res.Steps)
		return exitOK
	}
	fmt.Fprintf(stdout, "Agreement in round %d (%d steps):\n", res.Round, res.Steps)
	for _, is := range prob.Domain.Issues {
		fmt.Fprintf(stdout, "  %-24s %s\n", is.Name, res.Deal[is.Name])
	}
	for i, pt := range prob.Parties {
		fmt.Fprintf(stdout, "  utility %-12s %.3f (walk-away %.3f)\n", pt.Name, res.Utilities[i], pt.Reserved)
	}
	fmt.Fprintf(stdout, "Distance to the Pareto frontier %.3f; to the Nash point %.3f (utility space).\n", res.DistFrontier, res.DistNash)
	return exitOK
}

func deadlineText(f simFlags) string {
	if f.deadline > 0 {
		return f.deadline.String()
	}
	return fmt.Sprintf("%d rounds", f.rounds)
}

func runNegotiateTournament(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("negotiate tournament", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf problemFlags
	pf.register(fs)
	var sf simFlags
	sf.register(fs)
	strat := fs.String("strategies", strings.Join(simulate.StrategyNames(), ","), "comma-separated strategies to play against each other")
	reps := fs.Int("reps", 1, "sessions per assignment of strategies to parties (seeds seed, seed+1, ...)")
	if err := fs.Parse(splitFlags(args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	prob, note, err := simProblem(ctx, &pf, &sf)
	if err != nil {
		return exitFor(stderr, err)
	}
	names := strings.Split(*strat, ",")
	for i := range names {
		names[i] = strings.TrimSpace(names[i])
		if _, err := simulate.NewAgent(names[i]); err != nil {
			return exitFor(stderr, errUsage(err.Error()))
		}
	}
	sess, err := simulate.NewSession(ctx, prob, sf.seed)
	if err != nil {
		return exitFor(stderr, err)
	}
	results, st, err := sess.Tournament(ctx, names, simulate.Config{Rounds: sf.rounds, Deadline: sf.deadline, Seed: sf.seed}, *reps)
	if err != nil {
		return exitFor(stderr, err)
	}
	if sf.format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"standings": st, "sessions": results})
		return exitOK
	}
	if note != "" {
		fmt.Fprintln(stdout, note)
	}
	agreed := 0
	for _, r := range results {
		if r.Agreement {
			agreed++
		}
	}
	fmt.Fprintf(stdout, "Tournament: %d sessions, %d parties, deadline %s, seed %d; %d agreements.\n", len(results), len(prob.Parties), deadlineText(sf), sf.seed, agreed)
	fmt.Fprintf(stdout, "%-12s %8s %10s %12s %14s %12s %8s\n", "strategy", "sessions", "agreements", "mean utility", "dist frontier", "dist Nash", "rounds")
	for _, s := range st {
		fmt.Fprintf(stdout, "%-12s %8d %10d %12.3f %14.3f %12.3f %8.1f\n", s.Strategy, s.Sessions, s.Agreements, s.MeanUtil, s.MeanDistF, s.MeanDistN, s.MeanRounds)
	}
	fmt.Fprintln(stdout, "(mean utility counts the walk-away value when no deal is reached; distances average over agreements)")
	return exitOK
}
