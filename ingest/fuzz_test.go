package ingest_test

import (
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/ingest"
)

// The seeds are synthetic rows in each format, written for these tests; no
// row of the shared data set is copied here or into testdata/fuzz.

// fuzzRead runs one importer on arbitrary input and checks what must hold
// whatever the input: no panic, a located error or a batch whose rows add up
// and whose report ids are unique.
func fuzzRead(t *testing.T, typ ingest.Type, name string, data []byte, opt ingest.Options) {
	b, err := ingest.Read(typ, strings.NewReader(string(data)), name, opt)
	if err != nil {
		if !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q does not name the file %q", err, name)
		}
		return
	}
	s := b.Stats
	if s.Rows != s.Accepted+s.Skipped {
		t.Fatalf("rows %d != accepted %d + skipped %d", s.Rows, s.Accepted, s.Skipped)
	}
	sum := 0
	for _, n := range s.SkippedByReason {
		sum += n
	}
	if sum != s.Skipped || s.Reports != len(b.Reports) || len(b.Reports) < s.Accepted {
		t.Fatalf("stats do not add up: %+v with %d reports", s, len(b.Reports))
	}
	ids := map[string]bool{}
	for _, r := range b.Reports {
		if ids[r.ID] {
			t.Fatalf("duplicate id %q", r.ID)
		}
		ids[r.ID] = true
		if !r.Kind.Valid() || r.SourceID == "" || r.Time.IsZero() {
			t.Fatalf("incomplete report %+v", r)
		}
		if !r.End.IsZero() && r.End.Before(r.Time) {
			t.Fatalf("end before time: %+v", r)
		}
	}
}

func FuzzReadMissileAttacks(f *testing.F) {
	head := "time_start,time_end,model,launch_place,target,target_main,launched,destroyed,source\n"
	for _, s := range []string{
		head + "2025-01-02 19:00,2025-01-03 08:30,Shahed-136/131,Kursk oblast and Crimea,Ukraine,,40.0,30.0,kpszsu/posts/x\n",
		head + "2024-03-04,2024-03-04 09:00,X-59,,\"Dnipropetrovsk oblast, Dnipro Raion\",,1.0,1.0,\n",
		head + "2023-05-16 3:30,2023-05-16 07:00,X-47 Kinzhal and Iskander-M,north,Kyiv oblast (south),,6.0,6.0,https://t.me/kpszsu/1\n",
		head + "bad,,Wunderwaffe,,south and east,,x,,\n2024-01-01,,GBU,,Kyiv,,1,1,\n",
		head + "2024-01-01,,\"X-59\n",
		"time_start\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, ingest.TypeMissile, "fuzz.csv", data, ingest.Options{})
	})
}

func FuzzReadVIINA(f *testing.F) {
	head := "event_id_1pd,date,n_reports,sources_matching,source_urls,target_classes,asciiname,ADM1_NAME,ADM2_NAME,longitude,latitude,a_ukr,a_rus,representative_text\n"
	for _, s := range []string{
		head + "1,20220301,2,pravdaua|ria,https://www.pravda.com.ua/a|https://ria.ru/b,FUEL_STORAGE_TERMINAL,Town,Kiev,Raion,30.5,50.4,0,1,Ракетний удар\n",
		head + "2,20230101,1,liveuamap,https://t.me/x/1|https://x.com/y,,Place,,,37.1,47.1,1,1,дрони атакували\n",
		head + "3,2023-01-01,1,,,,,,,,,,,\n4,20230102,1,meduza,,,,Donets'k,,abc,1e999,0,0,\n",
		head + "1,20220301,1,nv,u,,,,,,,,,\n1,20220301,1,nv,u,,,,,,,,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, ingest.TypeVIINA, "fuzz.csv", data, ingest.Options{})
	})
}

func FuzzReadBellingcat(f *testing.F) {
	for _, s := range []string{
		`[{"id":"CIV1","date":"03/01/2022","latitude":"50.1","longitude":"36.2","location":"Kharkiv","description":"Shelling of a house.","sources":[{"id":"s1","path":"https://t.me/chan/1","description":"d"},{"id":"srcHidden","path":"HIDDEN","description":"Source hidden"}],"filters":[{"key":"Weapon System","value":"Cluster munitions"},{"key":"Type of area affected","value":"Residential"}]}]`,
		`[{"id":"CIV2","date":"13/45/2022","sources":[]},{"id":3,"date":"01/01/2023","latitude":1,"longitude":null,"sources":[{"path":"t.me/x/1"}]}]`,
		`[{"id":"a","latitude":{"x":1}}, 7, "s", null]`,
		`[`, `{}`, ``, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, ingest.TypeBellingcat, "fuzz.json", data, ingest.Options{})
		fuzzRead(t, ingest.TypeBellingcat, "fuzz.json", data, ingest.Options{SplitPlatformAccounts: true})
	})
}

func FuzzReadAirRaidAlerts(f *testing.F) {
	for _, s := range []string{
		"oblast,raion,hromada,level,started_at,finished_at,source\nKharkivska oblast,,,oblast,2022-03-15 16:10:34+00:00,2022-03-15 16:50:07+00:00,official\n" +
			"Cherkaska oblast,Some raion,Some hromada,hromada,2022-03-15 16:11:50+00:00,,official\n",
		"region,started_at,finished_at,naive\nKyiv City,2022-02-25 16:36:22+00:00,2022-02-25 17:06:22+00:00,True\nMars,soon,later,False\n",
		"region,started_at,finished_at,naive\nKyiv City,2022-02-25 16:36:22+00:00,2022-02-25 16:00:00+00:00,True\nKyiv City,2022-02-25 16:36:22+00:00,,x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, ingest.TypeAlerts, "fuzz.csv", data, ingest.Options{})
	})
}

func FuzzReadMapped(f *testing.F) {
	csvMap, err := ingest.LoadMapping(strings.NewReader(`columns: {time: when, kind: weapon, source: outlet, place: where, lat: lat, lon: lon, end: until, counts: {killed: dead}}
kinds: {Shahed: drone_strike}
default_kind: explosions_remote_violence
time_layout: ["2006-01-02 15:04", "2006-01-02"]
`), "m.yaml")
	if err != nil {
		f.Fatal(err)
	}
	jsonMap, err := ingest.LoadMapping(strings.NewReader(`format: json
source: feed
kind: artillery
columns: {id: id, time: date, lat: lat, lon: lon, place: where, text: text}
`), "j.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"when,weapon,outlet,where,lat,lon,until,dead\n2025-07-01 03:10,Shahed,ua,Odesa oblast,46.4,30.7,2025-07-01 04:00,2\n2025-07-02,X,ua,Lviv,,,,\n",
		`[{"id":"1","date":"2025-01-01","lat":50,"lon":30,"where":"Kyiv","text":"x"},{"id":"1","date":"2025-01-01","nested":{"a":[1]}}]`,
		"when,weapon,outlet,where,lat,lon,until,dead\nnever,,,,,,,\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRead(t, ingest.TypeMapped, "fuzz.csv", data, ingest.Options{Mapping: csvMap})
		fuzzRead(t, ingest.TypeMapped, "fuzz.json", data, ingest.Options{Mapping: jsonMap})
	})
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"Kharkiv oblast", "Chauda, Crimea and Bryansk oblast", "Kyiv oblast (south", "  and , ; ", "m. Kyiv city raion oblast", "(("} {
		f.Add(s)
	}
	g := ingest.NewGazetteer()
	f.Fuzz(func(t *testing.T, s string) {
		res := g.Resolve(s)
		if !res.Named && (len(res.Areas) > 0 || len(res.Unresolved) > 0) {
			t.Fatalf("unnamed place with results: %+v", res)
		}
		if res.Named && len(res.Areas) == 0 && len(res.Unresolved) == 0 {
			t.Fatalf("named place %q with neither areas nor unresolved parts", s)
		}
	})
}

func FuzzLoadRegistry(f *testing.F) {
	for _, s := range []string{
		"sources:\n  - id: a\n    reliability: B\n    side: UA\n    domains: [a.org, t.me/a]\n",
		"sources:\n  - id: a\n  - id: a\n",
		"sources: {a: 1}\n",
		"- x\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		reg, err := ingest.LoadRegistry(strings.NewReader(s), "fuzz.yaml")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, src := range reg.Sources() {
			if src.ID == "" {
				t.Fatal("source without id")
			}
			reg.LinkSource("https://"+src.ID+"/x", true)
		}
	})
}
