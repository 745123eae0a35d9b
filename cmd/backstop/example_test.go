package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestExampleTour runs the README's first command as a newcomer would and
// checks that each step says what the worked example is there to show.
func TestExampleTour(t *testing.T) {
	if testing.Short() {
		t.Skip("the tour runs every step of the worked example")
	}
	var out bytes.Buffer
	code := Main(context.Background(), []string{"example"}, &out, &out)
	if code != exitOK {
		t.Fatalf("backstop example: exit %d; want 0\n%s", code, out.String())
	}
	for _, want := range []string{
		"== 1. Check",
		"agreement.yaml:",           // findings name the file, not a temporary path
		"[contradiction]",           // the east-of-Dnieper contradiction
		"[uncovered-incident-kind]", // the hybrid loophole
		"== 2. Test",
		"COVERAGE:",
		"== 3. Negotiate",
		"Zone of agreement: NONE",
		"ua-no-cession (UA) versus ru-donbas-legal-boundaries (RU)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("tour output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "backstop-example-") {
		t.Errorf("tour output shows the temporary folder")
	}
	if strings.Contains(out.String(), "FAIL:") {
		t.Errorf("a test of the worked example fails:\n%s", out.String())
	}
}
