package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/backstop-dev/backstop/adjudicate"
	"github.com/backstop-dev/backstop/agreement"
)

func init() {
	register(command{
		name:    "test",
		summary: "run the tests written in agreement documents and report coverage",
		run:     runTest,
	})
}

// testDocKey recognises an agreement document by its top-level `backstop:`.
var testDocKey = regexp.MustCompile(`(?m)^backstop[ \t]*:`)

// testJSON is what `test --format json` prints.
type testJSON struct {
	Tests    []testCaseJSON `json:"tests"`
	Passed   int            `json:"passed"`
	Failed   int            `json:"failed"`
	Coverage coverageJSON   `json:"coverage"`
}

type testCaseJSON struct {
	Document   string                `json:"document"`
	Name       string                `json:"name"`
	Pass       bool                  `json:"pass"`
	DurationMS float64               `json:"duration_ms"`
	Missing    []string              `json:"missing"`
	Unexpected []string              `json:"unexpected"`
	Error      string                `json:"error,omitempty"`
	Notes      []string              `json:"notes,omitempty"`
	Decisions  []adjudicate.Decision `json:"decisions,omitempty"`
}

type coverageJSON struct {
	Percent   float64  `json:"percent"`
	Covered   []string `json:"covered"`
	Uncovered []string `json:"uncovered"`
}

func runTest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("test", flag.ContinueOnError)
	fset.SetOutput(stderr)
	format := fset.String("format", "text", "output `format`: text or json")
	run := fset.String("run", "", "run only the tests whose name matches `regexp`")
	verbose := fset.Bool("v", false, "print every decision with its explanation")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backstop test [flags] FILE|DIR ...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Runs the tests of agreement documents (a DIR is searched for YAML files whose top")
		fmt.Fprintln(stderr, "level has `backstop:`): each test's incidents are adjudicated under its deal and")
		fmt.Fprintln(stderr, "the decisions compared, kind by kind as sets, with what it expects. Prints PASS or")
		fmt.Fprintln(stderr, "FAIL per test (a failure with - for missing and + for unexpected decisions) and")
		fmt.Fprintln(stderr, "which prohibitions, triggers and stages no test exercised.")
		fmt.Fprintln(stderr, "Exit status: 0 all pass, 1 a test failed or a document did not load, 2 usage.")
		fmt.Fprintln(stderr)
		fset.PrintDefaults()
	}
	if err := fset.Parse(splitFlags(args, "v", "h", "help")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "backstop test: --format %q: want text or json\n", *format)
		return exitUsage
	}
	var filter *regexp.Regexp
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			fmt.Fprintf(stderr, "backstop test: --run: %v\n", err)
			return exitUsage
		}
		filter = re
	}
	if fset.NArg() == 0 {
		fset.Usage()
		return exitUsage
	}
	var paths []string
	for _, arg := range fset.Args() {
		st, err := os.Stat(arg)
		if err != nil {
			fmt.Fprintf(stderr, "backstop test: %v\n", err)
			return exitUsage
		}
		if !st.IsDir() {
			paths = append(paths, arg)
			continue
		}
		found, err := agreementFiles(arg)
		if err != nil {
			fmt.Fprintf(stderr, "backstop test: %v\n", err)
			return exitFindings
		}
		if len(found) == 0 {
			fmt.Fprintf(stderr, "backstop test: no agreement documents (YAML files with a top-level `backstop:`) in %s\n", arg)
			return exitFindings
		}
		paths = append(paths, found...)
	}

	code := exitOK
	var out testJSON
	out.Tests = []testCaseJSON{}
	var covered, uncovered []string
	multi := len(paths) > 1
	for _, path := range paths {
		if ctx.Err() != nil {
			fmt.Fprintf(stderr, "backstop test: %v\n", ctx.Err())
			return exitFindings
		}
		doc, err := agreement.Load(path)
		if err != nil {
			code = exitFindings
			fmt.Fprintf(stderr, "%s: the document did not load:\n", path)
			printErr(stderr, err, nil)
			continue
		}
		if *format == "text" {
			fmt.Fprintf(stdout, "%s:\n", path)
		}
		var runs [][]adjudicate.Decision
		for _, t := range doc.Tests {
			if filter != nil && !filter.MatchString(t.Name) {
				continue
			}
			r := adjudicate.RunTest(doc, t)
			runs = append(runs, r.Decisions)
			tc := testCaseJSON{Document: path, Name: r.Name, Pass: r.Pass, DurationMS: float64(r.Duration.Microseconds()) / 1000,
				Missing: orEmpty(r.Missing), Unexpected: orEmpty(r.Unexpected), Notes: r.Notes}
			if r.Err != nil {
				tc.Error = r.Err.Error()
			}
			if *verbose {
				tc.Decisions = r.Decisions
			}
			out.Tests = append(out.Tests, tc)
			if r.Pass {
				out.Passed++
			} else {
				out.Failed++
				code = exitFindings
			}
			if *format == "text" {
				printResult(stdout, doc, t, r, *verbose)
			}
		}
		cov := adjudicate.CoverageOf(doc, runs...)
		prefix := ""
		if multi {
			prefix = doc.ID + ": "
		}
		for _, c := range cov.Covered {
			covered = append(covered, prefix+c)
		}
		for _, c := range cov.Uncovered {
			uncovered = append(uncovered, prefix+c)
		}
	}
	out.Coverage = coverageJSON{Percent: 100, Covered: orEmpty(covered), Uncovered: orEmpty(uncovered)}
	if n := len(covered) + len(uncovered); n > 0 {
		out.Coverage.Percent = 100 * float64(len(covered)) / float64(n)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "backstop test: %v\n", err)
			return exitFindings
		}
		return code
	}
	fmt.Fprintln(stdout, strings.Repeat("-", 72))
	total := out.Passed + out.Failed
	if total == 0 {
		fmt.Fprintln(stdout, "no tests to run")
	} else {
		fmt.Fprintf(stdout, "PASS: %d/%d\n", out.Passed, total)
		if out.Failed > 0 {
			fmt.Fprintf(stdout, "FAIL: %d/%d\n", out.Failed, total)
		}
	}
	fmt.Fprintf(stdout, "COVERAGE: %.1f%% of prohibitions, triggers and stages (%d/%d)\n",
		out.Coverage.Percent, len(covered), len(covered)+len(uncovered))
	for _, u := range uncovered {
		fmt.Fprintf(stdout, "  not exercised: %s\n", u)
	}
	return code
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// printResult prints one test: PASS or FAIL with its time, then on failure
// the difference (- missing, + unexpected) and with -v every decision.
func printResult(w io.Writer, doc *agreement.Doc, t *agreement.Test, r adjudicate.Result, verbose bool) {
	status := "PASS"
	if !r.Pass {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s: %s (%s)\n", status, r.Name, fmtDuration(r.Duration))
	if r.Err != nil {
		fmt.Fprintf(w, "    %s: test could not run:\n", t.Pos)
		var b bytes.Buffer
		printErr(&b, r.Err, doc.Source)
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
	if !r.Pass && r.Err == nil {
		fmt.Fprintf(w, "    %s: expected vs actual decisions:\n", t.Pos)
		for _, m := range r.Missing {
			fmt.Fprintf(w, "    - %s\n", m)
		}
		for _, u := range r.Unexpected {
			fmt.Fprintf(w, "    + %s\n", u)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "    note: %s\n", n)
	}
	if verbose {
		for _, d := range r.Decisions {
			fmt.Fprintf(w, "    %s %s %s", d.Time.UTC().Format("2006-01-02T15:04Z"), d.Kind, d.Rule)
			if len(d.Parties) > 0 {
				fmt.Fprintf(w, " [%s]", strings.Join(d.Parties, ","))
			}
			if !d.Due.IsZero() && d.Kind == adjudicate.Owed {
				fmt.Fprintf(w, " due %s", d.Due.UTC().Format("2006-01-02T15:04Z"))
			}
			if len(d.Incidents) > 0 {
				fmt.Fprintf(w, " (%s)", strings.Join(d.Incidents, ", "))
			}
			fmt.Fprintf(w, "\n        %s\n", d.Explanation)
		}
	}
}

func fmtDuration(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
}

// printErr prints load diagnostics with their source line and caret, and
// any other error as is.
func printErr(w io.Writer, err error, src map[string][]byte) {
	var ds agreement.Diagnostics
	if !errors.As(err, &ds) {
		fmt.Fprintf(w, "%v\n", err)
		return
	}
	files := map[string][]byte{}
	for k, v := range src {
		files[k] = v
	}
	for _, d := range ds {
		if _, ok := files[d.File]; !ok && d.File != "" {
			if b, err := os.ReadFile(d.File); err == nil && len(b) <= agreement.MaxDocumentBytes {
				files[d.File] = b
			}
		}
	}
	ds.Print(w, files)
}

// agreementFiles lists the agreement documents under dir, skipping hidden
// folders and, below dir itself, testdata folders.
func agreementFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if ext := strings.ToLower(filepath.Ext(path)); ext != ".yaml" && ext != ".yml" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if testDocKey.Match(src) {
			out = append(out, path)
		}
		return nil
	})
	return out, err
}
