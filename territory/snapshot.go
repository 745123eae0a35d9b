package territory

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Snapshot file names in the shared data set:
//
//	deepstatemap_data_20250701.geojson            fetched 2025-07-01 03:00 UTC
//	deepstatemap_data_20250701_polygons.geojson.gz fetched likewise (raw layers)
//	deepstate_20250731T192210Z_1753989730.geojson.gz captured at that instant
var (
	fetchName   = regexp.MustCompile(`(?:^|[^0-9])(\d{8})(?:_polygons)?\.geojson(?:\.gz)?$`)
	captureName = regexp.MustCompile(`(\d{8})T(\d{6})Z`)
)

// MapDay returns the day whose situation a snapshot file shows, from its
// name, and false when the name carries no date.
//
// Convention: a file named by its fetch date (deepstatemap_data_YYYYMMDD…)
// was fetched at 03:00 UTC, before DeepState's morning update, so it shows
// the map as it stood at the end of the previous day: its map day is the
// file date minus one. A file named by a capture instant
// (deepstate_YYYYMMDDTHHMMSSZ…) shows that day's map. Points files (arrows,
// unit markers) are not snapshots of territory.
func MapDay(name string) (time.Time, bool) {
	base := filepath.Base(name)
	if strings.Contains(base, "_points") {
		return time.Time{}, false
	}
	if m := captureName.FindStringSubmatch(base); m != nil {
		return parseDay(m[1], 0)
	}
	if m := fetchName.FindStringSubmatch(base); m != nil {
		return parseDay(m[1], -1)
	}
	return time.Time{}, false
}

// parseDay parses YYYYMMDD and shifts it by shift days. Years before 2000
// are refused: no digital map of the war is that old, so such a "date" is
// some other number in the name.
func parseDay(s string, shift int) (time.Time, bool) {
	t, err := time.Parse("20060102", s)
	if err != nil || t.Year() < 2000 {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, shift), true
}

// SnapshotOn returns the snapshot in dir that shows the map at the end of
// day (see MapDay for the naming convention). Only day's calendar date, in
// its own location, matters. When several files show that
// day, the latest capture wins. When none does, the error names the nearest
// days available, because silently using an older map would misstate what
// was known on that day.
func SnapshotOn(dir string, day time.Time) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	want := day.Format("2006-01-02") // the calendar day in day's own location
	var hits, all []string
	days := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		d, ok := MapDay(e.Name())
		if !ok {
			continue
		}
		ds := d.Format("2006-01-02")
		days[ds] = e.Name()
		all = append(all, ds)
		if ds == want {
			hits = append(hits, e.Name())
		}
	}
	if len(hits) > 0 {
		sort.Strings(hits)
		return filepath.Join(dir, hits[len(hits)-1]), nil
	}
	if len(all) == 0 {
		return "", fmt.Errorf("%s: no DeepState snapshot files", dir)
	}
	sort.Strings(all)
	i := sort.SearchStrings(all, want)
	var near []string
	if i > 0 {
		near = append(near, all[i-1])
	}
	if i < len(all) {
		near = append(near, all[i])
	}
	return "", fmt.Errorf("%s: no snapshot shows %s (nearest: %s)", dir, want, strings.Join(near, ", "))
}
