package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/backstop-dev/backstop/examples"
)

func init() {
	register(command{
		name:    "example",
		summary: "run the worked example end to end: check, test, negotiate",
		run:     runExample,
	})
}

// exampleStep is one command of the tour, run on the example folder.
type exampleStep struct {
	title string
	args  func(dir string) []string
}

var exampleSteps = []exampleStep{
	{"Check: validate the agreement and lint it for ambiguity, loopholes and contradictions",
		func(dir string) []string { return []string{"check", filepath.Join(dir, "agreement.yaml")} }},
	{"Test: run the drafters' scenarios through the evaluator",
		func(dir string) []string { return []string{"test", filepath.Join(dir, "agreement.yaml")} }},
	{"Negotiate: where can the parties agree, and what blocks them?",
		func(dir string) []string {
			return []string{"negotiate", "analyze", "--positions", filepath.Join(dir, "positions.yaml")}
		}},
}

func runExample(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("example", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("dir", "", "run the example in this folder instead of the embedded copy")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backstop example [--dir DIR]")
		fmt.Fprintln(stderr, "\nRuns the worked example (the August 2025 guarantee discussions) end to end:")
		fmt.Fprintln(stderr, "check, test and negotiate. By default it uses the copy embedded in the binary.")
		fset.PrintDefaults()
	}
	if err := fset.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	if *dir == "" {
		tmp, err := os.MkdirTemp("", "backstop-example-")
		if err != nil {
			fmt.Fprintf(stderr, "backstop example: %v\n", err)
			return exitFindings
		}
		defer os.RemoveAll(tmp)
		sub, err := fs.Sub(examples.FS, examples.Default)
		if err == nil {
			err = os.CopyFS(tmp, sub)
		}
		if err != nil {
			fmt.Fprintf(stderr, "backstop example: unpacking the embedded example: %v\n", err)
			return exitFindings
		}
		*dir = tmp
		fmt.Fprintf(stdout, "The worked example: Article 5-like guarantees for Ukraine, as discussed in August 2025.\n")
		fmt.Fprintf(stdout, "(Files: examples/%s in the repository; unpacked for this run.)\n", examples.Default)
	}
	// Run from inside the folder so that findings name agreement.yaml, not
	// a temporary path.
	if wd, err := os.Getwd(); err == nil {
		if err := os.Chdir(*dir); err == nil {
			defer os.Chdir(wd)
			*dir = "."
		}
	}
	worst := exitOK
	for i, st := range exampleSteps {
		args := st.args(*dir)
		if _, ok := commands[args[0]]; !ok {
			continue
		}
		fmt.Fprintf(stdout, "\n== %d. %s\n$ backstop %s\n\n", i+1, st.title, strings.Join(args, " "))
		code := Main(ctx, args, stdout, stdout)
		if args[0] == "check" && code == exitFindings {
			// The example keeps the weaknesses the seeds criticise on
			// purpose: finding them is the point of this step.
			fmt.Fprintln(stdout, "(The example keeps these weaknesses on purpose, so that the checks have something true to say.)")
			continue
		}
		if code > worst {
			worst = code
		}
	}
	return worst
}
