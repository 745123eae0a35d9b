package main

import (
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
	"sort"
	"strings"

	"github.com/backstop-dev/backstop/agreement"
	"github.com/backstop-dev/backstop/lint"
)

func init() {
	register(command{
		name:    "check",
		summary: "validate agreement and deal files and lint them for vague or contradictory clauses",
		run:     runCheck,
	})
}

// Top-level keys that tell an agreement document and a deal file apart
// without parsing them: a broken file must still be recognised, so that
// its errors are reported rather than the file skipped.
var (
	agreementKey = regexp.MustCompile(`(?m)^backstop[ \t]*:`)
	dealKey      = regexp.MustCompile(`(?m)^deal[ \t]*:`)
	dealAgrKey   = regexp.MustCompile(`(?m)^agreement[ \t]*:[ \t]*["']?([^"'#\s]+)`)
)

// checkResult is what `check --format json` prints.
type checkResult struct {
	Documents []string              `json:"documents"`
	Findings  agreement.Diagnostics `json:"findings"`
	Errors    int                   `json:"errors"`
	Warnings  int                   `json:"warnings"`
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text or json")
	strict := fs.Bool("strict", false, "count warnings as errors for the exit status")
	listRules := fs.Bool("list-rules", false, "list the lint rules and exit")
	disable := fs.String("disable", "", "comma-separated lint `rules` not to run")
	formTerm := fs.String("form-term", "", "the `term` whose values are the guarantee's forms (default: enum terms whose id contains \"form\")")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backstop check [flags] FILE|DIR ...")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Loads every agreement document (a DIR is searched for YAML files whose top level has")
		fmt.Fprintln(stderr, "`backstop:`; deal files, with `deal:`, are checked against the agreement their")
		fmt.Fprintln(stderr, "`agreement:` field names or the one in their folder) and prints every problem:")
		fmt.Fprintln(stderr, "load errors, then lint findings with why and how to fix. Exit status: 0 no errors,")
		fmt.Fprintln(stderr, "1 errors (or warnings with --strict), 2 usage.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(splitFlags(args, "strict", "list-rules", "h", "help")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *listRules {
		for _, r := range lint.Rules {
			fmt.Fprintf(stdout, "%-30s %s\n", r.ID, r.Summary)
		}
		return exitOK
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "backstop check: --format %q: want text or json\n", *format)
		return exitUsage
	}
	opts := lint.Options{FormTerm: *formTerm}
	for _, id := range strings.Split(*disable, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := lint.RuleByID(id); !ok {
			fmt.Fprintf(stderr, "backstop check: --disable: unknown rule %q (see backstop check --list-rules)\n", id)
			return exitUsage
		}
		opts.Disable = append(opts.Disable, id)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitUsage
	}

	var agreements, deals []string
	for _, arg := range fs.Args() {
		st, err := os.Stat(arg)
		if err != nil {
			fmt.Fprintf(stderr, "backstop check: %v\n", err)
			return exitUsage
		}
		if st.IsDir() {
			a, d, err := scanDir(arg)
			if err != nil {
				fmt.Fprintf(stderr, "backstop check: %v\n", err)
				return exitUsage
			}
			agreements = append(agreements, a...)
			deals = append(deals, d...)
			continue
		}
		if src, err := os.ReadFile(arg); err == nil && dealKey.Match(src) && !agreementKey.Match(src) {
			deals = append(deals, arg)
		} else {
			agreements = append(agreements, arg)
		}
	}
	if len(agreements)+len(deals) == 0 {
		fmt.Fprintf(stderr, "backstop check: no agreement documents (YAML files starting with `backstop:`) in %s\n", strings.Join(fs.Args(), ", "))
		return exitFindings
	}

	c := &checkRun{opts: opts, docs: map[string]*agreement.Doc{}, loaded: map[string]bool{}, src: map[string][]byte{}}
	for _, a := range agreements {
		c.agreement(a)
	}
	for _, d := range deals {
		c.deal(d)
	}
	c.findings.Sort()

	res := checkResult{Documents: c.documents, Findings: c.findings}
	if res.Findings == nil {
		res.Findings = agreement.Diagnostics{}
	}
	for _, f := range c.findings {
		switch f.Severity {
		case agreement.SevError:
			res.Errors++
		case agreement.SevWarning:
			res.Warnings++
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "backstop check: %v\n", err)
			return exitFindings
		}
	} else {
		c.findings.Print(stdout, c.src)
		if len(c.findings) > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s, %s in %s\n", count(res.Errors, "error"), count(res.Warnings, "warning"), count(len(res.Documents), "document"))
	}
	if res.Errors > 0 || (*strict && res.Warnings > 0) {
		return exitFindings
	}
	return exitOK
}

func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// scanDir finds agreement documents and deal files under dir, skipping
// hidden folders and, below dir itself, testdata folders (which hold broken
// documents on purpose).
func scanDir(dir string) (agreements, deals []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if path != dir && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		ext := strings.ToLower(filepath.Ext(path))
		if ext != ".yaml" && ext != ".yml" {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch {
		case agreementKey.Match(src):
			agreements = append(agreements, path)
		case dealKey.Match(src):
			deals = append(deals, path)
		}
		return nil
	})
	sort.Strings(agreements)
	sort.Strings(deals)
	return agreements, deals, err
}

// checkRun accumulates the findings of one check.
type checkRun struct {
	opts      lint.Options
	documents []string
	findings  agreement.Diagnostics
	docs      map[string]*agreement.Doc // by cleaned path; nil when it failed to load
	loaded    map[string]bool
	src       map[string][]byte
}

// agreement loads and lints one agreement document once.
func (c *checkRun) agreement(path string) *agreement.Doc {
	key := filepath.Clean(path)
	if c.loaded[key] {
		return c.docs[key]
	}
	c.loaded[key] = true
	c.documents = append(c.documents, path)
	if src, err := os.ReadFile(path); err == nil {
		c.src[path] = src
	}
	doc, err := safely(path, "loading", func() (*agreement.Doc, error) { return agreement.Load(path) })
	if err != nil {
		c.addLoadError(path, err)
		return nil
	}
	for f, s := range doc.Source {
		c.src[f] = s
	}
	c.docs[key] = doc
	if _, err := safely(path, "linting", func() (*agreement.Doc, error) {
		c.findings = append(c.findings, lint.Check(doc, c.opts)...)
		return doc, nil
	}); err != nil {
		c.addLoadError(path, err)
	}
	return doc
}

// safely runs fn, turning a panic into an error finding on the document, so
// that one document that trips a bug does not hide the problems of the
// others.
func safely(path, what string, fn func() (*agreement.Doc, error)) (doc *agreement.Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, agreement.Diagnostics{{Pos: agreement.Pos{File: path}, Severity: agreement.SevError,
				Message: fmt.Sprintf("internal error while %s this document (please report it): %v", what, r)}}
		}
	}()
	return fn()
}

func (c *checkRun) addLoadError(path string, err error) {
	var ds agreement.Diagnostics
	if errors.As(err, &ds) {
		c.findings = append(c.findings, ds...)
		return
	}
	c.findings = append(c.findings, agreement.Diagnostic{Pos: agreement.Pos{File: path}, Severity: agreement.SevError, Message: err.Error()})
}

// deal checks a deal file against its agreement: the one its `agreement:`
// field names, else the only agreement in its folder.
func (c *checkRun) deal(path string) {
	c.documents = append(c.documents, path)
	src, err := os.ReadFile(path)
	if err != nil {
		c.addLoadError(path, err)
		return
	}
	c.src[path] = src
	var agrPath string
	if m := dealAgrKey.FindSubmatch(src); m != nil {
		agrPath = filepath.Join(filepath.Dir(path), string(m[1]))
	} else {
		a, _, err := scanDirShallow(filepath.Dir(path))
		switch {
		case err != nil:
			c.addLoadError(path, err)
			return
		case len(a) == 0:
			c.findings = append(c.findings, agreement.Diagnostic{Pos: agreement.Pos{File: path, Line: 1, Col: 1}, Severity: agreement.SevError,
				Message: "the deal names no agreement and its folder holds none; add `agreement: <file>`"})
			return
		case len(a) > 1:
			c.findings = append(c.findings, agreement.Diagnostic{Pos: agreement.Pos{File: path, Line: 1, Col: 1}, Severity: agreement.SevError,
				Message: fmt.Sprintf("the deal names no agreement and its folder holds %d (%s); add `agreement: <file>`", len(a), strings.Join(a, ", "))})
			return
		}
		agrPath = a[0]
	}
	if _, err := os.Stat(agrPath); err != nil {
		line, col := 1, 1
		if loc := dealAgrKey.FindSubmatchIndex(src); loc != nil {
			line = 1 + strings.Count(string(src[:loc[2]]), "\n")
			col = loc[2] - strings.LastIndex(string(src[:loc[2]]), "\n")
		}
		c.findings = append(c.findings, agreement.Diagnostic{Pos: agreement.Pos{File: path, Line: line, Col: col}, Severity: agreement.SevError,
			Message: fmt.Sprintf("cannot read the deal's agreement %s: %v", agrPath, errors.Unwrap(err))})
		return
	}
	doc := c.agreement(agrPath)
	if doc == nil {
		c.findings = append(c.findings, agreement.Diagnostic{Pos: agreement.Pos{File: path, Line: 1, Col: 1}, Severity: agreement.SevError,
			Message: fmt.Sprintf("cannot check the deal: its agreement %s has errors", agrPath)})
		return
	}
	if _, err := doc.ParseDeal(path, src); err != nil {
		c.addLoadError(path, err)
	}
}

// scanDirShallow lists the agreement documents directly in dir.
func scanDirShallow(dir string) (agreements, deals []string, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range ents {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		src, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if agreementKey.Match(src) {
			agreements = append(agreements, p)
		} else if dealKey.Match(src) {
			deals = append(deals, p)
		}
	}
	return agreements, deals, nil
}
