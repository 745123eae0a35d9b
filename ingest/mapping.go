package ingest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/backstop-dev/backstop"
)

// Mapping describes how the columns of a CSV file, or the fields of the
// objects of a JSON array, become reports, so that a new feed can be
// imported without code. It is written in YAML:
//
//	format: csv                  # csv (with a header) or json (an array of objects)
//	source: air-raid-etryvoga    # a constant source id ...
//	id_prefix: etryvoga          # report ids are <id_prefix>:<id column or row number>
//	time_layout: "2006-01-02 15:04:05Z07:00"  # Go layout; several may be listed
//	time_zone: UTC               # for layouts without an offset (default UTC)
//	kind: air_raid_alert         # a constant kind ...
//	columns:
//	  time: started_at           # required
//	  end: finished_at
//	  place: region              # resolved by the gazetteer into Place.Areas
//	  counts: {killed: killed}   # count name: column
//
// Instead of a constant source, columns.source names a column; instead of a
// constant kind, columns.kind names a column and kinds maps its values to
// kinds (default_kind for the others; without it they are skipped).
type Mapping struct {
	Format      string                   `yaml:"format"`
	Source      string                   `yaml:"source"`
	IDPrefix    string                   `yaml:"id_prefix"`
	TimeLayout  []string                 `yaml:"-"`
	TimeZone    string                   `yaml:"time_zone"`
	Kind        backstop.Kind            `yaml:"kind"`
	Kinds       map[string]backstop.Kind `yaml:"kinds"`
	DefaultKind backstop.Kind            `yaml:"default_kind"`
	Actor       string                   `yaml:"actor"`
	Columns     MappingColumns           `yaml:"columns"`

	loc *time.Location
}

// MappingColumns names the column of each report field; empty means absent.
type MappingColumns struct {
	ID     string            `yaml:"id"`
	Source string            `yaml:"source"`
	Time   string            `yaml:"time"`
	End    string            `yaml:"end"`
	Kind   string            `yaml:"kind"`
	Actor  string            `yaml:"actor"`
	Lat    string            `yaml:"lat"`
	Lon    string            `yaml:"lon"`
	Place  string            `yaml:"place"`
	Text   string            `yaml:"text"`
	Link   string            `yaml:"link"`
	Counts map[string]string `yaml:"counts"`
}

// defaultLayouts are tried when a mapping names no time layout.
var defaultLayouts = []string{
	time.RFC3339, "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05", "2006-01-02T15:04:05",
	"2006-01-02 15:04", "2006-01-02",
}

// LoadMapping reads and checks a mapping. Errors name the file and, where
// YAML knows it, the line.
func LoadMapping(r io.Reader, name string) (*Mapping, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var raw struct {
		Mapping    `yaml:",inline"`
		TimeLayout yaml.Node `yaml:"time_layout"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: %v", name, err)
	}
	m := raw.Mapping
	switch raw.TimeLayout.Kind {
	case 0:
	case yaml.ScalarNode:
		m.TimeLayout = []string{raw.TimeLayout.Value}
	case yaml.SequenceNode:
		if err := raw.TimeLayout.Decode(&m.TimeLayout); err != nil {
			return nil, backstop.Errorf(backstop.EINVALID, "%s:%d: time_layout: %v", name, raw.TimeLayout.Line, err)
		}
	default:
		return nil, backstop.Errorf(backstop.EINVALID, "%s:%d: time_layout: want a layout or a list of layouts", name, raw.TimeLayout.Line)
	}
	if err := m.check(); err != nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: %s", name, backstop.ErrorMessage(err))
	}
	return &m, nil
}

// check validates the mapping and fills in defaults.
func (m *Mapping) check() error {
	switch m.Format {
	case "":
		m.Format = "csv"
	case "csv", "json":
	default:
		return backstop.Errorf(backstop.EINVALID, "format %q: want csv or json", m.Format)
	}
	if m.Columns.Time == "" {
		return backstop.Errorf(backstop.EINVALID, "columns.time: required")
	}
	if (m.Source == "") == (m.Columns.Source == "") {
		return backstop.Errorf(backstop.EINVALID, "want exactly one of source (a constant) and columns.source")
	}
	if m.Kind != "" && m.Columns.Kind != "" {
		return backstop.Errorf(backstop.EINVALID, "want at most one of kind (a constant) and columns.kind")
	}
	if m.Kind == "" && m.Columns.Kind == "" {
		return backstop.Errorf(backstop.EINVALID, "want kind (a constant) or columns.kind with kinds")
	}
	for _, k := range append([]backstop.Kind{m.Kind, m.DefaultKind}, mapValues(m.Kinds)...) {
		if k != "" && !k.Valid() {
			return backstop.Errorf(backstop.EINVALID, "kind %q is not in the taxonomy", k)
		}
	}
	if (m.Columns.Lat == "") != (m.Columns.Lon == "") {
		return backstop.Errorf(backstop.EINVALID, "columns.lat and columns.lon go together")
	}
	if len(m.TimeLayout) == 0 {
		m.TimeLayout = defaultLayouts
	}
	m.loc = time.UTC
	if m.TimeZone != "" {
		loc, err := time.LoadLocation(m.TimeZone)
		if err != nil {
			return backstop.Errorf(backstop.EINVALID, "time_zone %q: %v", m.TimeZone, err)
		}
		m.loc = loc
	}
	if m.IDPrefix == "" {
		m.IDPrefix = m.Source
		if m.IDPrefix == "" {
			m.IDPrefix = "mapped"
		}
	}
	return nil
}

func mapValues(m map[string]backstop.Kind) []backstop.Kind {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]backstop.Kind, 0, len(m))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

func (m *Mapping) parseTime(s string) (time.Time, error) {
	for _, l := range m.TimeLayout {
		if t, err := checkYear(time.ParseInLocation(l, s, m.loc)); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q matches no layout of the mapping", s)
}

// ReadMapped imports a CSV or JSON file as Options.Mapping describes it.
// Rows whose time, kind or source cannot be read are skipped and counted.
func ReadMapped(r io.Reader, name string, opt Options) (*Batch, error) {
	m := opt.Mapping
	if m == nil {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: the mapped importer needs a mapping file", name)
	}
	if m.loc == nil {
		if err := m.check(); err != nil {
			return nil, err
		}
	}
	bd := newBuilder(name, TypeMapped, opt)
	if m.Format == "json" {
		return readMappedJSON(r, name, m, bd)
	}
	t, err := openCSV(r, name, m.required()...)
	if err != nil {
		return nil, err
	}
	for {
		rec, perr, err := t.next()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		if perr != nil {
			bd.skip(rec.row, rec.line, "", "malformed CSV record", perr.Error())
			continue
		}
		bd.mappedRow(m, rec.row, rec.line, rec.get)
	}
	return bd.batch(), nil
}

// required lists the columns the mapping names.
func (m *Mapping) required() []string {
	c := m.Columns
	var out []string
	for _, s := range []string{c.ID, c.Source, c.Time, c.End, c.Kind, c.Actor, c.Lat, c.Lon, c.Place, c.Text, c.Link} {
		if s != "" {
			out = append(out, s)
		}
	}
	for _, k := range sortedMapKeys(c.Counts) {
		out = append(out, c.Counts[k])
	}
	return out
}

func sortedMapKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func readMappedJSON(r io.Reader, name string, m *Mapping, bd *builder) (*Batch, error) {
	cr := &countingReader{r: bufio.NewReader(r)}
	dec := json.NewDecoder(cr)
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: empty file: want a JSON array of objects", name)
	} else if err != nil {
		return nil, jsonError(name, cr, dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, backstop.Errorf(backstop.EINVALID, "%s:1: want a JSON array of objects, got %v", name, tok)
	}
	row := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(name, cr, dec, err)
		}
		row++
		var obj map[string]flexString
		if err := json.Unmarshal(raw, &obj); err != nil {
			// Nested values the mapping cannot name: keep the scalar fields.
			var loose map[string]json.RawMessage
			if err2 := json.Unmarshal(raw, &loose); err2 != nil {
				bd.skip(row, 0, "", "not a JSON object", err2.Error())
				continue
			}
			obj = map[string]flexString{}
			for k, v := range loose {
				var f flexString
				if json.Unmarshal(v, &f) == nil {
					obj[k] = f
				}
			}
		}
		bd.mappedRow(m, row, 0, func(c string) string { return obj[c].String() })
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(name, cr, dec, err)
	}
	return bd.batch(), nil
}

func (bd *builder) mappedRow(m *Mapping, row, line int, get func(string) string) {
	c := m.Columns
	start, err := m.parseTime(get(c.Time))
	if err != nil {
		bd.skip(row, line, c.Time, "time matches no layout", get(c.Time))
		return
	}
	kind := m.Kind
	if c.Kind != "" {
		v := get(c.Kind)
		k, ok := m.Kinds[v]
		if !ok {
			k = m.DefaultKind
		}
		if k == "" {
			bd.skip(row, line, c.Kind, "kind value not mapped", v)
			return
		}
		kind = k
	}
	src := m.Source
	if c.Source != "" {
		if src = get(c.Source); src == "" {
			bd.skip(row, line, c.Source, "no source", "")
			return
		}
	}
	rep := backstop.Report{SourceID: src, Time: start, Kind: kind, Actor: m.Actor}
	if c.End != "" {
		if s := get(c.End); s != "" {
			if e, err := m.parseTime(s); err != nil {
				bd.note(row, line, c.End, "end matches no layout; left out", s)
			} else if e.Before(start) {
				bd.note(row, line, c.End, "end before time; left out", s)
			} else {
				rep.End = e
			}
		}
	}
	if c.Actor != "" {
		rep.Actor = get(c.Actor)
	}
	if c.Lat != "" {
		lat, err1 := strconv.ParseFloat(get(c.Lat), 64)
		lon, err2 := strconv.ParseFloat(get(c.Lon), 64)
		if err1 == nil && err2 == nil && validLonLat(lon, lat) {
			rep.Place = backstop.Place{Lon: lon, Lat: lat, HasPoint: true}
			if iso := bd.gaz.Locate(lon, lat); iso != "" {
				rep.Place.Areas = []string{iso}
			}
		} else if get(c.Lat) != "" || get(c.Lon) != "" {
			bd.note(row, line, c.Lat+"/"+c.Lon, "no valid point; left out", get(c.Lat)+","+get(c.Lon))
		}
	}
	if c.Place != "" {
		name := get(c.Place)
		rep.Place.Name = name
		res := bd.place(row, line, c.Place, name)
		if len(rep.Place.Areas) == 0 {
			rep.Place.Areas = res.Areas
		}
	}
	if c.Text != "" {
		rep.Text = get(c.Text)
	}
	if c.Link != "" {
		rep.Link = get(c.Link)
	}
	for _, k := range sortedMapKeys(c.Counts) {
		v, ok, err := parseCount(get(c.Counts[k]))
		if err != nil {
			bd.note(row, line, c.Counts[k], "not a count; left out", get(c.Counts[k]))
		} else if ok {
			if rep.Counts == nil {
				rep.Counts = map[string]float64{}
			}
			rep.Counts[k] = v
		}
	}
	key := strconv.Itoa(row)
	if c.ID != "" && get(c.ID) != "" {
		key = get(c.ID)
	}
	rep.ID = m.IDPrefix + ":" + key
	bd.accept(rep)
}
