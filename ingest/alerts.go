package ingest

import (
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
)

// Sources of the two alert logs.
const (
	alertsOfficialSource  = "air-raid-official"
	alertsVolunteerSource = "air-raid-etryvoga"
)

// ReadAirRaidAlerts imports an air-raid alert log of
// Vadimkin/ukrainian-air-raid-sirens-dataset, telling the two kinds apart by
// their header:
//   - official_data_en.csv (oblast, raion, hromada, level, started_at,
//     finished_at, source): source "air-raid-official";
//   - volunteer_data_en.csv (region, started_at, finished_at, naive): source
//     "air-raid-etryvoga"; when naive is True the end was imputed as start +
//     30 minutes, which Counts["end_imputed"] = 1 records.
//
// Each row is one report of kind air_raid_alert — an early-warning signal,
// not an incident — with no actor, Time and End in UTC as the files give
// them, Place.Areas the oblast's ISO code and Place.Name "hromada, raion,
// oblast" as written. Rows without a readable start are skipped and counted.
func ReadAirRaidAlerts(r io.Reader, name string, opt Options) (*Batch, error) {
	t, err := openCSV(r, name, "started_at", "finished_at")
	if err != nil {
		return nil, err
	}
	_, official := t.col["oblast"]
	_, volunteer := t.col["region"]
	var src, regionCol string
	switch {
	case official:
		src, regionCol = alertsOfficialSource, "oblast"
	case volunteer:
		src, regionCol = alertsVolunteerSource, "region"
	default:
		return nil, backstop.Errorf(backstop.EINVALID, "%s:1: header has neither an oblast nor a region column", name)
	}
	bd := newBuilder(name, TypeAlerts, opt)
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
		start, err := parseUTC(rec.get("started_at"))
		if err != nil {
			bd.skip(rec.row, rec.line, "started_at", "started_at not a time", rec.get("started_at"))
			continue
		}
		var end time.Time
		if s := rec.get("finished_at"); s != "" {
			e, err := parseUTC(s)
			switch {
			case err != nil:
				bd.note(rec.row, rec.line, "finished_at", "finished_at not a time; left out", s)
			case e.Before(start):
				bd.note(rec.row, rec.line, "finished_at", "finished_at before started_at; left out", s)
			default:
				end = e
			}
		}
		region := rec.get(regionCol)
		res := bd.place(rec.row, rec.line, regionCol, region)
		raion, hromada := rec.get("raion"), rec.get("hromada")
		var counts map[string]float64
		if strings.EqualFold(rec.get("naive"), "true") {
			counts = map[string]float64{"end_imputed": 1}
		}
		var key string
		if len(res.Areas) == 1 {
			key = res.Areas[0]
		} else {
			key = slug(region)
		}
		if raion != "" || hromada != "" {
			h := fnv.New32a()
			h.Write([]byte(raion + "|" + hromada))
			key += fmt.Sprintf(":%08x", h.Sum32())
		}
		text := "air-raid alert"
		if lvl := rec.get("level"); lvl != "" {
			text += " (" + lvl + " level)"
		}
		bd.accept(backstop.Report{
			ID:       src + ":" + start.Format("20060102T150405Z") + ":" + key,
			SourceID: src,
			Time:     start,
			End:      end,
			Place:    backstop.Place{Areas: res.Areas, Name: joinNonEmpty(", ", hromada, raion, region)},
			Kind:     backstop.AirRaidAlert,
			Counts:   counts,
			Text:     text,
		})
	}
	return bd.batch(), nil
}

// parseUTC parses "2022-03-15 16:10:34+00:00" (or RFC 3339) into UTC.
func parseUTC(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05Z07:00", time.RFC3339, "2006-01-02 15:04:05.999999Z07:00", "2006-01-02 15:04:05"} {
		if t, err := checkYear(time.Parse(layout, s)); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want YYYY-MM-DD HH:MM:SS+00:00", s)
}
