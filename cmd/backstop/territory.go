package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/backstop-dev/backstop/geo"
	"github.com/backstop-dev/backstop/territory"
)

func init() {
	register(command{
		name:    "territory",
		summary: "measure territorial change between two maps (DeepState snapshots), per zone",
		run:     runTerritory,
	})
}

func runTerritory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintln(w, "Usage: backstop territory diff --base A.geojson --at B.geojson [--zones Z.geojson] [--layers LIST] [--grey] [--format text|json]")
		fmt.Fprintln(w)
		fmt.Fprintln(w, `Run "backstop territory diff -h" for the flags.`)
	}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "diff":
		return runTerritoryDiff(ctx, args[1:], stdout, stderr)
	case "-h", "--help", "help":
		usage(stdout)
		return exitOK
	default:
		fmt.Fprintf(stderr, "backstop territory: unknown subcommand %q\n", args[0])
		usage(stderr)
		return exitUsage
	}
}

// territoryZone is one zone of the --zones file with its display name.
type territoryZone struct {
	id, name string
}

func runTerritoryDiff(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("territory diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "", "the earlier map: a DeepState snapshot or any GeoJSON of the occupied area (`file`, .gz accepted)")
	at := fs.String("at", "", "the later map (`file`)")
	zonesPath := fs.String("zones", "", "GeoJSON `file` of zones to break the change down by (ids: iso_3166_2, else id, else feature index)")
	layers := fs.String("layers", "", "comma-separated `layers` counted as occupied in layered snapshots: occupied, crimea, cadr, grey, liberated, tuzla (default occupied,crimea,cadr)")
	grey := fs.Bool("grey", false, "also count the grey zone (\"Unknown status\") as occupied")
	format := fs.String("format", "text", "output `format`: text or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: backstop territory diff --base A.geojson --at B.geojson [flags]")
		fmt.Fprintln(stderr)
		fmt.Fprintln(stderr, "Prints the area (km² on the WGS84 ellipsoid) that is occupied in --at but not in --base")
		fmt.Fprintln(stderr, "(gained) and the reverse (lost), in total and per zone. The snapshot format (published")
		fmt.Fprintln(stderr, "union, daily raw layers, monthly bilingual layers) is detected. Map data: DeepStateMap.")
		fmt.Fprintln(stderr, "Exit status: 0 done, 1 unreadable input, 2 usage.")
		fmt.Fprintln(stderr)
		fs.PrintDefaults()
	}
	if err := fs.Parse(splitFlags(args, "grey", "h", "help")); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if *base == "" || *at == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "backstop territory diff: --base and --at are required, and nothing else")
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "backstop territory diff: --format %q: want text or json\n", *format)
		return exitUsage
	}
	opt := territory.Options{GreyZone: *grey}
	if *layers != "" {
		ls, err := territory.ParseLayers(*layers)
		if err != nil {
			fmt.Fprintf(stderr, "backstop territory diff: --layers: %v\n", err)
			return exitUsage
		}
		opt.Layers = ls
	}
	var zones []geo.Zone
	var named []territoryZone
	if *zonesPath != "" {
		fc, err := geo.ReadFile(*zonesPath)
		if err != nil {
			fmt.Fprintf(stderr, "backstop territory diff: zones: %v\n", err)
			return exitFindings
		}
		for i, f := range fc.Features {
			id := f.Prop("iso_3166_2")
			if id == "" {
				id = f.ID
			}
			if id == "" {
				id = strconv.Itoa(i)
			}
			name := f.Prop("name_en")
			if name == "" {
				name = f.Prop("name")
			}
			zones = append(zones, geo.Zone{ID: id, Geom: f.Geom})
			named = append(named, territoryZone{id, name})
		}
	}
	b, err := territory.LoadOccupied(*base, opt)
	if err != nil {
		fmt.Fprintf(stderr, "backstop territory diff: --base: %v\n", err)
		return exitFindings
	}
	a, err := territory.LoadOccupied(*at, opt)
	if err != nil {
		fmt.Fprintf(stderr, "backstop territory diff: --at: %v\n", err)
		return exitFindings
	}
	r := territory.Diff(b, a, zones)
	if r.Err != nil {
		fmt.Fprintf(stderr, "backstop territory diff: %v\n", r.Err)
		return exitFindings
	}
	if *format == "json" {
		return writeTerritoryJSON(stdout, stderr, r)
	}
	writeTerritoryText(stdout, *base, *at, geo.AreaKm2(b), geo.AreaKm2(a), r, named)
	return exitOK
}

// km2 rounds an area to 0.001 km² (1,000 m²) for output: finer digits are
// below what the maps resolve and would make output differ across platforms.
func km2(x float64) float64 { return math.Round(x*1000) / 1000 }

func writeTerritoryJSON(stdout, stderr io.Writer, r territory.Result) int {
	out := territory.Result{
		Change: territory.Change{GainedKm2: km2(r.GainedKm2), LostKm2: km2(r.LostKm2)},
		ByZone: make(map[string]territory.Change, len(r.ByZone)),
	}
	for id, c := range r.ByZone {
		out.ByZone[id] = territory.Change{GainedKm2: km2(c.GainedKm2), LostKm2: km2(c.LostKm2)}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintf(stderr, "backstop territory diff: %v\n", err)
		return exitFindings
	}
	return exitOK
}

func writeTerritoryText(w io.Writer, base, at string, aBase, aAt float64, r territory.Result, zones []territoryZone) {
	fmt.Fprintf(w, "Occupied area: %s %.1f km² → %s %.1f km² (net %s km²)\n\n",
		filepath.Base(base), aBase, filepath.Base(at), aAt, signed(aAt-aBase))
	// Rows shown: zones whose change rounds to at least 0.1 km².
	visible := func(c territory.Change) bool { return c.GainedKm2 >= 0.05 || c.LostKm2 >= 0.05 }
	var order []territoryZone
	seen := map[string]bool{}
	var sumG, sumL float64
	nameW := len("(outside all zones)")
	for _, z := range zones {
		if seen[z.id] {
			continue
		}
		seen[z.id] = true
		c := r.ByZone[z.id]
		sumG += c.GainedKm2
		sumL += c.LostKm2
		if visible(c) {
			order = append(order, z)
			nameW = max(nameW, len([]rune(z.name)))
		}
	}
	// biggest change first; ties by id so output is stable
	sort.SliceStable(order, func(i, j int) bool {
		ci, cj := r.ByZone[order[i].id], r.ByZone[order[j].id]
		ti, tj := ci.GainedKm2+ci.LostKm2, cj.GainedKm2+cj.LostKm2
		if ti != tj {
			return ti > tj
		}
		return order[i].id < order[j].id
	})
	idW := len("total")
	for _, z := range order {
		idW = max(idW, len(z.id))
	}
	row := func(id, name string, g, l float64) {
		fmt.Fprintf(w, "%-*s  %-*s  %10.1f  %10.1f  %10s\n", idW, id, nameW, name, g, l, signed(g-l))
	}
	fmt.Fprintf(w, "%-*s  %-*s  %10s  %10s  %10s\n", idW, "zone", nameW, "name", "gained km²", "lost km²", "net km²")
	for _, z := range order {
		c := r.ByZone[z.id]
		row(z.id, z.name, c.GainedKm2, c.LostKm2)
	}
	if len(zones) > 0 {
		row("", "(outside all zones)", math.Max(0, r.GainedKm2-sumG), math.Max(0, r.LostKm2-sumL))
	}
	row("total", "", r.GainedKm2, r.LostKm2)
	fmt.Fprintln(w, "\nAreas on the WGS84 ellipsoid. Map data: DeepStateMap.")
}

// signed formats x with a sign and one decimal, never as "-0.0".
func signed(x float64) string {
	x = math.Round(x*10) / 10
	if x == 0 {
		return "0.0"
	}
	return fmt.Sprintf("%+.1f", x)
}
