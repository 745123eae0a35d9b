package genius

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Error is a problem in a GENIUS or GeniusWeb file, located as precisely as
// the file allows.
type Error struct {
	File    string // path of the file
	Line    int    // 1-based line, 0 when unknown
	Element string // the element or JSON key at fault, when known
	Msg     string
	Err     error // underlying cause, if any
}

func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Element != "" {
		s += ": <" + e.Element + ">"
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// node is an XML element with the line it starts on.
type node struct {
	Name     string
	Attr     map[string]string
	Children []*node
	Line     int
}

// child returns the first direct child with the given name.
func (n *node) child(name string) *node {
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// children returns the direct children with the given name.
func (n *node) children(name string) []*node {
	var out []*node
	for _, c := range n.Children {
		if c.Name == name {
			out = append(out, c)
		}
	}
	return out
}

// find returns, in document order, the descendants with the given name,
// not descending into elements named in stop.
func (n *node) find(name string, stop ...string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		for _, c := range m.Children {
			if c.Name == name {
				out = append(out, c)
			}
			skip := false
			for _, s := range stop {
				if c.Name == s {
					skip = true
				}
			}
			if !skip {
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// parseXML reads a whole document into a tree, recording line numbers.
func parseXML(file string, data []byte) (*node, error) {
	lineStarts := []int{0}
	for i, b := range data {
		if b == '\n' {
			lineStarts = append(lineStarts, i+1)
		}
	}
	lineOf := func(off int64) int {
		return sort.Search(len(lineStarts), func(i int) bool { return int64(lineStarts[i]) > off })
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var root *node
	var stack []*node
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			line := lineOf(dec.InputOffset())
			if errors.As(err, &se) {
				line = se.Line
				return nil, &Error{File: file, Line: line, Msg: "malformed XML: " + se.Msg}
			}
			return nil, &Error{File: file, Line: line, Msg: "malformed XML", Err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{Name: t.Name.Local, Attr: map[string]string{}, Line: lineOf(off)}
			for _, a := range t.Attr {
				n.Attr[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, &Error{File: file, Line: n.Line, Element: n.Name, Msg: "second root element"}
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if root == nil {
		return nil, &Error{File: file, Line: 1, Msg: "no XML element (not a GENIUS file)"}
	}
	if len(stack) != 0 {
		return nil, &Error{File: file, Line: lineOf(int64(len(data))), Element: stack[len(stack)-1].Name, Msg: "element not closed"}
	}
	return root, nil
}
