package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/adjudicate"
	"github.com/backstop-dev/backstop/agreement"
	"github.com/backstop-dev/backstop/ingest"
	"github.com/backstop-dev/backstop/monitor"
)

func init() {
	register(command{
		name:    "replay",
		summary: "feed historical reports and maps through an agreement: what would have fired, when",
		run:     runReplay,
	})
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type replayFlags struct {
	agreement, deal, shadow string
	since, until, effective string
	territory, oblasts      string
	events                  stringList
	format                  string
	minArea                 float64
	unverified              bool
}

func runReplay(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var f replayFlags
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.deal, "deal", "", "the deal (YAML) fixing the agreement's terms (required)")
	fs.StringVar(&f.since, "since", "", "first day replayed, YYYY-MM-DD (required)")
	fs.StringVar(&f.until, "until", "", "last day replayed, YYYY-MM-DD (required)")
	fs.StringVar(&f.effective, "effective", "", `day the deal is taken to be in force and the agreed line drawn, YYYY-MM-DD; "deal" for the deal's own date (default: --since)`)
	fs.Var(&f.events, "events", "event file to import (missile log, VIINA, Bellingcat, alerts; format detected); repeatable")
	fs.StringVar(&f.territory, "territory", "", "folder of daily occupation maps (deepstatemap_data_YYYYMMDD.geojson); adds territorial_seizure incidents")
	fs.StringVar(&f.oblasts, "oblasts", "", "oblast boundaries (GeoJSON with iso_3166_2) for attributing territorial change (default: found beside the territory folder or the agreement)")
	fs.Float64Var(&f.minArea, "min-area", 5, "smallest new territorial gain per oblast and day reported, km²")
	fs.StringVar(&f.format, "format", "text", "output: text (a timeline) or jsonl (one decision per line)")
	fs.StringVar(&f.shadow, "shadow", "", "a second agreement version evaluated side by side; its decisions are marked shadow and never take effect")
	fs.BoolVar(&f.unverified, "unverified", false, "also list incidents that failed verification (territorial changes are always listed; all are counted in the summary)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backstop replay AGREEMENT --deal DEAL --since DATE --until DATE [--territory DIR] [--events FILE ...] [--format text|jsonl] [--shadow AGREEMENT2]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Feeds real reports (fused into graded incidents) and daily territorial change through the")
		fmt.Fprintln(stderr, "agreement's evaluator in time order, and prints the decisions: violations, triggers,")
		fmt.Fprintln(stderr, "protocol stages, obligations and overdue alerts, each with its evidence.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(splitFlags(args, "unverified")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() != 1 || f.deal == "" || f.since == "" || f.until == "" {
		fs.Usage()
		return exitUsage
	}
	f.agreement = fs.Arg(0)
	if f.format != "text" && f.format != "jsonl" {
		fmt.Fprintf(stderr, "replay: --format %q: want text or jsonl\n", f.format)
		return exitUsage
	}
	if f.territory == "" && len(f.events) == 0 {
		fmt.Fprintln(stderr, "replay: nothing to replay: give --events FILE and/or --territory DIR")
		return exitUsage
	}
	return replay(ctx, f, stdout, stderr)
}

func parseDay(flagName, s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s %q: want a date YYYY-MM-DD", flagName, s)
	}
	return t, nil
}

func loadAgreement(path string, stderr io.Writer) (*agreement.Doc, bool) {
	doc, err := agreement.Load(path)
	if err != nil {
		var ds agreement.Diagnostics
		if errors.As(err, &ds) {
			src, _ := os.ReadFile(path)
			ds.Print(stderr, map[string][]byte{path: src})
		} else {
			fmt.Fprintf(stderr, "replay: %v\n", err)
		}
		return nil, false
	}
	return doc, true
}

func loadDeal(doc *agreement.Doc, path string, stderr io.Writer) (*agreement.Deal, bool) {
	deal, err := doc.LoadDeal(path)
	if err != nil {
		var ds agreement.Diagnostics
		if errors.As(err, &ds) {
			src, _ := os.ReadFile(path)
			ds.Print(stderr, map[string][]byte{path: src})
		} else {
			fmt.Fprintf(stderr, "replay: %s: %v\n", path, err)
		}
		return nil, false
	}
	return deal, true
}

func replay(ctx context.Context, f replayFlags, stdout, stderr io.Writer) int {
	since, err := parseDay("since", f.since)
	if err == nil {
		var until time.Time
		until, err = parseDay("until", f.until)
		if err == nil && until.Before(since) {
			err = fmt.Errorf("--until %s is before --since %s", f.until, f.since)
		}
		_ = until
	}
	if err != nil {
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return exitUsage
	}
	until, _ := parseDay("until", f.until)
	end := until.Add(24 * time.Hour) // the last day is included

	doc, ok := loadAgreement(f.agreement, stderr)
	if !ok {
		return exitFindings
	}
	deal, ok := loadDeal(doc, f.deal, stderr)
	if !ok {
		return exitFindings
	}
	effective := since
	switch {
	case f.effective == "deal":
		effective = deal.Date
	case f.effective != "":
		if effective, err = parseDay("effective", f.effective); err != nil {
			fmt.Fprintf(stderr, "replay: %v\n", err)
			return exitUsage
		}
	}
	backtest := *deal
	backtest.Date = effective
	engine, err := adjudicate.New(doc, &backtest)
	if err != nil {
		fmt.Fprintf(stderr, "replay: %s under deal %s: %v\n", f.agreement, deal.ID, err)
		return exitFindings
	}
	opt := monitor.Options{Fuse: monitor.FuseOptions{Sources: ingest.DefaultRegistry()}}
	if f.shadow != "" {
		sdoc, ok := loadAgreement(f.shadow, stderr)
		if !ok {
			return exitFindings
		}
		sdeal, ok := loadDeal(sdoc, f.deal, stderr)
		if !ok {
			return exitFindings
		}
		sdeal.Date = effective
		if opt.Shadow, err = adjudicate.New(sdoc, sdeal); err != nil {
			fmt.Fprintf(stderr, "replay: shadow %s under deal %s: %v\n", f.shadow, deal.ID, err)
			return exitFindings
		}
	}

	// Reports.
	var reports []backstop.Report
	read := 0
	for _, path := range f.events {
		b, err := readEvents(path)
		if err != nil {
			fmt.Fprintf(stderr, "replay: %v\n", err)
			return exitFindings
		}
		read += len(b.Reports)
		for _, r := range b.Reports {
			if !r.Time.Before(since) && r.Time.Before(end) {
				reports = append(reports, r)
			}
		}
	}

	// Territorial change.
	var terr []backstop.Incident
	if f.territory != "" {
		obl := f.oblasts
		if obl == "" {
			obl = findOblasts(f.territory, f.agreement)
		}
		if obl == "" {
			fmt.Fprintln(stderr, "replay: --territory needs oblast boundaries: give --oblasts FILE (GeoJSON with iso_3166_2)")
			return exitUsage
		}
		areas, err := monitor.LoadAreas(obl, "iso_3166_2")
		if err != nil {
			fmt.Fprintf(stderr, "replay: %v\n", err)
			return exitFindings
		}
		terr, err = monitor.TerritorialIncidents(monitor.TerritoryOptions{
			Dir: f.territory, Areas: areas, Line: effective, Since: since, Until: until, MinAreaKm2: f.minArea,
		})
		if err != nil {
			fmt.Fprintf(stderr, "replay: %v\n", err)
			return exitFindings
		}
	}

	var bar *progressbar.ProgressBar
	if isTerminal(stderr) && len(reports) > 20000 {
		bar = progressbar.NewOptions(len(reports), progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("replay"), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	out := newTimeline(w, f.format, f.unverified)
	if f.format == "text" {
		fmt.Fprintf(w, "Replay of %s under deal %s, %s to %s\n", f.agreement, deal.ID, f.since, f.until)
		fmt.Fprintf(w, "  deal taken to be in force from %s (its own date: %s); agreed line: the occupied area on %s\n",
			effective.Format(time.DateOnly), dateOr(deal.Date), effective.Format(time.DateOnly))
		if f.shadow != "" {
			fmt.Fprintf(w, "  shadow agreement: %s (its decisions are marked SHADOW and take no effect)\n", f.shadow)
		}
		fmt.Fprintf(w, "  %d reports in the period (of %d read) from %d file(s); %d territorial-change incidents\n", len(reports), read, len(f.events), len(terr))
		fmt.Fprintln(w, "  data: Ukrainian Air Force missile log (P. Ivaniuk); VIINA 2.0 (Zhukov & Ayers, ODbL); DeepStateMap; Natural Earth")
		fmt.Fprintln(w)
	}
	m := monitor.New(engine, opt)
	err = monitor.Run(m, reports, terr, end, func(d monitor.Decision) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return out.emit(d)
	}, func(done int) {
		if bar != nil {
			_ = bar.Set(done)
		}
	})
	if bar != nil {
		_ = bar.Finish()
	}
	if err != nil {
		w.Flush()
		fmt.Fprintf(stderr, "replay: %v\n", err)
		return exitFindings
	}
	if f.format == "text" {
		out.summary(len(reports), m.Incidents())
	}
	return exitOK
}

func dateOr(t time.Time) string {
	if t.IsZero() {
		return "none"
	}
	return t.Format(time.DateOnly)
}

// findOblasts looks for the oblast boundaries beside the shared data's
// territory folder (../../geo) or in the agreement's geo folder.
func findOblasts(territoryDir, agreementPath string) string {
	for _, p := range []string{
		filepath.Join(territoryDir, "..", "..", "geo", "ukraine_oblasts_ne10m.geojson"),
		filepath.Join(filepath.Dir(agreementPath), "geo", "ukraine_oblasts_ne10m.geojson"),
	} {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

func readEvents(path string) (*ingest.Batch, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	br := bufio.NewReaderSize(fh, 1<<16)
	head, _ := br.Peek(4096)
	typ, err := ingest.Detect(path, head)
	if err != nil {
		return nil, err
	}
	return ingest.Read(typ, br, path, ingest.Options{})
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// timeline writes decisions as text or JSON lines and counts them.
type timeline struct {
	w          *bufio.Writer
	format     string
	unverified bool
	counts     map[string]int
	shadow     map[string]int
}

func newTimeline(w *bufio.Writer, format string, unverified bool) *timeline {
	return &timeline{w: w, format: format, unverified: unverified, counts: map[string]int{}, shadow: map[string]int{}}
}

func (t *timeline) emit(d monitor.Decision) error {
	if d.Shadow {
		t.shadow[d.Kind]++
	} else {
		t.counts[d.Kind]++
	}
	// Unverified territorial changes are shown anyway: where the front moved
	// is what an analyst reads the timeline for, and that the agreement's
	// rule cannot verify a map on its own is a finding in itself.
	if d.Kind == adjudicate.Unverified && !t.unverified && d.AreaKm2 == 0 {
		return nil
	}
	if t.format == "jsonl" {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		t.w.Write(b)
		return t.w.WriteByte('\n')
	}
	tag := strings.ToUpper(d.Kind)
	if d.Shadow {
		tag = "SHADOW " + tag
	}
	parties := strings.Join(d.Parties, ",")
	fmt.Fprintf(t.w, "%s  %-12s %-24s %-6s", d.Time.UTC().Format("2006-01-02 15:04"), tag, d.Rule, parties)
	if d.AreaKm2 > 0 {
		fmt.Fprintf(t.w, " %.1f km²", d.AreaKm2)
		var areas []string
		for _, e := range d.Evidence {
			areas = append(areas, e.Areas...)
		}
		if len(areas) > 0 {
			fmt.Fprintf(t.w, " in %s", strings.Join(areas, " "))
		}
	}
	if !d.Due.IsZero() {
		fmt.Fprintf(t.w, " due %s", d.Due.UTC().Format("2006-01-02 15:04"))
	}
	fmt.Fprintln(t.w)
	if d.Explanation != "" {
		fmt.Fprintf(t.w, "      %s\n", d.Explanation)
	}
	for _, e := range d.Evidence {
		fmt.Fprintf(t.w, "      evidence %s: %s %s, grade %s, %d independent source(s)", e.Incident, e.Kind, strings.Join(e.Areas, " "), e.Grade, e.Independent)
		if e.Opposing {
			fmt.Fprint(t.w, " incl. opposing sides")
		}
		fmt.Fprintf(t.w, " [%s], %d report(s)", strings.Join(e.Sources, ", "), len(e.Reports))
		if v, ok := e.Counts["launched"]; ok {
			fmt.Fprintf(t.w, ", %g launched", v)
		}
		fmt.Fprintln(t.w)
	}
	return nil
}

func (t *timeline) summary(reports, incidents int) {
	fmt.Fprintln(t.w)
	fmt.Fprintf(t.w, "Summary: %d reports fused into %d incidents (with territorial changes); decisions:", reports, incidents)
	kinds := make([]string, 0, len(t.counts))
	for k := range t.counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(t.w, " %s %d;", k, t.counts[k])
	}
	fmt.Fprintln(t.w)
	if len(t.shadow) > 0 {
		fmt.Fprint(t.w, "Shadow decisions:")
		kinds = kinds[:0]
		for k := range t.shadow {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, k := range kinds {
			fmt.Fprintf(t.w, " %s %d;", k, t.shadow[k])
		}
		fmt.Fprintln(t.w)
	}
}
