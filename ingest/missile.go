package ingest

import (
	"fmt"
	"io"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Kyiv must load on machines without a zoneinfo database
	"unicode"

	"github.com/backstop-dev/backstop"
)

// Kyiv is Ukraine's time zone. The Air Force posts, and so the missile log,
// give local Kyiv time: attack nights start at 18:00–21:00 and the reports
// close at 08:00–09:00, the pattern of local evenings and mornings.
var Kyiv = mustLoadLocation("Europe/Kyiv")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("ingest: " + err.Error())
	}
	return loc
}

// Weapon categories, as in missiles_and_uavs.csv's "category" column.
const (
	CategoryUAV                = "UAV"
	CategoryBallistic          = "ballistic missile"
	CategoryCruise             = "cruise missile"
	CategoryGuidedBomb         = "guided bomb"
	CategorySurfaceToAir       = "surface-to-air missile"
	CategorySurfaceToAirBallis = "surface-to-air and ballistic"
)

// WeaponModels is the built-in table of the missile log's weapon models and
// their categories: the 64 models of missiles_and_uavs.csv (a test checks the
// table against that file) plus three reconnaissance drones the log names
// in Cyrillic that the file lacks. Combined models ("X-101/X-555 and
// Kalibr") not listed are split on " and ".
var WeaponModels = map[string]string{
	"Eleron": "UAV", "Forpost": "UAV", "Granat-4": "UAV", "Kub": "UAV", "Lancet": "UAV",
	"Merlin-VR": "UAV", "Mohajer-6": "UAV", "Orion": "UAV", "Orlan-10": "UAV",
	"Orlan-10 and Orlan-30 and ZALA and Supercam": "UAV", "Orlan-10 and Supercam": "UAV",
	"Orlan-10 and ZALA": "UAV", "Orlan-10 and ZALA and Supercam": "UAV", "Orlan-30": "UAV",
	"Reconnaissance UAV": "UAV", "Shahed-136/131": "UAV", "Shahed-136/131 and Lancet": "UAV",
	"Supercam": "UAV", "Unknown UAV": "UAV", "ZALA": "UAV", "Молнія": "UAV",
	"Молнія and Lancet": "UAV",
	"Ballistic Missile": "ballistic missile", "Intercontinental Ballistic Missile": "ballistic missile",
	"Iskander-M": "ballistic missile", "Iskander-M/KN-23": "ballistic missile",
	"KN-23": "ballistic missile", "X-47 Kinzhal": "ballistic missile",
	"X-47 Kinzhal and Iskander-M": "ballistic missile",
	"3M22 Zircon":                 "cruise missile", "Banderol": "cruise missile", "Iskander-K": "cruise missile",
	"Iskander-K and Kalibr": "cruise missile", "Kalibr": "cruise missile",
	"P-800 Oniks": "cruise missile", "Unknown Missile": "cruise missile",
	"X-101/X-555": "cruise missile", "X-101/X-555 and Iskander-K": "cruise missile",
	"X-101/X-555 and Kalibr": "cruise missile", "X-101/X-555 and Kalibr and Iskander-K": "cruise missile",
	"X-101/X-555 and Kalibr and Iskander-K and X-59": "cruise missile",
	"X-101/X-555 and Kalibr and X-22":                "cruise missile",
	"X-101/X-555 and Kalibr and X-59/X-69":           "cruise missile", "X-22": "cruise missile",
	"X-22 and X-31P": "cruise missile", "X-22 and X-32": "cruise missile", "X-31": "cruise missile",
	"X-31P": "cruise missile", "X-31PD": "cruise missile", "X-32": "cruise missile",
	"X-35": "cruise missile", "X-47 Kinzhal and Iskander-M/KN-23": "cruise missile",
	"X-59": "cruise missile", "X-59 and X-35": "cruise missile", "X-59/X-69": "cruise missile",
	"X-59MK2": "cruise missile", "X-69": "cruise missile",
	"GBU":                        "guided bomb",
	"C-300 and Iskander-M":       "surface-to-air and ballistic",
	"C-300/C-400 and Iskander-M": "surface-to-air and ballistic",
	"C-400 and Iskander-M":       "surface-to-air and ballistic",
	"C-300":                      "surface-to-air missile", "C-300/C-400": "surface-to-air missile",
	"C-400": "surface-to-air missile",
	// Not in missiles_and_uavs.csv: Russian reconnaissance drones.
	"Фенікс": "UAV", "Картограф": "UAV", "Привет-82": "UAV",
}

// ReadWeaponModels reads missiles_and_uavs.csv (columns model, category)
// into a model → category table for Options.Models.
func ReadWeaponModels(r io.Reader, name string) (map[string]string, error) {
	t, err := openCSV(r, name, "model", "category")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for {
		rec, perr, err := t.next()
		if err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		} else if perr != nil {
			return nil, backstop.Errorf(backstop.EINVALID, "%s:%d: %v", name, rec.line, perr)
		}
		if m := rec.get("model"); m != "" {
			out[m] = rec.get("category")
		}
	}
}

// categoryKind maps a weapon category to the taxonomy: drones to
// drone_strike, missiles of every kind to missile_strike, guided and aerial
// bombs to air_strike.
func categoryKind(cat string) backstop.Kind {
	c := strings.ToLower(cat)
	switch {
	case c == "":
		return ""
	case strings.Contains(c, "missile") || strings.Contains(c, "ballistic"):
		return backstop.MissileStrike
	case c == "uav" || strings.Contains(c, "drone"):
		return backstop.DroneStrike
	case strings.Contains(c, "bomb"):
		return backstop.AirStrike
	}
	return ""
}

// weaponKind returns the kind and category of a model: from the table, else
// from the table entries of its " and "-joined parts (a missile among them
// makes it a missile strike), else from words in its name.
func weaponKind(models map[string]string, model string) (backstop.Kind, string) {
	if cat, ok := models[model]; ok {
		return categoryKind(cat), cat
	}
	var kinds []backstop.Kind
	var cats []string
	for _, part := range strings.Split(model, " and ") {
		part = strings.TrimSpace(part)
		cat, ok := models[part]
		if !ok {
			cat = guessCategory(part)
		}
		if k := categoryKind(cat); k != "" {
			kinds = append(kinds, k)
			cats = append(cats, cat)
		}
	}
	for _, want := range []backstop.Kind{backstop.MissileStrike, backstop.AirStrike, backstop.DroneStrike} {
		for i, k := range kinds {
			if k == want {
				return k, cats[i]
			}
		}
	}
	return "", ""
}

func guessCategory(model string) string {
	m := strings.ToLower(model)
	switch {
	case strings.Contains(m, "uav") || strings.Contains(m, "drone") || strings.Contains(m, "shahed") || strings.Contains(m, "geran"):
		return CategoryUAV
	case strings.Contains(m, "ballistic"):
		return CategoryBallistic
	case strings.Contains(m, "missile") || strings.Contains(m, "kalibr") || strings.Contains(m, "iskander") || strings.HasPrefix(m, "x-") || strings.HasPrefix(m, "kh-"):
		return CategoryCruise
	case strings.Contains(m, "bomb") || strings.Contains(m, "kab") || strings.Contains(m, "gbu"):
		return CategoryGuidedBomb
	}
	return ""
}

// missileCounts are the numeric columns of the missile log kept in
// Report.Counts, under the names given.
var missileCounts = []struct{ column, key string }{
	{"launched", "launched"},
	{"destroyed", "destroyed"},
	{"not_reach_goal", "not_reach_goal"},
	{"still_attacking", "still_attacking"},
	{"num_hit_location", "hit_locations"},
	{"num_fall_fragment_location", "fragment_locations"},
}

// Air Force accounts whose posts the missile log cites.
const missileSource = "kpszsu"

// ReadMissileAttacks imports the missile-and-drone attack log
// (missile_attacks_daily.csv: one row per weapon model per attack, from the
// Ukrainian Air Force's posts). Each row is one report of source "kpszsu"
// with actor "RU":
//   - Time and End come from time_start and time_end, local Kyiv time; a
//     date without a time starts at 00:00 and ends at 24:00 of that day;
//   - Kind comes from the model's category (Options.Models or
//     WeaponModels): drones → drone_strike, missiles → missile_strike,
//     guided bombs → air_strike;
//   - Place.Areas is the target resolved by the gazetteer, Place.Name the
//     target as written;
//   - Counts carry launched, destroyed, not_reach_goal, still_attacking,
//     hit_locations and fragment_locations where given;
//   - Text names the model and the launch place with its resolved areas.
//
// Rows without a readable time_start or with a model of unknown category are
// skipped and counted.
func ReadMissileAttacks(r io.Reader, name string, opt Options) (*Batch, error) {
	t, err := openCSV(r, name, "time_start", "time_end", "model", "target", "launch_place", "launched", "destroyed")
	if err != nil {
		return nil, err
	}
	models := opt.Models
	if models == nil {
		models = WeaponModels
	}
	bd := newBuilder(name, TypeMissile, opt)
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
		start, dateOnly, err := parseLocalTime(rec.get("time_start"), Kyiv)
		if err != nil {
			bd.skip(rec.row, rec.line, "time_start", "time_start not a date or time", rec.get("time_start"))
			continue
		}
		model := rec.get("model")
		kind, cat := weaponKind(models, model)
		if kind == "" {
			bd.skip(rec.row, rec.line, "model", "weapon model of unknown category", model)
			continue
		}
		var end time.Time
		if s := rec.get("time_end"); s != "" {
			e, endDateOnly, err := parseLocalTime(s, Kyiv)
			if err != nil {
				bd.note(rec.row, rec.line, "time_end", "time_end not a date or time; left out", s)
			} else {
				if endDateOnly {
					e = e.AddDate(0, 0, 1)
				}
				if e.Before(start) {
					bd.note(rec.row, rec.line, "time_end", "time_end before time_start; left out", s)
				} else {
					end = e
				}
			}
		} else if dateOnly {
			end = start.AddDate(0, 0, 1)
		}
		target := rec.get("target")
		place := bd.place(rec.row, rec.line, "target", target)
		launch := rec.get("launch_place")
		launchRes := bd.place(rec.row, rec.line, "launch_place", launch)

		counts := map[string]float64{}
		for _, c := range missileCounts {
			v, ok, err := parseCount(rec.get(c.column))
			if err != nil {
				bd.note(rec.row, rec.line, c.column, "not a count; left out", rec.get(c.column))
			} else if ok {
				counts[c.key] = v
			}
		}
		if len(counts) == 0 {
			counts = nil
		}
		text := model + " (" + cat + ")"
		if launch != "" {
			text += "; launched from " + launch
			if len(launchRes.Areas) > 0 {
				text += " [" + strings.Join(launchRes.Areas, " ") + "]"
			}
		}
		if target != "" {
			text += "; target " + target
		}
		stamp := start.Format("20060102T1504")
		if dateOnly {
			stamp = start.Format("20060102")
		}
		bd.accept(backstop.Report{
			ID:       "kpszsu:" + stamp + ":" + slug(model),
			SourceID: missileSource,
			Time:     start,
			End:      end,
			Place:    backstop.Place{Areas: place.Areas, Name: target},
			Kind:     kind,
			Actor:    "RU",
			Counts:   counts,
			Text:     text,
			Link:     postLink(rec.get("source")),
		})
	}
	return bd.batch(), nil
}

// parseLocalTime parses "2006-01-02 15:04" (seconds and a one-digit hour
// allowed) or a bare date in loc.
func parseLocalTime(s string, loc *time.Location) (t time.Time, dateOnly bool, err error) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := checkYear(time.ParseInLocation(layout, s, loc)); err == nil {
			return t, false, nil
		}
	}
	t, err = checkYear(time.ParseInLocation("2006-01-02", s, loc))
	if err != nil {
		return time.Time{}, false, fmt.Errorf("time %q: want YYYY-MM-DD[ HH:MM]", s)
	}
	return t, true, nil
}

// postLink turns the log's source column (a Facebook path such as
// "kpszsu/posts/pfbid...", or a full URL) into a link.
func postLink(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ""
	case strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://"):
		return s
	case strings.Contains(strings.SplitN(s, "/", 2)[0], "."):
		return "https://" + s // a domain, e.g. kharkivoda.gov.ua/...
	}
	return "https://www.facebook.com/" + s
}

// slug makes a short id fragment: lower case, runs of anything but letters
// and digits replaced by one "-".
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && unicode.IsLetter(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
