package ingest

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
)

// DefaultMaxProblems is how many example problems Stats keeps when
// Options.MaxProblems is zero: enough to see what is wrong with a file
// without holding a copy of a bad file in memory.
const DefaultMaxProblems = 20

// Options tune an importer. The zero value is usable: it means the default
// registry, the default gazetteer and DefaultMaxProblems.
type Options struct {
	// Registry attributes reports to sources; nil means DefaultRegistry().
	Registry *Registry
	// Gazetteer resolves place names and points to areas; nil means
	// DefaultGazetteer().
	Gazetteer *Gazetteer
	// MaxProblems caps Stats.Problems; 0 means DefaultMaxProblems and a
	// negative value keeps none.
	MaxProblems int
	// Models maps a weapon model of the missile log to its category (as in
	// missiles_and_uavs.csv); nil means the built-in table (see
	// ReadWeaponModels to load the file instead).
	Models map[string]string
	// SplitPlatformAccounts makes a link to a social platform (Telegram,
	// X/Twitter, Facebook, YouTube, ...) count as the account's own source,
	// "t.me/<channel>", instead of one source per platform domain. Without
	// it every Telegram link is the one source "t.me", which understates
	// how many independent voices back an incident.
	SplitPlatformAccounts bool
	// Mapping describes the columns of a generic file for ReadMapped.
	Mapping *Mapping
}

func (o Options) registry() *Registry {
	if o.Registry != nil {
		return o.Registry
	}
	return DefaultRegistry()
}

func (o Options) gazetteer() *Gazetteer {
	if o.Gazetteer != nil {
		return o.Gazetteer
	}
	return DefaultGazetteer()
}

func (o Options) maxProblems() int {
	switch {
	case o.MaxProblems == 0:
		return DefaultMaxProblems
	case o.MaxProblems < 0:
		return 0
	}
	return o.MaxProblems
}

// Batch is what one importer made of one file.
type Batch struct {
	// Name is the file name the importer was given, used in messages.
	Name string
	// Type is the importer that read the file.
	Type Type
	// Reports are the accepted reports in file order.
	Reports []backstop.Report
	// Sources are the sources seen in this file that the registry did not
	// know, created with reliability F, in order of first appearance.
	Sources []backstop.Source
	Stats   Stats
}

// Stats accounts for every row of a file.
type Stats struct {
	// Rows is the number of data rows (CSV records after the header, JSON
	// array elements); Rows == Accepted + Skipped.
	Rows     int
	Accepted int
	Skipped  int
	// Reports is the number of reports made; it exceeds Accepted when a row
	// yields several (one per outlet, one per source link).
	Reports int
	// Problems are the first examples (up to Options.MaxProblems of each)
	// of skipped rows and of values that were accepted but could not be
	// fully understood, in file order.
	Problems []Problem
	// SkippedByReason counts skipped rows per reason.
	SkippedByReason map[string]int
	// Places counts place resolution per column (e.g. "target").
	Places map[string]*PlaceStats
}

// PlaceStats counts how well the place names of one column resolved.
type PlaceStats struct {
	// Named is the number of rows whose column names a place (is not empty).
	Named int
	// Resolved is the number of those whose every part resolved to an area.
	Resolved int
	// Partial is the number where some parts resolved and some did not.
	Partial int
	// Unresolved counts the parts that did not resolve, by normalised text.
	Unresolved map[string]int
}

// Coverage is the share of named rows that resolved at least in part.
func (p *PlaceStats) Coverage() float64 {
	if p == nil || p.Named == 0 {
		return 1
	}
	return float64(p.Resolved+p.Partial) / float64(p.Named)
}

// Problem is one example of a row or value that could not be used as it is.
type Problem struct {
	// Row is the 1-based data row (the header is not a row); Line is the
	// 1-based line of the file where the row starts, 0 for JSON.
	Row    int    `json:"row"`
	Line   int    `json:"line,omitempty"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
	// Skipped is true when the row was skipped, false when it was accepted
	// with the value left out or kept only as text.
	Skipped bool   `json:"skipped"`
	Value   string `json:"value,omitempty"`
}

func (p Problem) String() string {
	loc := fmt.Sprintf("row %d", p.Row)
	if p.Line > 0 {
		loc += fmt.Sprintf(" (line %d)", p.Line)
	}
	if p.Column != "" {
		loc += ", column " + p.Column
	}
	s := loc + ": " + p.Reason
	if p.Value != "" {
		s += fmt.Sprintf(" (%q)", truncate(p.Value, 80))
	}
	return s
}

// builder collects a batch: it counts rows, mints unique report ids and
// creates sources the registry does not know.
type builder struct {
	b        *Batch
	opt      Options
	reg      *Registry
	gaz      *Gazetteer
	max      int
	ids      map[string]int
	newSrc   map[string]bool
	resolved map[string]Resolution // place texts already resolved in this file
	skips    int                   // examples of skipped rows kept
	notes    int                   // examples of notes kept
}

func newBuilder(name string, typ Type, opt Options) *builder {
	return &builder{
		b: &Batch{Name: name, Type: typ, Stats: Stats{
			SkippedByReason: map[string]int{},
			Places:          map[string]*PlaceStats{},
		}},
		opt:      opt,
		reg:      opt.registry(),
		gaz:      opt.gazetteer(),
		max:      opt.maxProblems(),
		ids:      map[string]int{},
		newSrc:   map[string]bool{},
		resolved: map[string]Resolution{},
	}
}

// maxResolveCache bounds the per-file cache of resolved place texts; the
// data sets repeat a few hundred distinct texts many thousand times.
const maxResolveCache = 10000

// skip counts a row as skipped for reason.
func (bd *builder) skip(row, line int, column, reason, value string) {
	bd.b.Stats.Rows++
	bd.b.Stats.Skipped++
	bd.b.Stats.SkippedByReason[reason]++
	bd.problem(Problem{Row: row, Line: line, Column: column, Reason: reason, Skipped: true, Value: value})
}

// note records a problem with a row that was nevertheless accepted.
func (bd *builder) note(row, line int, column, reason, value string) {
	bd.problem(Problem{Row: row, Line: line, Column: column, Reason: reason, Value: value})
}

// problem keeps up to max examples of skips and, separately, up to max
// examples of notes, so that many notes cannot hide the skips.
func (bd *builder) problem(p Problem) {
	n := &bd.notes
	if p.Skipped {
		n = &bd.skips
	}
	if *n < bd.max {
		*n++
		bd.b.Stats.Problems = append(bd.b.Stats.Problems, p)
	}
}

// accept counts a row as accepted with its reports.
func (bd *builder) accept(reports ...backstop.Report) {
	bd.b.Stats.Rows++
	bd.b.Stats.Accepted++
	for _, r := range reports {
		r.ID = bd.uniqueID(r.ID)
		bd.source(r.SourceID)
		bd.b.Reports = append(bd.b.Reports, r)
	}
	bd.b.Stats.Reports = len(bd.b.Reports)
}

// uniqueID returns id, or id with "~2", "~3"... appended when a report of
// this batch already has it. Ids stay stable as long as the file's rows keep
// their order.
func (bd *builder) uniqueID(id string) string {
	n := bd.ids[id]
	bd.ids[id] = n + 1
	if n == 0 {
		return id
	}
	for {
		n++
		cand := id + "~" + strconv.Itoa(n)
		if bd.ids[cand] == 0 {
			bd.ids[cand] = 1
			return cand
		}
	}
}

// source makes sure id is a known source, creating it with reliability F
// when the registry does not know it.
func (bd *builder) source(id string) {
	if _, ok := bd.reg.Lookup(id); ok || bd.newSrc[id] {
		return
	}
	bd.newSrc[id] = true
	bd.b.Sources = append(bd.b.Sources, backstop.Source{ID: id, Name: id, Reliability: 'F', Affiliation: id})
}

// place resolves text in column and counts the outcome.
func (bd *builder) place(row, line int, column, text string) Resolution {
	p, ok := bd.resolved[text]
	if !ok {
		p = bd.gaz.Resolve(text)
		if len(bd.resolved) < maxResolveCache {
			bd.resolved[text] = p
		}
	}
	// Each report gets its own copy of the areas.
	p.Areas = slices.Clone(p.Areas)
	ps := bd.b.Stats.Places[column]
	if ps == nil {
		ps = &PlaceStats{Unresolved: map[string]int{}}
		bd.b.Stats.Places[column] = ps
	}
	if p.Named {
		ps.Named++
		switch {
		case len(p.Unresolved) == 0:
			ps.Resolved++
		case len(p.Areas) > 0:
			ps.Partial++
		}
		for _, u := range p.Unresolved {
			ps.Unresolved[u]++
		}
		if len(p.Unresolved) > 0 {
			bd.note(row, line, column, "place not resolved: "+strings.Join(p.Unresolved, "; "), text)
		}
	}
	return p
}

func (bd *builder) batch() *Batch { return bd.b }

// csvTable reads a CSV file with a header, giving each record with its line
// and field lookup by column name.
type csvTable struct {
	name string
	r    *csv.Reader
	col  map[string]int
	head []string
	row  int
}

// openCSV reads the header of a CSV file and checks that it has the
// required columns.
func openCSV(r io.Reader, name string, required ...string) (*csvTable, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err == io.EOF {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: empty file: want a CSV header", name)
	} else if err != nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: header: %v", name, err)
	}
	t := &csvTable{name: name, r: cr, col: map[string]int{}, head: head}
	for i, h := range head {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := t.col[h]; !dup {
			t.col[h] = i
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, backstop.Errorf(backstop.EINVALID, "%s:1: header lacks column(s) %s", name, strings.Join(missing, ", "))
	}
	return t, nil
}

// record is one CSV record.
type record struct {
	t      *csvTable
	fields []string
	row    int
	line   int
}

// get returns the trimmed value of column c, "" when absent.
func (rec record) get(c string) string {
	i, ok := rec.t.col[c]
	if !ok || i >= len(rec.fields) {
		return ""
	}
	return strings.TrimSpace(rec.fields[i])
}

// next returns the next record. A record that the CSV reader cannot parse
// (a stray quote, say) is returned with parseErr set so the caller can count
// it as a skipped row; io.EOF ends the file.
func (t *csvTable) next() (rec record, parseErr error, err error) {
	fields, err := t.r.Read()
	if err == io.EOF {
		return record{}, nil, io.EOF
	}
	t.row++
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return record{t: t, row: t.row, line: pe.StartLine}, pe, nil
	} else if err != nil {
		return record{}, nil, fmt.Errorf("%s: row %d: %w", t.name, t.row, err)
	}
	line := 0
	if len(fields) > 0 {
		line, _ = t.r.FieldPos(0)
	}
	rec = record{t: t, fields: fields, row: t.row, line: line}
	if len(fields) != len(t.head) {
		return rec, fmt.Errorf("%d fields, header has %d", len(fields), len(t.head)), nil
	}
	return rec, nil, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	// Cut on a rune boundary.
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Plausible years for event data: a time outside them is a typo or a
// placeholder (0001-01-01), not an event.
const (
	minYear = 1900
	maxYear = 2200
)

// checkYear returns err, or an error when t lies outside the plausible years.
func checkYear(t time.Time, err error) (time.Time, error) {
	if err != nil {
		return time.Time{}, err
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf("year %d out of range %d..%d", y, minYear, maxYear)
	}
	return t, nil
}

// parseCount parses a count such as "49.0"; "" and "nan" give ok false.
func parseCount(s string) (float64, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "nan") {
		return 0, false, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, err
	}
	if f < 0 || f != f || f > 1e9 {
		return 0, false, fmt.Errorf("count %q out of range", s)
	}
	return f, true, nil
}
