package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/ingest"
)

func init() {
	register(command{
		name:    "ingest",
		summary: "import real event data (attack logs, VIINA, Bellingcat, air-raid alerts, mapped CSV/JSON) as reports",
		run:     runIngest,
	})
}

// ingestHeadSize is how much of a file format detection looks at.
const ingestHeadSize = 8 << 10

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "summary", "output `format`: jsonl (one report per line) or summary (counts per kind, source and skip reason)")
	typ := fs.String("type", "", "force the `importer`: missile, viina, bellingcat, alerts or mapped (default: detected from the name and header)")
	mappingFile := fs.String("mapping", "", "mapping `file` (YAML) for the mapped importer; implies --type mapped")
	sourcesFile := fs.String("sources", "", "source registry `file` (YAML) instead of the built-in one")
	oblastsFile := fs.String("oblasts", "", "oblast boundaries `file` (GeoJSON, e.g. ukraine_oblasts_ne10m.geojson) to place points in oblasts")
	split := fs.Bool("split-accounts", false, "count each Telegram/X/Facebook account as its own source instead of one per platform")
	strict := fs.Bool("strict", false, "exit 1 when any row was skipped")
	maxProblems := fs.Int("problems", 5, "example `n`umber of problems to show per file in the summary")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backstop ingest [flags] FILE ...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Imports event data files as reports and prints them as JSON lines or a summary.")
		fmt.Fprintln(stderr, "The importer is chosen from the file's name and header unless --type or --mapping")
		fmt.Fprintln(stderr, "says otherwise; FILE \"-\" reads standard input and needs one of them. Every row is")
		fmt.Fprintln(stderr, "either a report or a counted, explained skip. Exit status: 0 all files read,")
		fmt.Fprintln(stderr, "1 a file could not be read (or, with --strict, rows were skipped), 2 usage.")
		fmt.Fprintln(stderr, "See docs/importers.md.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(splitFlags(args, "split-accounts", "strict", "h", "help")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *format != "jsonl" && *format != "summary" {
		fmt.Fprintf(stderr, "backstop ingest: --format %q: want jsonl or summary\n", *format)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}
	var forced ingest.Type
	if *typ != "" {
		t, err := ingest.ParseType(*typ)
		if err != nil {
			fmt.Fprintf(stderr, "backstop ingest: --type: %s\n", backstop.ErrorMessage(err))
			return exitUsage
		}
		forced = t
	}
	opt := ingest.Options{SplitPlatformAccounts: *split, MaxProblems: *maxProblems}
	if *maxProblems <= 0 {
		opt.MaxProblems = -1
	}
	if *mappingFile != "" {
		m, err := loadWith(*mappingFile, ingest.LoadMapping)
		if err != nil {
			fmt.Fprintf(stderr, "backstop ingest: %v\n", err)
			return exitUsage
		}
		opt.Mapping = m
		if forced == "" {
			forced = ingest.TypeMapped
		}
	}
	if forced == ingest.TypeMapped && opt.Mapping == nil {
		fmt.Fprintln(stderr, "backstop ingest: --type mapped needs --mapping FILE")
		return exitUsage
	}
	if *sourcesFile != "" {
		reg, err := loadWith(*sourcesFile, ingest.LoadRegistry)
		if err != nil {
			fmt.Fprintf(stderr, "backstop ingest: %v\n", err)
			return exitUsage
		}
		opt.Registry = reg
	}
	if *oblastsFile != "" {
		g, err := loadWith(*oblastsFile, ingest.LoadOblasts)
		if err != nil {
			fmt.Fprintf(stderr, "backstop ingest: %v\n", err)
			return exitUsage
		}
		opt.Gazetteer = g
	}

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var batches []*ingest.Batch
	failed := false
	for _, path := range fs.Args() {
		if ctx.Err() != nil {
			fmt.Fprintln(stderr, "backstop ingest: interrupted")
			return exitFindings
		}
		b, err := ingestFile(path, forced, opt)
		if err != nil {
			fmt.Fprintf(stderr, "backstop ingest: %v\n", err)
			failed = true
			continue
		}
		if *format == "jsonl" {
			for _, r := range b.Reports {
				if err := enc.Encode(r); err != nil {
					fmt.Fprintf(stderr, "backstop ingest: %v\n", err)
					return exitFindings
				}
			}
			if b.Stats.Skipped > 0 {
				fmt.Fprintf(stderr, "%s: %d of %d rows skipped (%s)\n", b.Name, b.Stats.Skipped, b.Stats.Rows, reasons(b.Stats.SkippedByReason))
			}
		}
		batches = append(batches, b)
	}
	if *format == "summary" {
		writeIngestSummary(out, batches)
	}
	if failed {
		return exitFindings
	}
	if *strict {
		for _, b := range batches {
			if b.Stats.Skipped > 0 {
				return exitFindings
			}
		}
	}
	return exitOK
}

// loadWith opens path and hands it to a loader.
func loadWith[T any](path string, load func(io.Reader, string) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return load(f, path)
}

// ingestFile detects the importer of one file (unless forced) and runs it.
func ingestFile(path string, forced ingest.Type, opt ingest.Options) (*ingest.Batch, error) {
	var r io.Reader
	name := path
	if path == "-" {
		if forced == "" {
			return nil, fmt.Errorf("standard input: name the importer with --type or --mapping")
		}
		r, name = os.Stdin, "stdin"
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, ingestHeadSize)
	typ := forced
	if typ == "" {
		head, _ := br.Peek(ingestHeadSize)
		t, err := ingest.Detect(name, head)
		if err != nil {
			return nil, errors.New(backstop.ErrorMessage(err))
		}
		typ = t
	}
	b, err := ingest.Read(typ, br, name, opt)
	if err != nil {
		return nil, errors.New(backstop.ErrorMessage(err))
	}
	return b, nil
}

func reasons(m map[string]int) string {
	var parts []string
	for _, k := range sortedByCount(m) {
		parts = append(parts, fmt.Sprintf("%s: %d", k, m[k]))
	}
	return strings.Join(parts, "; ")
}

// writeIngestSummary prints per-file row accounting, then counts per kind,
// source and skip reason over all files, and place resolution.
func writeIngestSummary(w io.Writer, batches []*ingest.Batch) {
	fmt.Fprintf(w, "%-34s %-10s %8s %8s %8s %8s\n", "FILE", "IMPORTER", "ROWS", "ACCEPTED", "SKIPPED", "REPORTS")
	kinds, sources, skips := map[string]int{}, map[string]int{}, map[string]int{}
	var rows, acc, skip, reps int
	newSources := map[string]bool{}
	for _, b := range batches {
		s := b.Stats
		fmt.Fprintf(w, "%-34s %-10s %8d %8d %8d %8d\n", truncName(filepath.Base(b.Name), 34), b.Type, s.Rows, s.Accepted, s.Skipped, s.Reports)
		rows, acc, skip, reps = rows+s.Rows, acc+s.Accepted, skip+s.Skipped, reps+s.Reports
		for _, r := range b.Reports {
			kinds[string(r.Kind)]++
			sources[r.SourceID]++
		}
		for k, n := range s.SkippedByReason {
			skips[k] += n
		}
		for _, src := range b.Sources {
			newSources[src.ID] = true
		}
	}
	if len(batches) > 1 {
		fmt.Fprintf(w, "%-34s %-10s %8d %8d %8d %8d\n", "total", "", rows, acc, skip, reps)
	}
	section := func(title string, m map[string]int, limit int) {
		fmt.Fprintf(w, "\n%s\n", title)
		if len(m) == 0 {
			fmt.Fprintln(w, "  (none)")
			return
		}
		keys := sortedByCount(m)
		for i, k := range keys {
			if limit > 0 && i == limit {
				rest := 0
				for _, k := range keys[i:] {
					rest += m[k]
				}
				fmt.Fprintf(w, "  %-40s %8d\n", fmt.Sprintf("(%d more)", len(keys)-i), rest)
				break
			}
			fmt.Fprintf(w, "  %-40s %8d\n", k, m[k])
		}
	}
	section("REPORTS BY KIND", kinds, 0)
	section(fmt.Sprintf("REPORTS BY SOURCE (%d sources, %d not in the registry)", len(sources), len(newSources)), sources, 25)
	section("SKIPPED ROWS BY REASON", skips, 0)

	fmt.Fprintf(w, "\nPLACE RESOLUTION\n")
	shown := false
	for _, b := range batches {
		cols := make([]string, 0, len(b.Stats.Places))
		for c := range b.Stats.Places {
			cols = append(cols, c)
		}
		sort.Strings(cols)
		for _, c := range cols {
			p := b.Stats.Places[c]
			if p.Named == 0 {
				continue
			}
			shown = true
			fmt.Fprintf(w, "  %-34s %-14s %6d named %6d resolved %6d partly (%.1f%%)", truncName(filepath.Base(b.Name), 34), c, p.Named, p.Resolved, p.Partial, 100*p.Coverage())
			if len(p.Unresolved) > 0 {
				top := sortedByCount(p.Unresolved)
				if len(top) > 3 {
					top = top[:3]
				}
				fmt.Fprintf(w, "; unresolved e.g. %s", strings.Join(top, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	if !shown {
		fmt.Fprintln(w, "  (no place names)")
	}
	for _, b := range batches {
		if len(b.Stats.Problems) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nPROBLEMS IN %s (examples)\n", b.Name)
		for _, p := range b.Stats.Problems {
			tag := "note"
			if p.Skipped {
				tag = "skip"
			}
			fmt.Fprintf(w, "  %s: %s\n", tag, p)
		}
	}
}

func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func truncName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n+1:]
}
