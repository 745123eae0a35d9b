package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/backstop-dev/backstop"
)

// bellingcatSource is the source of incidents whose links are hidden or
// absent: Bellingcat itself vouches for them.
const bellingcatSource = "bellingcat"

// weaponKinds maps Bellingcat's "Weapon System" filter to the taxonomy.
// Cluster and incendiary munitions are mostly delivered by rocket artillery
// in this data set; small arms and vehicle weapons against civilians are
// ACLED's violence against civilians; land mines are remote violence.
// "Unknown" and "None" fall back to the description's words (textKinds).
var weaponKinds = map[string]backstop.Kind{
	"Cruise missile":           backstop.MissileStrike,
	"Ballistic missile":        backstop.MissileStrike,
	"Anti-air missile":         backstop.MissileStrike,
	"Loitering munition":       backstop.DroneStrike,
	"Air strike":               backstop.AirStrike,
	"HE rocket artillery":      backstop.Artillery,
	"HE artillery inc mortars": backstop.Artillery,
	"HE tube artillery":        backstop.Artillery,
	"Thermobaric munition":     backstop.Artillery,
	"Cluster munitions":        backstop.Artillery,
	"Incendiary munitions":     backstop.Artillery,
	"Small arms":               backstop.ViolenceAgainstCivilians,
	"Vehicle mounted weapon":   backstop.ViolenceAgainstCivilians,
	"Land mines":               backstop.ExplosionsRemoteViolence,
}

// kindPriority decides between two weapon systems on one incident: the
// weapon an agreement is likeliest to name specifically wins.
var kindPriority = []backstop.Kind{
	backstop.MissileStrike, backstop.AirStrike, backstop.DroneStrike, backstop.Artillery,
	backstop.ViolenceAgainstCivilians, backstop.ExplosionsRemoteViolence,
}

type bcIncident struct {
	ID          flexString `json:"id"`
	Date        flexString `json:"date"`
	Latitude    flexString `json:"latitude"`
	Longitude   flexString `json:"longitude"`
	Location    flexString `json:"location"`
	Description flexString `json:"description"`
	Sources     []struct {
		ID          flexString `json:"id"`
		Path        flexString `json:"path"`
		Description flexString `json:"description"`
	} `json:"sources"`
	Filters []struct {
		Key   flexString `json:"key"`
		Value flexString `json:"value"`
	} `json:"filters"`
}

// flexString accepts a JSON string, number, boolean or null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	}
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return errors.New("want a string, got an object or array")
	}
	if string(b) == "null" {
		*f = ""
		return nil
	}
	*f = flexString(b)
	return nil
}

func (f flexString) String() string { return strings.TrimSpace(string(f)) }

// ReadBellingcat imports Bellingcat's "Civilian Harm in Ukraine" TimeMap
// export (a JSON array of incidents). An incident yields one report per
// source link, so that fusion can count the independent voices behind it:
//   - SourceID is the link's source: the registered source of its domain,
//     else the domain itself ("t.me", "twitter.com"; or the account,
//     "t.me/<channel>", with Options.SplitPlatformAccounts); hidden links
//     and incidents without links are attributed to "bellingcat";
//   - Time is the date (MM/DD/YYYY) at 00:00 Kyiv time, End the next
//     midnight; Place the point, its Areas the location text resolved (or
//     the unit containing the point, with a gazetteer that has boundaries);
//   - Kind comes from the "Weapon System" filter (weaponKinds), or from the
//     description when the weapon is Unknown;
//   - Actor is left empty: the export does not attribute incidents.
//
// Incidents with an unreadable date or a malformed structure are skipped and
// counted; a file that is not a JSON array is an error with its line.
func ReadBellingcat(r io.Reader, name string, opt Options) (*Batch, error) {
	br := bufio.NewReader(r)
	cr := &countingReader{r: br}
	dec := json.NewDecoder(cr)
	tok, err := dec.Token()
	if err == io.EOF {
		return nil, backstop.Errorf(backstop.EINVALID, "%s: empty file: want a JSON array of incidents", name)
	} else if err != nil {
		return nil, jsonError(name, cr, dec, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, backstop.Errorf(backstop.EINVALID, "%s:1: want a JSON array of incidents, got %v", name, tok)
	}
	bd := newBuilder(name, TypeBellingcat, opt)
	row := 0
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(name, cr, dec, err)
		}
		row++
		var inc bcIncident
		if err := json.Unmarshal(raw, &inc); err != nil {
			bd.skip(row, 0, "", "malformed incident", err.Error())
			continue
		}
		bd.bellingcatIncident(row, inc)
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonError(name, cr, dec, err)
	}
	return bd.batch(), nil
}

func (bd *builder) bellingcatIncident(row int, inc bcIncident) {
	day, err := checkYear(time.ParseInLocation("01/02/2006", inc.Date.String(), Kyiv))
	if err != nil {
		bd.skip(row, 0, "date", "date not MM/DD/YYYY", inc.Date.String())
		return
	}
	id := inc.ID.String()
	if id == "" {
		id = "row" + strconv.Itoa(row)
	}
	var place backstop.Place
	lat, errLat := strconv.ParseFloat(inc.Latitude.String(), 64)
	lon, errLon := strconv.ParseFloat(inc.Longitude.String(), 64)
	if errLat == nil && errLon == nil && validLonLat(lon, lat) {
		place = backstop.Place{Lon: lon, Lat: lat, HasPoint: true}
	} else {
		bd.note(row, 0, "latitude/longitude", "no valid point; left out", inc.Latitude.String()+","+inc.Longitude.String())
	}
	loc := strings.Join(strings.Fields(inc.Location.String()), " ")
	place.Name = loc
	if place.HasPoint && bd.gaz.HasBoundaries() {
		if iso := bd.gaz.Locate(lon, lat); iso != "" {
			place.Areas = []string{iso}
		}
	}
	if loc != "" {
		res := bd.place(row, 0, "location", loc)
		if len(place.Areas) == 0 {
			place.Areas = res.Areas
		}
	}

	var kinds []backstop.Kind
	var weapons, areas []string
	for _, f := range inc.Filters {
		switch f.Key.String() {
		case "Weapon System":
			weapons = append(weapons, f.Value.String())
			if k, ok := weaponKinds[f.Value.String()]; ok {
				kinds = append(kinds, k)
			}
		case "Type of area affected":
			areas = append(areas, f.Value.String())
		}
	}
	kind := kindFromText(inc.Description.String())
	for _, want := range kindPriority {
		if containsKind(kinds, want) {
			kind = want
			break
		}
	}
	text := inc.Description.String()
	var tags []string
	if len(areas) > 0 {
		tags = append(tags, "area: "+strings.Join(areas, ", "))
	}
	if len(weapons) > 0 {
		tags = append(tags, "weapon: "+strings.Join(weapons, ", "))
	}
	if len(tags) > 0 {
		text += " [" + strings.Join(tags, "; ") + "]"
	}
	base := backstop.Report{
		Time:  day,
		End:   day.AddDate(0, 0, 1),
		Place: place,
		Kind:  kind,
	}
	if len(inc.Sources) == 0 {
		r := base
		r.ID = "bellingcat:" + id
		r.SourceID = bellingcatSource
		r.Text = text
		bd.accept(r)
		return
	}
	reports := make([]backstop.Report, 0, len(inc.Sources))
	for i, s := range inc.Sources {
		r := base
		r.Place.Areas = append([]string(nil), place.Areas...)
		sid := s.ID.String()
		if sid == "" {
			sid = strconv.Itoa(i + 1)
		}
		r.ID = "bellingcat:" + id + ":" + sid
		path := s.Path.String()
		src, _ := bd.reg.LinkSource(path, bd.opt.SplitPlatformAccounts)
		if src == "" {
			src = bellingcatSource
			if path != "" && !strings.EqualFold(path, "HIDDEN") {
				bd.note(row, 0, "sources.path", "link without a host; attributed to bellingcat", path)
			}
		} else {
			r.Link = path
			if !strings.Contains(path, "://") {
				r.Link = "https://" + path
			}
		}
		r.SourceID = src
		r.Text = text
		if d := s.Description.String(); d != "" && d != inc.Description.String() {
			r.Text = d + " — " + text
		}
		reports = append(reports, r)
	}
	bd.accept(reports...)
}

func containsKind(ks []backstop.Kind, k backstop.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// countingReader records where the newlines are, so that a JSON error can
// name a line without keeping the file in memory.
type countingReader struct {
	r     io.Reader
	nl    []int64 // offsets of the newlines read so far
	total int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.nl = append(c.nl, c.total+int64(i))
		}
	}
	c.total += int64(n)
	return n, err
}

// line returns the 1-based line of byte offset off.
func (c *countingReader) line(off int64) int {
	i, _ := slices.BinarySearch(c.nl, off)
	return i + 1
}

// jsonError turns a decoding error into one that names the file and line.
func jsonError(name string, cr *countingReader, dec *json.Decoder, err error) error {
	off := dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	line := cr.line(off)
	if err == io.ErrUnexpectedEOF || errors.Is(err, io.EOF) {
		return backstop.Errorf(backstop.EINVALID, "%s:%d: unexpected end of file", name, line)
	}
	return backstop.Errorf(backstop.EINVALID, "%s:%d: %v", name, line, err)
}
