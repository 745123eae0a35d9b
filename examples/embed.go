// Package examples embeds the worked examples, so that the backstop command
// can run them from anywhere, with nothing but its own binary.
package examples

import "embed"

// FS holds the worked examples; ukraine-2025 is the seeds' situation.
//
//go:embed all:ukraine-2025
var FS embed.FS

// Default is the folder of the default worked example inside FS.
const Default = "ukraine-2025"
