package ingest

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
)

// viinaPrecisionKm is the uncertainty given to VIINA's points: they are
// geocoded to a populated place (GeoNames), not to the spot that was hit.
const viinaPrecisionKm = 5

// textKinds maps words in a report's text (Ukrainian, Russian, English; matched
// in lower case as substrings) to a kind. The first group that matches wins,
// so a text naming drones and missiles counts as a drone strike. A text that
// names no weapon is explosions_remote_violence, ACLED's type for strikes of
// unknown means.
var textKinds = []struct {
	kind  backstop.Kind
	words []string
}{
	{backstop.DroneStrike, []string{"дрон", "безпілот", "беспилот", "бпла", "shahed", "шахед", "герань", "drone", "uav"}},
	{backstop.Artillery, []string{"himars", "хаймарс", "артил", "обстріл", "обстрел", "мінамет", "миномет", "рсзв", "рсзо", "shelling", "artillery", "mlrs"}},
	{backstop.MissileStrike, []string{"ракет", "калібр", "калибр", "іскандер", "искандер", "missile", "atacms", "storm shadow"}},
	{backstop.AirStrike, []string{"авіаудар", "авиаудар", "авіабомб", "авиабомб", "бомбардув", "бомбардир", "airstrike", "air strike", "bomb"}},
	{backstop.Sabotage, []string{"диверс", "партизан", "підпал", "поджог", "sabotage", "arson"}},
}

// kindFromText returns the kind the text's weapon words suggest, or
// explosions_remote_violence when it names none.
func kindFromText(text string) backstop.Kind {
	t := strings.ToLower(text)
	for _, tk := range textKinds {
		for _, w := range tk.words {
			if strings.Contains(t, w) {
				return tk.kind
			}
		}
	}
	return backstop.ExplosionsRemoteViolence
}

// ReadVIINA imports a VIINA-derived strike file (VIINA_<year>_REBUILD.csv:
// one row per place and day, with the outlets that reported it). A row
// yields one report per outlet in sources_matching, so that fusion sees how
// many independent outlets, and from which sides, back the event:
//   - SourceID is the outlet id (pravdaua, ria, ...); Link is the outlet's
//     URL from source_urls (matched by domain, else by position, else the
//     first URL);
//   - Time is the date at 00:00 Kyiv time and End the next midnight;
//   - Place is the geocoded point (precision 5 km), Areas the ADM1_NAME
//     resolved to an ISO code (or, with a gazetteer that has boundaries,
//     the unit containing the point), Name "asciiname, ADM2, ADM1";
//   - Actor is "RU" when only a_rus is set, "UA" when only a_ukr is set,
//     and "" when both or neither are;
//   - Kind comes from the text (see textKinds); the target classes, which
//     say what was hit and not with what, lead the Text.
//
// Rows with no readable date or no outlet are skipped and counted.
func ReadVIINA(r io.Reader, name string, opt Options) (*Batch, error) {
	t, err := openCSV(r, name, "event_id_1pd", "date", "sources_matching", "source_urls", "longitude", "latitude", "ADM1_NAME", "a_ukr", "a_rus")
	if err != nil {
		return nil, err
	}
	bd := newBuilder(name, TypeVIINA, opt)
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
		day, err := checkYear(time.ParseInLocation("20060102", rec.get("date"), Kyiv))
		if err != nil {
			bd.skip(rec.row, rec.line, "date", "date not YYYYMMDD", rec.get("date"))
			continue
		}
		outlets := splitList(rec.get("sources_matching"), "|")
		if len(outlets) == 0 {
			bd.skip(rec.row, rec.line, "sources_matching", "no outlet", "")
			continue
		}
		var place backstop.Place
		lon, errLon := strconv.ParseFloat(rec.get("longitude"), 64)
		lat, errLat := strconv.ParseFloat(rec.get("latitude"), 64)
		if errLon == nil && errLat == nil && validLonLat(lon, lat) {
			place = backstop.Place{Lon: lon, Lat: lat, HasPoint: true, PrecisionKm: viinaPrecisionKm}
		} else {
			bd.note(rec.row, rec.line, "longitude/latitude", "no valid point; left out", rec.get("longitude")+","+rec.get("latitude"))
		}
		adm1 := rec.get("ADM1_NAME")
		if adm1 != "" {
			place.Areas = bd.place(rec.row, rec.line, "ADM1_NAME", adm1Name(adm1)).Areas
		} else if place.HasPoint {
			if iso := bd.gaz.Locate(lon, lat); iso != "" {
				place.Areas = []string{iso}
			}
		}
		place.Name = joinNonEmpty(", ", rec.get("asciiname"), rec.get("ADM2_NAME"), adm1)

		actor := ""
		rus, ukr := rec.get("a_rus") == "1", rec.get("a_ukr") == "1"
		switch {
		case rus && !ukr:
			actor = "RU"
		case ukr && !rus:
			actor = "UA"
		}
		text := rec.get("representative_text")
		kind := kindFromText(text)
		if tc := rec.get("target_classes"); tc != "" {
			text = "[" + tc + "] " + text
		}
		var counts map[string]float64
		if n, ok, err := parseCount(rec.get("n_reports")); err == nil && ok {
			counts = map[string]float64{"viina_reports": n}
		}
		links := assignLinks(bd.reg, outlets, splitList(rec.get("source_urls"), "|"))
		id := "viina:" + day.Format("20060102") + "-" + rec.get("event_id_1pd")
		reports := make([]backstop.Report, 0, len(outlets))
		for i, o := range outlets {
			p := place
			p.Areas = append([]string(nil), place.Areas...)
			reports = append(reports, backstop.Report{
				ID:       id + ":" + o,
				SourceID: o,
				Time:     day,
				End:      day.AddDate(0, 0, 1),
				Place:    p,
				Kind:     kind,
				Actor:    actor,
				Counts:   cloneCounts(counts),
				Text:     text,
				Link:     links[i],
			})
		}
		bd.accept(reports...)
	}
	return bd.batch(), nil
}

// adm1Name reads a GeoNames first-level name: there, plain "Kiev" is Kyiv
// Oblast and "Kiev City" the city, whereas in free text "Kyiv" is the city.
func adm1Name(s string) string {
	switch normPlace(s) {
	case "kiev", "kyiv":
		return "Kyiv Oblast"
	}
	return s
}

// assignLinks gives each outlet a URL: first one whose domain belongs to the
// outlet, then, when there are as many URLs as outlets, the one in its
// position, then the first URL not yet given out, then the first URL.
func assignLinks(reg *Registry, outlets, urls []string) []string {
	links := make([]string, len(outlets))
	claimed := make([]bool, len(urls))
	for i, o := range outlets {
		for j, u := range urls {
			if id, ok := reg.LinkSource(u, false); !claimed[j] && ok && id == o {
				links[i], claimed[j] = u, true
				break
			}
		}
	}
	for i := range outlets {
		if links[i] != "" {
			continue
		}
		if len(urls) == len(outlets) && !claimed[i] {
			links[i], claimed[i] = urls[i], true
			continue
		}
		for j, u := range urls {
			if !claimed[j] {
				links[i], claimed[j] = u, true
				break
			}
		}
		if links[i] == "" && len(urls) > 0 {
			links[i] = urls[0]
		}
	}
	return links
}

func splitList(s, sep string) []string {
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

func validLonLat(lon, lat float64) bool {
	return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90 && !(lon == 0 && lat == 0)
}

func cloneCounts(m map[string]float64) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
