package ingest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/ingest"
	"github.com/backstop-dev/backstop/internal/shareddata"
)

// readReal runs one importer on a file of the shared data set.
func readReal(tb testing.TB, typ ingest.Type, opt ingest.Options, elem ...string) *ingest.Batch {
	tb.Helper()
	path := shareddata.Path(tb, elem...)
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := ingest.Read(typ, f, filepath.Base(path), opt)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return b
}

// checkBatch asserts what every batch must satisfy: every row accounted for,
// ids unique, every report complete and attributed to a known source.
func checkBatch(t *testing.T, b *ingest.Batch, opt ingest.Options) {
	t.Helper()
	s := b.Stats
	if s.Rows != s.Accepted+s.Skipped {
		t.Errorf("rows %d != accepted %d + skipped %d", s.Rows, s.Accepted, s.Skipped)
	}
	sum := 0
	for _, n := range s.SkippedByReason {
		sum += n
	}
	if sum != s.Skipped {
		t.Errorf("skips by reason add up to %d; want %d", sum, s.Skipped)
	}
	if s.Reports != len(b.Reports) {
		t.Errorf("Stats.Reports = %d; want %d", s.Reports, len(b.Reports))
	}
	reg := opt.Registry
	if reg == nil {
		reg = ingest.DefaultRegistry()
	}
	newSrc := map[string]bool{}
	for _, src := range b.Sources {
		if _, ok := reg.Lookup(src.ID); ok {
			t.Errorf("new source %q is already in the registry", src.ID)
		}
		newSrc[src.ID] = true
	}
	ids := map[string]bool{}
	for _, r := range b.Reports {
		if ids[r.ID] {
			t.Errorf("duplicate report id %q", r.ID)
		}
		ids[r.ID] = true
		if !r.Kind.Valid() {
			t.Errorf("%s: kind %q not in the taxonomy", r.ID, r.Kind)
		}
		if r.Time.IsZero() {
			t.Errorf("%s: no time", r.ID)
		}
		if !r.End.IsZero() && r.End.Before(r.Time) {
			t.Errorf("%s: end %v before time %v", r.ID, r.End, r.Time)
		}
		if _, ok := reg.Lookup(r.SourceID); !ok && !newSrc[r.SourceID] {
			t.Errorf("%s: source %q neither registered nor in Batch.Sources", r.ID, r.SourceID)
		}
	}
}

func findReport(t *testing.T, b *ingest.Batch, id string) backstop.Report {
	t.Helper()
	for _, r := range b.Reports {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no report %q", id)
	return backstop.Report{}
}

func TestMissileAttacksReal(t *testing.T) {
	opt := ingest.Options{MaxProblems: 50}
	b := readReal(t, ingest.TypeMissile, opt, "events", "missile_attacks", "missile_attacks_daily.csv")
	checkBatch(t, b, opt)
	s := b.Stats
	if s.Rows != 2946 || s.Accepted != 2946 || s.Skipped != 0 || s.Reports != 2946 {
		t.Errorf("rows/accepted/skipped/reports = %d/%d/%d/%d; want 2946/2946/0/2946", s.Rows, s.Accepted, s.Skipped, s.Reports)
	}

	// Place resolution of the target: rows that name a place.
	tp := s.Places["target"]
	if tp == nil {
		t.Fatal("no place stats for target")
	}
	if tp.Named != 2917 { // 2946 rows, 29 with an empty target
		t.Errorf("targets named = %d; want 2917", tp.Named)
	}
	full := float64(tp.Resolved) / float64(tp.Named)
	t.Logf("target: %d named, %d fully resolved (%.1f%%), %d partly, unresolved parts %v",
		tp.Named, tp.Resolved, 100*full, tp.Partial, tp.Unresolved)
	if full < 0.95 {
		t.Errorf("targets fully resolved = %.3f; want >= 0.95", full)
	}
	lp := s.Places["launch_place"]
	t.Logf("launch_place: %d named, %d fully resolved, %d partly (coverage %.1f%%), unresolved parts %v",
		lp.Named, lp.Resolved, lp.Partial, 100*lp.Coverage(), lp.Unresolved)

	kinds := map[backstop.Kind]int{}
	for _, r := range b.Reports {
		kinds[r.Kind]++
		if r.SourceID != "kpszsu" || r.Actor != "RU" {
			t.Fatalf("%s: source %q actor %q; want kpszsu, RU", r.ID, r.SourceID, r.Actor)
		}
	}
	t.Logf("kinds: %v", kinds)
	// Spot checks against the raw file (row numbers are data rows).
	kyivSummer := time.FixedZone("EEST", 3*3600)
	kyivWinter := time.FixedZone("EET", 2*3600)
	tests := []struct {
		id                  string
		time, end           time.Time
		kind                backstop.Kind
		areas               []string
		name                string
		launched, destroyed float64
		text                string
	}{
		{ // row 1: Shahed-136/131, 2025-09-30 20:30 .. 2025-10-01 09:30, target Ukraine, 49 launched, 44 destroyed
			id:   "kpszsu:20250930T2030:shahed-136-131",
			time: time.Date(2025, 9, 30, 20, 30, 0, 0, kyivSummer), end: time.Date(2025, 10, 1, 9, 30, 0, 0, kyivSummer),
			kind: backstop.DroneStrike, areas: []string{"UA"}, name: "Ukraine", launched: 49, destroyed: 44,
			text: "launched from Chauda, Crimea and Bryansk oblast and Millerovo [UA-43 RU-BRY RU-ROS]",
		},
		{ // row 834: Iskander-M on Kyiv (the city), winter time
			id:   "kpszsu:20250212T0430:iskander-m",
			time: time.Date(2025, 2, 12, 4, 30, 0, 0, kyivWinter), end: time.Date(2025, 2, 12, 5, 10, 0, 0, kyivWinter),
			kind: backstop.MissileStrike, areas: []string{"UA-30"}, name: "Kyiv", launched: 5, destroyed: 5,
		},
		{ // row 2025: a date without a time; X-59 on Kryvyi Rih raion
			id:   "kpszsu:20240408:x-59",
			time: time.Date(2024, 4, 8, 0, 0, 0, 0, kyivSummer), end: time.Date(2024, 4, 8, 8, 0, 0, 0, kyivSummer),
			kind: backstop.MissileStrike, areas: []string{"UA-12"}, name: "Dnipropetrovsk oblast, Kryvyi Rih Raion", launched: 1, destroyed: 1,
		},
		{ // row 2678: Kyiv oblast (south), launched from the Caspian Sea
			id:   "kpszsu:20230602T0200:x-101-x-555",
			time: time.Date(2023, 6, 2, 2, 0, 0, 0, kyivSummer), end: time.Date(2023, 6, 2, 4, 30, 0, 0, kyivSummer),
			kind: backstop.MissileStrike, areas: []string{"UA-32"}, name: "Kyiv oblast (south)", launched: 15, destroyed: 15,
		},
		{ // row 2365: guided bombs on Kyiv
			id:   "kpszsu:20231211T0400:gbu",
			time: time.Date(2023, 12, 11, 4, 0, 0, 0, kyivWinter), end: time.Date(2023, 12, 11, 5, 0, 0, 0, kyivWinter),
			kind: backstop.AirStrike, areas: []string{"UA-30"}, name: "Kyiv", launched: 8, destroyed: 8,
		},
		{ // row 2901: from the north-east on Ukraine
			id:   "kpszsu:20221019T1200:x-101-x-555",
			time: time.Date(2022, 10, 19, 12, 0, 0, 0, kyivSummer), end: time.Date(2022, 10, 19, 15, 30, 0, 0, kyivSummer),
			kind: backstop.MissileStrike, areas: []string{"UA"}, name: "Ukraine", launched: 6, destroyed: 4,
		},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			r := findReport(t, b, tt.id)
			if !r.Time.Equal(tt.time) || !r.End.Equal(tt.end) {
				t.Errorf("time %v .. %v; want %v .. %v", r.Time, r.End, tt.time, tt.end)
			}
			if r.Kind != tt.kind {
				t.Errorf("kind %q; want %q", r.Kind, tt.kind)
			}
			if !slices.Equal(r.Place.Areas, tt.areas) || r.Place.Name != tt.name {
				t.Errorf("place %v %q; want %v %q", r.Place.Areas, r.Place.Name, tt.areas, tt.name)
			}
			if r.Counts["launched"] != tt.launched || r.Counts["destroyed"] != tt.destroyed {
				t.Errorf("launched/destroyed %v/%v; want %v/%v", r.Counts["launched"], r.Counts["destroyed"], tt.launched, tt.destroyed)
			}
			if !strings.Contains(r.Text, tt.text) {
				t.Errorf("text %q; want it to contain %q", r.Text, tt.text)
			}
		})
	}
}

// TestMissileTimesAreKyivLocal checks the evidence for reading the log in
// Kyiv time: the Air Force's night reports open in the local evening (most
// timed starts between 18:00 and 23:59) and close in the local morning.
func TestMissileTimesAreKyivLocal(t *testing.T) {
	b := readReal(t, ingest.TypeMissile, ingest.Options{}, "events", "missile_attacks", "missile_attacks_daily.csv")
	var evening, timed, morningEnds, ends int
	for _, r := range b.Reports {
		lt := r.Time.In(ingest.Kyiv)
		if lt.Hour() != 0 || lt.Minute() != 0 {
			timed++
			if lt.Hour() >= 18 {
				evening++
			}
		}
		if !r.End.IsZero() {
			ends++
			if h := r.End.In(ingest.Kyiv).Hour(); h >= 7 && h <= 10 {
				morningEnds++
			}
		}
	}
	t.Logf("timed starts %d, of which 18:00-23:59 local %d; ends %d, of which 07-10 local %d", timed, evening, ends, morningEnds)
	if float64(evening)/float64(timed) < 0.5 || float64(morningEnds)/float64(ends) < 0.4 {
		t.Errorf("start/end hours do not look like local evenings and mornings")
	}
}

func TestWeaponModelsMatchFile(t *testing.T) {
	path := shareddata.Path(t, "events", "missile_attacks", "missiles_and_uavs.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	file, err := ingest.ReadWeaponModels(f, "missiles_and_uavs.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(file) != 64 {
		t.Errorf("models in file = %d; want 64", len(file))
	}
	for m, cat := range file {
		if got, ok := ingest.WeaponModels[m]; !ok || got != cat {
			t.Errorf("WeaponModels[%q] = %q, %v; file says %q", m, got, ok, cat)
		}
	}
	for m := range ingest.WeaponModels {
		if _, ok := file[m]; !ok {
			t.Logf("built-in model not in the file: %q", m)
		}
	}
	// With the file as the table, the three rows naming drones the file
	// lacks (Фенікс, Картограф, Привет-82) are counted skips, not losses.
	b := readReal(t, ingest.TypeMissile, ingest.Options{Models: file}, "events", "missile_attacks", "missile_attacks_daily.csv")
	if b.Stats.Skipped != 3 || b.Stats.SkippedByReason["weapon model of unknown category"] != 3 || b.Stats.Accepted != 2943 {
		t.Errorf("with the file's models: %d accepted, %d skipped %v; want 2943, 3 of unknown category", b.Stats.Accepted, b.Stats.Skipped, b.Stats.SkippedByReason)
	}
	for _, p := range b.Stats.Problems {
		if p.Skipped {
			t.Logf("skipped: %v", p)
		}
	}
}

func TestOblastsMatchBoundaries(t *testing.T) {
	path := shareddata.Path(t, "geo", "ukraine_oblasts_ne10m.geojson")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			Properties struct {
				ISO       string `json:"iso_3166_2"`
				NameEn    string `json:"name_en"`
				NameShort string `json:"name_short"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != len(ingest.Oblasts) {
		t.Errorf("features %d; built-in table %d", len(fc.Features), len(ingest.Oblasts))
	}
	g := ingest.DefaultGazetteer()
	for _, f := range fc.Features {
		p := f.Properties
		i := slices.IndexFunc(ingest.Oblasts, func(o ingest.Oblast) bool { return o.ISO == p.ISO })
		if i < 0 {
			t.Errorf("%s not in the built-in table", p.ISO)
			continue
		}
		if o := ingest.Oblasts[i]; o.NameEn != p.NameEn || o.NameShort != p.NameShort {
			t.Errorf("%s: built-in %q/%q; file %q/%q", p.ISO, o.NameEn, o.NameShort, p.NameEn, p.NameShort)
		}
		if res := g.Resolve(p.NameEn); !slices.Equal(res.Areas, []string{p.ISO}) {
			t.Errorf("Resolve(%q) = %v; want [%s]", p.NameEn, res.Areas, p.ISO)
		}
	}
	// Boundaries: the gazetteer loaded from the file places cities.
	gb, err := ingest.LoadOblasts(strings.NewReader(string(data)), "ukraine_oblasts_ne10m.geojson")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lon, lat float64
		want     string
	}{
		{30.5238, 50.4547, "UA-30"}, // Kyiv
		{36.2527, 49.9808, "UA-63"}, // Kharkiv
		{33.3918, 47.9105, "UA-12"}, // Kryvyi Rih
		{34.1024, 44.9521, "UA-43"}, // Simferopol
		{33.5224, 44.6054, "UA-40"}, // Sevastopol
		{37.6173, 55.7558, ""},      // Moscow
	} {
		if got := gb.Locate(c.lon, c.lat); got != c.want {
			t.Errorf("Locate(%v, %v) = %q; want %q", c.lon, c.lat, got, c.want)
		}
	}
}

func TestVIINAReal(t *testing.T) {
	tests := []struct {
		file                  string
		rows, reports, ru, ua int
	}{
		// rows; reports = outlets summed over rows; rows with only a_rus / only a_ukr set
		{"VIINA_2022_REBUILD.csv", 2060, 2152, 465, 240},
		{"VIINA_2023_REBUILD.csv", 650, 662, 169, 137},
		{"VIINA_2024_REBUILD.csv", 543, 548, 123, 65},
		{"VIINA_2025_REBUILD.csv", 178, 181, 12, 43},
	}
	all := map[string]bool{}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			opt := ingest.Options{}
			b := readReal(t, ingest.TypeVIINA, opt, "events", "viina_strikes", tt.file)
			checkBatch(t, b, opt)
			s := b.Stats
			if s.Rows != tt.rows || s.Accepted != tt.rows || s.Skipped != 0 || s.Reports != tt.reports {
				t.Errorf("rows/accepted/skipped/reports = %d/%d/%d/%d; want %d/%d/0/%d", s.Rows, s.Accepted, s.Skipped, s.Reports, tt.rows, tt.rows, tt.reports)
			}
			if len(b.Sources) != 0 {
				t.Errorf("outlets missing from the default registry: %v", b.Sources)
			}
			if p := s.Places["ADM1_NAME"]; p.Resolved != p.Named {
				t.Errorf("ADM1_NAME: %d of %d resolved; unresolved %v", p.Resolved, p.Named, p.Unresolved)
			}
			ru, ua := map[string]bool{}, map[string]bool{}
			for _, r := range b.Reports {
				row := r.ID[:strings.LastIndexByte(r.ID, ':')]
				switch r.Actor {
				case "RU":
					ru[row] = true
				case "UA":
					ua[row] = true
				}
				if all[r.ID] {
					t.Errorf("report id %q repeats across files", r.ID)
				}
				all[r.ID] = true
			}
			if len(ru) != tt.ru || len(ua) != tt.ua {
				t.Errorf("rows with actor RU/UA = %d/%d; want %d/%d", len(ru), len(ua), tt.ru, tt.ua)
			}
		})
	}

	// Spot checks. 2022 row 15: event 224770 on 2022-02-24, outlets
	// forbesua|mz with one URL each.
	b := readReal(t, ingest.TypeVIINA, ingest.Options{}, "events", "viina_strikes", "VIINA_2022_REBUILD.csv")
	f := findReport(t, b, "viina:20220224-224770:forbesua")
	m := findReport(t, b, "viina:20220224-224770:mz")
	if !strings.HasPrefix(f.Link, "https://forbes.ua/") || !strings.HasPrefix(m.Link, "https://zona.media/") {
		t.Errorf("links %q, %q; want forbes.ua and zona.media", f.Link, m.Link)
	}
	// 2022 row 16: pravdaua, Ivano-Frankivsk, an airfield burning after explosions.
	r := findReport(t, b, "viina:20220224-224771:pravdaua")
	if !r.Place.HasPoint || r.Place.Lon != 24.711162 || r.Place.Lat != 48.922677 || !slices.Equal(r.Place.Areas, []string{"UA-26"}) {
		t.Errorf("place %+v; want 24.711162,48.922677 in UA-26", r.Place)
	}
	if r.Actor != "" || r.Kind != backstop.ExplosionsRemoteViolence || r.Link != "https://www.pravda.com.ua/news/2022/02/24/7325266/" {
		t.Errorf("actor %q kind %q link %q", r.Actor, r.Kind, r.Link)
	}
	if want := time.Date(2022, 2, 24, 0, 0, 0, 0, ingest.Kyiv); !r.Time.Equal(want) {
		t.Errorf("time %v; want %v", r.Time, want)
	}

	// 2023 row 118: liga|unian on artillerymen near Bakhmut, a_ukr = 1.
	b23 := readReal(t, ingest.TypeVIINA, ingest.Options{}, "events", "viina_strikes", "VIINA_2023_REBUILD.csv")
	l := findReport(t, b23, "viina:20230408-293579:liga")
	u := findReport(t, b23, "viina:20230408-293579:unian")
	if !strings.HasPrefix(l.Link, "https://news.liga.net/") || !strings.HasPrefix(u.Link, "https://www.unian.ua/") {
		t.Errorf("links %q, %q; want liga.net and unian.ua", l.Link, u.Link)
	}
	if l.Actor != "UA" || l.Kind != backstop.Artillery || !slices.Equal(l.Place.Areas, []string{"UA-14"}) || l.Place.Lat != 48.589471 {
		t.Errorf("liga report: actor %q kind %q areas %v lat %v; want UA, artillery, UA-14, 48.589471", l.Actor, l.Kind, l.Place.Areas, l.Place.Lat)
	}
	// 2024 row 37: espreso|interfaxua on the Kharkiv oil depot, no actor flag.
	b24 := readReal(t, ingest.TypeVIINA, ingest.Options{}, "events", "viina_strikes", "VIINA_2024_REBUILD.csv")
	e := findReport(t, b24, "viina:20240212-214916:espreso")
	i := findReport(t, b24, "viina:20240212-214916:interfaxua")
	if e.Link != "https://espreso.tv/viyna-z-rosiyeyu-udar-rf-po-naftobazi-v-kharkovi-v-navkolishne-seredovishche-viteklo-blizko-3-tis-tonn-produktiv" ||
		i.Link != "https://interfax.com.ua/news/general/966600.html" {
		t.Errorf("links %q, %q", e.Link, i.Link)
	}
	if e.Actor != "" || !slices.Equal(i.Place.Areas, []string{"UA-63"}) || !strings.HasPrefix(e.Text, "[FUEL_STORAGE_TERMINAL] ") {
		t.Errorf("espreso report: actor %q areas %v text %.40q; want no actor, UA-63, target class first", e.Actor, i.Place.Areas, e.Text)
	}

	b25 := readReal(t, ingest.TypeVIINA, ingest.Options{}, "events", "viina_strikes", "VIINA_2025_REBUILD.csv")
	// 2025 row 2: liveuamap citing the General Staff, Volnovakha, a_ukr = 1.
	r = findReport(t, b25, "viina:20250122-30817:liveuamap")
	if r.Actor != "UA" || r.Link != "https://t.me/GeneralStaffZSU/20123" || !slices.Equal(r.Place.Areas, []string{"UA-14"}) {
		t.Errorf("actor %q link %q areas %v; want UA, the General Staff's post, UA-14", r.Actor, r.Link, r.Place.Areas)
	}
	// 2025 row 1: meduza on Podil, "Kiev City" = UA-30.
	r = findReport(t, b25, "viina:20250118-95566:meduza")
	if !slices.Equal(r.Place.Areas, []string{"UA-30"}) || r.Place.Name != "Podil, Shevchenkivs'kyi, Kiev City" {
		t.Errorf("place %v %q; want UA-30, Podil", r.Place.Areas, r.Place.Name)
	}
}

func TestBellingcatReal(t *testing.T) {
	opt := ingest.Options{}
	b := readReal(t, ingest.TypeBellingcat, opt, "events", "bellingcat_civharm", "ukr-civharm-2024-06-02.json")
	checkBatch(t, b, opt)
	s := b.Stats
	// 1,790 incidents with 5,002 links; one incident (CIV0324) has none and
	// is attributed to Bellingcat itself.
	if s.Rows != 1790 || s.Accepted != 1790 || s.Skipped != 0 || s.Reports != 5003 {
		t.Errorf("rows/accepted/skipped/reports = %d/%d/%d/%d; want 1790/1790/0/5003", s.Rows, s.Accepted, s.Skipped, s.Reports)
	}
	bySource := map[string]int{}
	kinds := map[backstop.Kind]int{}
	for _, r := range b.Reports {
		bySource[r.SourceID]++
		kinds[r.Kind]++
	}
	// 93 hidden links, 3 links to Bellingcat's own archive and the incident
	// without links.
	if bySource["bellingcat"] != 97 {
		t.Errorf("reports attributed to bellingcat = %d; want 97", bySource["bellingcat"])
	}
	if bySource["t.me"] < 2800 {
		t.Errorf("reports from t.me = %d; want most of the 2,913 Telegram links", bySource["t.me"])
	}
	t.Logf("%d sources (%d new), kinds %v", len(bySource), len(b.Sources), kinds)

	r := findReport(t, b, "bellingcat:CIV0324")
	if r.SourceID != "bellingcat" || r.Link != "" {
		t.Errorf("CIV0324: source %q link %q; want bellingcat and no link", r.SourceID, r.Link)
	}
	// Row 719 and row 720 share the id CIV1151: both kept.
	r = findReport(t, b, "bellingcat:CIV1151:src1793")
	if r.SourceID != "censor" || r.Kind != backstop.Artillery || !slices.Equal(r.Place.Areas, []string{"UA-14"}) {
		t.Errorf("CIV1151/src1793: source %q kind %q areas %v; want censor, artillery (shelling), UA-14", r.SourceID, r.Kind, r.Place.Areas)
	}
	r = findReport(t, b, "bellingcat:CIV1151:src3304")
	if r.Kind != backstop.Artillery || r.Place.Lat != 48.765478 || r.SourceID != "twitter.com" {
		t.Errorf("CIV1151/src3304: kind %q lat %v source %q; want artillery (cluster munitions), 48.765478, twitter.com", r.Kind, r.Place.Lat, r.SourceID)
	}
	if want := time.Date(2022, 7, 3, 0, 0, 0, 0, ingest.Kyiv); !r.Time.Equal(want) {
		t.Errorf("time %v; want %v", r.Time, want)
	}

	// Accounts as sources: Telegram splits into channels.
	split := readReal(t, ingest.TypeBellingcat, ingest.Options{SplitPlatformAccounts: true}, "events", "bellingcat_civharm", "ukr-civharm-2024-06-02.json")
	n := 0
	for _, src := range split.Sources {
		if strings.HasPrefix(src.ID, "t.me/") {
			n++
		}
	}
	if n < 100 {
		t.Errorf("Telegram channels as sources = %d; want many", n)
	}
}

func TestBellingcatWithBoundaries(t *testing.T) {
	f, err := os.Open(shareddata.Path(t, "geo", "ukraine_oblasts_ne10m.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := ingest.LoadOblasts(f, "ukraine_oblasts_ne10m.geojson")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	b := readReal(t, ingest.TypeBellingcat, ingest.Options{Gazetteer: g}, "events", "bellingcat_civharm", "ukr-civharm-2024-06-02.json")
	with := 0
	for _, r := range b.Reports {
		if len(r.Place.Areas) > 0 {
			with++
		}
	}
	// Nearly every incident is in Ukraine; a few (Shebekino, Belgorod) are not.
	if float64(with)/float64(len(b.Reports)) < 0.97 {
		t.Errorf("reports with an area = %d of %d; want >= 97%%", with, len(b.Reports))
	}
	r := findReport(t, b, "bellingcat:CIV0098:src4592") // 49.212119 N 38.905921 E, Luhansk oblast
	if !slices.Equal(r.Place.Areas, []string{"UA-09"}) {
		t.Errorf("CIV0098 areas %v; want [UA-09]", r.Place.Areas)
	}
}

func TestAirRaidAlertsReal(t *testing.T) {
	opt := ingest.Options{}
	off := readReal(t, ingest.TypeAlerts, opt, "events", "air_raid_alerts", "official_data_en.csv")
	checkBatch(t, off, opt)
	s := off.Stats
	if s.Rows != 43031 || s.Accepted != 43031 || s.Skipped != 0 {
		t.Errorf("official rows/accepted/skipped = %d/%d/%d; want 43031/43031/0", s.Rows, s.Accepted, s.Skipped)
	}
	// One row names a raion ("Lubenskyi raion", Poltava oblast) as its oblast.
	if p := s.Places["oblast"]; p.Resolved != 43031 {
		t.Errorf("oblast resolved %d of %d; unresolved %v", p.Resolved, p.Named, p.Unresolved)
	}
	// Row 3: Cherkaska oblast, Umanskyi raion, Umanska hromada, 16:11:50..16:54:47 UTC.
	r := off.Reports[2]
	if r.Kind != backstop.AirRaidAlert || r.SourceID != "air-raid-official" || !slices.Equal(r.Place.Areas, []string{"UA-71"}) ||
		r.Place.Name != "Umanska terytorialna hromada, Umanskyi raion, Cherkaska oblast" ||
		!r.Time.Equal(time.Date(2022, 3, 15, 16, 11, 50, 0, time.UTC)) || !r.End.Equal(time.Date(2022, 3, 15, 16, 54, 47, 0, time.UTC)) {
		t.Errorf("row 3 = %+v", r)
	}
	levels := map[string]int{}
	for _, r := range off.Reports {
		levels[r.Text]++
	}
	if levels["air-raid alert (hromada level)"] != 5597 || levels["air-raid alert (raion level)"] != 897 {
		t.Errorf("levels %v; want 5597 hromada, 897 raion", levels)
	}

	vol := readReal(t, ingest.TypeAlerts, opt, "events", "air_raid_alerts", "volunteer_data_en.csv")
	checkBatch(t, vol, opt)
	s = vol.Stats
	if s.Rows != 54514 || s.Accepted != 54514 || s.Skipped != 0 {
		t.Errorf("volunteer rows/accepted/skipped = %d/%d/%d; want 54514/54514/0", s.Rows, s.Accepted, s.Skipped)
	}
	naive := 0
	for _, r := range vol.Reports {
		if r.Counts["end_imputed"] == 1 {
			naive++
			if r.End.Sub(r.Time) != 30*time.Minute {
				t.Errorf("%s: imputed end %v after start; want 30m", r.ID, r.End.Sub(r.Time))
			}
		}
	}
	if naive != 2395 {
		t.Errorf("imputed ends = %d; want 2395", naive)
	}
	r = vol.Reports[0] // Kyiv City, 2022-02-25 16:36:22 UTC, naive
	if r.ID != "air-raid-etryvoga:20220225T163622Z:UA-30" || r.SourceID != "air-raid-etryvoga" || !slices.Equal(r.Place.Areas, []string{"UA-30"}) {
		t.Errorf("volunteer row 1 = %+v", r)
	}
	r = vol.Reports[len(vol.Reports)-1] // Kharkivska oblast, 2024-10-10 00:03:46 .. 00:13:44
	if !slices.Equal(r.Place.Areas, []string{"UA-63"}) || !r.End.Equal(time.Date(2024, 10, 10, 0, 13, 44, 0, time.UTC)) {
		t.Errorf("volunteer last row = %+v", r)
	}
}
