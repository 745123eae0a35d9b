//go:build tools

// Package tools pins the module's dependencies while the packages that use
// them are being written, so that parallel work does not race on go.mod.
// It is never built.
package tools

import (
	_ "cel.dev/cel-go/cel"
	_ "github.com/crillab/gophersat/solver"
	_ "github.com/peterstace/simplefeatures/geom"
	_ "github.com/peterstace/simplefeatures/rtree"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/transparency-dev/merkle"
	_ "gopkg.in/yaml.v3"
)
