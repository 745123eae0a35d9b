package agreement

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestFuzzFindings replays inputs the fuzzer found: each must give located
// errors — a line inside the file, never a panic.
func TestFuzzFindings(t *testing.T) {
	files, _ := filepath.Glob("testdata/regress/*.yaml")
	if len(files) == 0 {
		t.Fatal("no regression inputs")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(f, src)
			ds, ok := err.(Diagnostics)
			if !ok || len(ds) == 0 {
				t.Fatalf("got %v; want located errors", err)
			}
			lines := bytes.Count(src, []byte("\n")) + 1
			for _, d := range ds {
				if d.Line < 1 || d.Line > lines {
					t.Errorf("%s: line %d is outside the file (%d lines)", d.Message, d.Line, lines)
				}
			}
		})
	}
}
