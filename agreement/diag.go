package agreement

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Severity of a finding.
const (
	SevError   = "error"
	SevWarning = "warning"
	SevInfo    = "info"
)

// Diagnostic is one problem found in a document: where it is, what it is, and
// for lint findings why it matters and how to fix it.
type Diagnostic struct {
	Pos
	Severity string `json:"severity"`
	// Rule names the lint rule; empty for load errors.
	Rule string `json:"rule,omitempty"`
	// Field is the path of the offending field, e.g. "provisions[2].when".
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Why     string `json:"why,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

// Diagnostics is a list of findings; as an error it is the load failure.
type Diagnostics []Diagnostic

func (ds Diagnostics) Error() string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%s: %s", d.Pos, d.Message)
	}
	return b.String()
}

// HasErrors reports whether any finding has error severity.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SevError {
			return true
		}
	}
	return false
}

// Sort orders findings by file, line and column, then message.
func (ds Diagnostics) Sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Message < b.Message
	})
}

func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Print writes the findings the way compilers do: "file:line:col: severity:
// message", then the source line and a caret under the column, then why and
// how to fix where known. src maps file paths to their text.
func (ds Diagnostics) Print(w io.Writer, src map[string][]byte) {
	for _, d := range ds {
		rule := ""
		if d.Rule != "" {
			rule = " [" + d.Rule + "]"
		}
		fmt.Fprintf(w, "%s: %s: %s%s\n", d.Pos, d.Severity, d.Message, rule)
		if line, ok := sourceLine(src[d.File], d.Line); ok {
			fmt.Fprintf(w, "    %s\n", line)
			if d.Col > 0 {
				fmt.Fprintf(w, "    %s^\n", caretPad(line, d.Col))
			}
		}
		if d.Why != "" {
			fmt.Fprintf(w, "    why: %s\n", d.Why)
		}
		if d.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", d.Fix)
		}
	}
}

func sourceLine(src []byte, n int) (string, bool) {
	if n <= 0 || src == nil {
		return "", false
	}
	lines := bytes.Split(src, []byte("\n"))
	if n > len(lines) {
		return "", false
	}
	return strings.TrimRight(string(lines[n-1]), "\r"), true
}

// caretPad returns the white space that puts a caret under column col,
// keeping tabs so the caret lines up in any terminal.
func caretPad(line string, col int) string {
	var b strings.Builder
	for i, r := range []rune(line) {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			b.WriteRune('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}
