package agreement

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The helpers in this file find the YAML node behind a field, so that every
// finding can point at a line and column. Paths are lists of map keys
// (string) and sequence indexes (int), e.g. ("provisions", 2, "when").

// nodeAt walks from n along path. It returns the deepest node reached and
// whether the whole path was found. When a map key is found, the value node
// is returned; keyNode, if asked, gets the key node.
func nodeAt(n *yaml.Node, path ...any) (*yaml.Node, bool) {
	cur := n
	for _, p := range path {
		if cur == nil {
			return nil, false
		}
		if cur.Kind == yaml.DocumentNode && len(cur.Content) > 0 {
			cur = cur.Content[0]
		}
		switch p := p.(type) {
		case string:
			if cur.Kind != yaml.MappingNode {
				return cur, false
			}
			found := false
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if cur.Content[i].Value == p {
					cur = cur.Content[i+1]
					found = true
					break
				}
			}
			if !found {
				return cur, false
			}
		case int:
			if cur.Kind != yaml.SequenceNode || p < 0 || p >= len(cur.Content) {
				return cur, false
			}
			cur = cur.Content[p]
		}
	}
	return cur, true
}

// keyAt returns the key node of the last path element, which is where a
// finding about a field's presence should point.
func keyAt(n *yaml.Node, path ...any) *yaml.Node {
	if len(path) == 0 {
		return n
	}
	parent, ok := nodeAt(n, path[:len(path)-1]...)
	if !ok || parent == nil {
		return parent
	}
	if parent.Kind == yaml.DocumentNode && len(parent.Content) > 0 {
		parent = parent.Content[0]
	}
	if k, isKey := path[len(path)-1].(string); isKey && parent.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == k {
				return parent.Content[i]
			}
		}
	}
	v, _ := nodeAt(parent, path[len(path)-1])
	return v
}

// fieldPath renders a path as "provisions[2].when".
func fieldPath(path ...any) string {
	var b strings.Builder
	for _, p := range path {
		switch p := p.(type) {
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(p)
		case int:
			fmt.Fprintf(&b, "[%d]", p)
		}
	}
	return b.String()
}

var yamlLineRE = regexp.MustCompile(`line (\d+)(?::(\d+))?: `)

// yamlErrorDiags turns a yaml.v3 error ("yaml: line 4: ...", or a TypeError
// listing "line 7: field foo not found in type agreement.Party") into
// findings with positions. For unknown fields the column of the key is found
// in the source line.
func yamlErrorDiags(file string, src []byte, err error) Diagnostics {
	var msgs []string
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out Diagnostics
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: ")
		d := Diagnostic{Pos: Pos{File: file}, Severity: SevError, Message: m}
		if loc := yamlLineRE.FindStringSubmatchIndex(m); loc != nil {
			d.Line, _ = strconv.Atoi(m[loc[2]:loc[3]])
			if loc[4] >= 0 {
				d.Col, _ = strconv.Atoi(m[loc[4]:loc[5]])
			}
			d.Message = m[:loc[0]] + m[loc[1]:]
		}
		d.Message = humaniseYAML(d.Message)
		if d.Line == 0 {
			d.Line, d.Col = firstControlChar(src)
		}
		if d.Col == 0 && d.Line > 0 {
			if line, ok := sourceLine(src, d.Line); ok {
				d.Col = firstNonSpace(line)
				if f := unknownFieldRE.FindStringSubmatch(d.Message); f != nil {
					if i := strings.Index(line, f[1]+":"); i >= 0 {
						d.Col = len([]rune(line[:i])) + 1
					}
				}
			}
		}
		out = append(out, d)
	}
	return out
}

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]+)"`)
var notFoundRE = regexp.MustCompile(`field (\S+) not found in type agreement\.(\w+)`)
var unmarshalRE = regexp.MustCompile("cannot unmarshal !!(\\w+) `([^`]*)` into (\\S+)")

// humaniseYAML rewrites yaml.v3's messages, which speak of Go types, in the
// document's own terms.
func humaniseYAML(m string) string {
	if f := notFoundRE.FindStringSubmatch(m); f != nil {
		return fmt.Sprintf("unknown field %q in %s", f[1], strings.ToLower(f[2]))
	}
	if f := unmarshalRE.FindStringSubmatch(m); f != nil {
		want := f[3]
		switch {
		case strings.HasPrefix(want, "[]"):
			want = "a list"
		case strings.HasPrefix(want, "map"):
			want = "a mapping"
		case want == "int" || want == "float64":
			want = "a number"
		case want == "bool":
			want = "true or false"
		case want == "string":
			want = "text"
		case strings.HasPrefix(want, "time."):
			want = "a time such as 2025-09-01T00:00:00Z"
		case strings.Contains(want, "agreement."):
			want = "a mapping"
		}
		return fmt.Sprintf("got %s %q, want %s", yamlTagName(f[1]), f[2], want)
	}
	return m
}

func yamlTagName(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "int", "float":
		return "the number"
	}
	return tag
}

func firstNonSpace(s string) int {
	for i, r := range []rune(s) {
		if r != ' ' && r != '\t' {
			return i + 1
		}
	}
	return 1
}

// firstControlChar finds the first character YAML forbids (yaml.v3 reports
// it without a position), so the finding can point at it.
func firstControlChar(src []byte) (line, col int) {
	line, col = 1, 1
	for _, r := range string(src) {
		if r == '\n' {
			line++
			col = 1
			continue
		}
		if (r < 0x20 && r != '\t' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0xfffd {
			return line, col
		}
		col++
	}
	return 0, 0
}
