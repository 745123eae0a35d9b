// Package ingest turns real event data — the Ukrainian Air Force's log of
// missile and drone attacks, VIINA's multi-outlet strike reports,
// Bellingcat's civilian-harm export, air-raid alert logs, or any CSV/JSON
// file described by a small mapping — into backstop.Report values.
//
// Every importer has the same shape,
//
//	func ReadX(r io.Reader, name string, opt Options) (*Batch, error)
//
// and the same promise: no row is ever dropped silently. Each input row
// becomes one or more reports, or a skip that is counted under a reason and,
// for the first few, shown with its row number and column. Stats.Rows always
// equals Stats.Accepted + Stats.Skipped; a row that yields several reports
// (one per outlet, one per source link) counts once as accepted, and
// Stats.Reports counts the reports.
//
// Importers attribute every report to a backstop.Source from a Registry, so
// that fusion can tell whether two reports are independent (different
// sources, different affiliations) and whether they come from opposing
// sides. Sources that the registry does not know are created on the fly with
// reliability F ("cannot be judged") and returned in Batch.Sources.
//
// Place names are resolved to ISO 3166-2 codes (Place.Areas) by a Gazetteer;
// the text as written is always kept in Place.Name, and what could not be
// resolved is counted in Stats.Places. A malformed file gives an error that
// names the file and line, or counted skips; it never panics.
//
// See docs/importers.md for the formats, the mappings and the licences of
// the data sets.
package ingest
