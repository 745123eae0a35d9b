// Package shareddata finds the real third-party data set that lives beside
// the repository in ../shared/data. It is never copied into the repository;
// tests and benchmarks read it in place and skip, with a message saying so,
// where it is absent.
package shareddata

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides the location of the data folder.
const EnvVar = "BACKSTOP_SHARED_DATA"

// Find returns the data folder, or "" when there is none. It honours EnvVar,
// then looks for ../shared/data beside the module root (the folder holding
// go.mod), walking up from the working directory.
func Find() string {
	if d := os.Getenv(EnvVar); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared", "data")
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				return d
			}
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Dir returns the data folder, or skips the test or benchmark with a clear
// message when it is absent.
func Dir(tb testing.TB) string {
	tb.Helper()
	d := Find()
	if d == "" {
		tb.Skip("skipping: ../shared/data (the real data set) is not beside the repository; set " + EnvVar + " to point at it")
	}
	return d
}

// Path returns a file or folder inside the data folder, skipping as Dir does.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	p := filepath.Join(append([]string{Dir(tb)}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("skipping: %s is not in the shared data set", p)
	}
	return p
}
