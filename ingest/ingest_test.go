package ingest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop"
	"github.com/backstop-dev/backstop/ingest"
)

func TestResolve(t *testing.T) {
	south := []string{"UA-51", "UA-48", "UA-65", "UA-23", "UA-43", "UA-40"}
	tests := []struct {
		in         string
		areas      []string
		unresolved []string
	}{
		{"Kharkiv oblast", []string{"UA-63"}, nil},
		{"Kharkivska oblast", []string{"UA-63"}, nil},
		{"Kharkivska", []string{"UA-63"}, nil},
		{"kharkov", []string{"UA-63"}, nil},
		{"Kyiv", []string{"UA-30"}, nil},
		{"Kyiv City", []string{"UA-30"}, nil},
		{"Kyiv oblast", []string{"UA-32"}, nil},
		{"Kyivska oblast", []string{"UA-32"}, nil},
		{"Kyiv oblast (south)", []string{"UA-32"}, nil},
		{"Donets'k", []string{"UA-14"}, nil},
		{"Zaporizhzhya", []string{"UA-23"}, nil},
		{"Khmel'nyts'kyy", []string{"UA-68"}, nil},
		{"Transcarpathia", []string{"UA-21"}, nil},
		{"Sevastopol'", []string{"UA-40"}, nil},
		{"Autonomous Republic of Crimea", []string{"UA-43"}, nil},
		{"Odesa oblast and Mykolaiv oblast", []string{"UA-51", "UA-48"}, nil},
		{"Mykolaiv oblast and Kherson oblast and Mykolaiv oblast", []string{"UA-48", "UA-65"}, nil},
		{"Dnipropetrovsk oblast, Dnipro Raion", []string{"UA-12"}, nil},
		{"Kryvyi Rih", []string{"UA-12"}, nil},
		{"Chauda, Crimea and Bryansk oblast and Millerovo", []string{"UA-43", "RU-BRY", "RU-ROS"}, nil},
		{"south", south, nil},
		{"north and center", []string{"UA-30", "UA-32", "UA-74", "UA-59", "UA-18", "UA-05", "UA-35", "UA-71", "UA-53"}, nil},
		{"Ukraine", []string{"UA"}, nil},
		{"Odesa oblast, Black Sea", []string{"UA-51"}, []string{"black sea"}},
		{"front line", nil, []string{"front line"}},
		{"Snake Island", []string{"UA-51"}, nil},
		{"Saratov oblast, and Shatalovo", []string{"RU-SAR", "RU-SMO"}, nil},
	}
	g := ingest.NewGazetteer()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := g.Resolve(tt.in)
			if !got.Named || !slices.Equal(got.Areas, tt.areas) || !slices.Equal(got.Unresolved, tt.unresolved) {
				t.Errorf("Resolve(%q) = %+v; want areas %v, unresolved %v", tt.in, got, tt.areas, tt.unresolved)
			}
		})
	}
	if got := g.Resolve("  "); got.Named {
		t.Errorf("Resolve(blank) named a place: %+v", got)
	}
}

func TestDefaultRegistry(t *testing.T) {
	reg := ingest.DefaultRegistry()
	tests := []struct {
		id, side, affiliation string
		rel                   backstop.Reliability
	}{
		{"kpszsu", "UA", "ua-armed-forces", 'B'},
		{"pravdaua", "UA", "dragon-capital", 'C'},
		{"nv", "UA", "dragon-capital", 'C'}, // one owner: not independent of pravdaua
		{"unian", "UA", "1plus1-media", 'C'},
		{"meduza", "neutral", "meduza", 'C'},
		{"ria", "RU", "rossiya-segodnya", 'D'},
		{"tass", "RU", "tass", 'D'},
		{"bellingcat", "neutral", "bellingcat", 'B'},
		{"air-raid-official", "UA", "ua-civil-defence", 'A'},
		{"air-raid-etryvoga", "UA", "etryvoga", 'B'},
	}
	for _, tt := range tests {
		s, ok := reg.Lookup(tt.id)
		if !ok {
			t.Errorf("%s: not registered", tt.id)
			continue
		}
		if s.Side != tt.side || s.Affiliation != tt.affiliation || s.Reliability != tt.rel {
			t.Errorf("%s = side %q affiliation %q reliability %v; want %q %q %v", tt.id, s.Side, s.Affiliation, s.Reliability, tt.side, tt.affiliation, tt.rel)
		}
	}
	// Every VIINA outlet in the shared data is registered.
	for _, id := range strings.Fields("liveuamap pravdaua nv meduza espreso ria unian liga 24tvua interfaxua ntv mz militarnyy forbesua ng kp") {
		if _, ok := reg.Lookup(id); !ok {
			t.Errorf("VIINA outlet %q not registered", id)
		}
	}
}

func TestLinkSource(t *testing.T) {
	reg := ingest.DefaultRegistry()
	tests := []struct {
		link  string
		split bool
		id    string
		known bool
	}{
		{"https://www.pravda.com.ua/news/2022/02/24/7325266/", false, "pravdaua", true},
		{"https://life.pravda.com.ua/x", false, "pravdaua", true},
		{"https://t.me/kpszsu/123", false, "kpszsu", true},
		{"https://t.me/s/kpszsu/123", false, "kpszsu", true},
		{"https://t.me/GeneralStaffZSU/20123", false, "genstaff-zsu", true},
		{"https://t.me/some_channel/5", false, "t.me", false},
		{"https://t.me/Some_Channel/5", true, "t.me/some_channel", false},
		{"https://x.com/someone/status/1", false, "twitter.com", false},
		{"https://mobile.twitter.com/someone/status/1", true, "twitter.com/someone", false},
		{"https://m.censor.net/en/photo_news/1", false, "censor", true},
		{"t.me/milinfolive/77531", false, "t.me", false},
		{"https://www.facebook.com/story.php?story_fbid=1&id=2", true, "facebook.com", false},
		{"HIDDEN", false, "", false},
		{"", false, "", false},
		{"https://zona.media/online/2022/02/24/war", false, "mz", true},
	}
	for _, tt := range tests {
		id, known := reg.LinkSource(tt.link, tt.split)
		if id != tt.id || known != tt.known {
			t.Errorf("LinkSource(%q, %v) = %q, %v; want %q, %v", tt.link, tt.split, id, known, tt.id, tt.known)
		}
	}
}

func TestLoadRegistry(t *testing.T) {
	good := `sources:
  - id: a
    name: Outlet A
    reliability: B
    side: UA
    affiliation: group
    domains: [a.example]
  - id: b
    side: neutral
`
	reg, err := ingest.LoadRegistry(strings.NewReader(good), "good.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := reg.Lookup("a"); a.Reliability != 'B' || a.Affiliation != "group" || a.Side != "UA" {
		t.Errorf("a = %+v", a)
	}
	if b, _ := reg.Lookup("b"); b.Reliability.String() != "F" || b.Affiliation != "b" {
		t.Errorf("b = %+v; want reliability F and its own affiliation", b)
	}
	if id, known := reg.LinkSource("https://news.a.example/1", false); id != "a" || !known {
		t.Errorf("LinkSource = %q, %v; want a, true", id, known)
	}
	bad := []struct{ name, yaml, want string }{
		{"reliability", "sources:\n  - id: a\n    reliability: G\n", "bad.yaml:2: source \"a\": reliability \"G\""},
		{"duplicate", "sources:\n  - id: a\n  - id: a\n", "bad.yaml:3: source \"a\" listed twice"},
		{"no id", "sources:\n  - name: x\n", "bad.yaml:2: source 1 has no id"},
		{"domain twice", "sources:\n  - id: a\n    domains: [x.org]\n  - id: b\n    domains: [x.org]\n", "bad.yaml:4: domain \"x.org\""},
		{"syntax", "sources: [\n", "bad.yaml"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ingest.LoadRegistry(strings.NewReader(tt.yaml), "bad.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name, head string
		want       ingest.Type
	}{
		{"x.csv", "time_start,time_end,model,launch_place,target\n", ingest.TypeMissile},
		{"x.csv", "event_id_1pd,date,n_reports,event_ids_matching,sources_matching\n", ingest.TypeVIINA},
		{"x.csv", "oblast,raion,hromada,level,started_at,finished_at,source\n", ingest.TypeAlerts},
		{"x.csv", "region,started_at,finished_at,naive\n", ingest.TypeAlerts},
		{"x.json", `[{"id":"CIV1","sources":[],"filters":[]}]`, ingest.TypeBellingcat},
		{"VIINA_2030_REBUILD.csv", "garbage", ingest.TypeVIINA},
	}
	for _, tt := range tests {
		got, err := ingest.Detect(tt.name, []byte(tt.head))
		if err != nil || got != tt.want {
			t.Errorf("Detect(%q, %q) = %q, %v; want %q", tt.name, tt.head, got, err, tt.want)
		}
	}
	if _, err := ingest.Detect("other.csv", []byte("a,b,c\n")); err == nil || !strings.Contains(err.Error(), "other.csv") {
		t.Errorf("Detect(unknown) err = %v; want one naming the file", err)
	}
}

// TestMalformed checks that broken input gives a located error or counted
// skips with row, line and column.
func TestMalformed(t *testing.T) {
	missileHead := "time_start,time_end,model,launch_place,target,launched,destroyed,source\n"
	tests := []struct {
		name    string
		typ     ingest.Type
		in      string
		wantErr string // substring of the error, or "" for none
		skipped map[string]int
		problem string // substring of the first skip's String()
	}{
		{name: "missing column", typ: ingest.TypeMissile, in: "time_start,model\n2024-01-01,X-59\n", wantErr: "m.csv:1: header lacks column(s) time_end, target, launch_place, launched, destroyed"},
		{name: "empty", typ: ingest.TypeMissile, in: "", wantErr: "m.csv: empty file"},
		{
			name: "bad time and model", typ: ingest.TypeMissile,
			in:      missileHead + "yesterday,,X-59,,Kyiv,1,1,\n2024-01-01,,Wunderwaffe,,Kyiv,1,1,\n2024-01-01 10:00,2024-01-01 09:00,X-59,,Kyiv,x,1,\n",
			skipped: map[string]int{"time_start not a date or time": 1, "weapon model of unknown category": 1},
			problem: "row 1 (line 2), column time_start: time_start not a date or time (\"yesterday\")",
		},
		{
			name: "stray quote", typ: ingest.TypeMissile,
			in:      missileHead + "2024-01-01,,X-59,,Ky\"iv,1,1,\n2024-01-02,,X-59,,Kyiv,1,1,\n",
			skipped: map[string]int{"malformed CSV record": 1},
			problem: "row 1 (line 2): malformed CSV record",
		},
		{name: "json syntax", typ: ingest.TypeBellingcat, in: "[\n{\"id\": \"a\",\n\"date\": }\n]", wantErr: "b.json:3:"},
		{name: "json truncated", typ: ingest.TypeBellingcat, in: "[\n{\"id\": \"a\"", wantErr: "b.json:2: unexpected end of file"},
		{name: "json not array", typ: ingest.TypeBellingcat, in: `{"id": 1}`, wantErr: "b.json:1: want a JSON array"},
		{
			name: "json bad element", typ: ingest.TypeBellingcat,
			in:      `[{"id":"a","date":"02/30/2022","sources":[]}, {"id":"b","date":"01/01/2023","latitude":{"x":1}}, 7]`,
			skipped: map[string]int{"date not MM/DD/YYYY": 1, "malformed incident": 2},
			problem: "row 1, column date: date not MM/DD/YYYY",
		},
		{
			name: "alerts bad start", typ: ingest.TypeAlerts,
			in:      "region,started_at,finished_at,naive\nKyiv City,soon,,False\nKyiv City,2022-02-25 16:36:22+00:00,2022-02-25 16:00:00+00:00,False\n",
			skipped: map[string]int{"started_at not a time": 1},
			problem: "row 1 (line 2), column started_at",
		},
		{name: "alerts no region", typ: ingest.TypeAlerts, in: "place,started_at,finished_at\n", wantErr: "a.csv:1: header has neither an oblast nor a region column"},
		{
			name: "viina no outlet", typ: ingest.TypeVIINA,
			in:      "event_id_1pd,date,sources_matching,source_urls,longitude,latitude,ADM1_NAME,a_ukr,a_rus\n1,20220230,x,,1,1,,0,0\n2,20220224,,,1,1,,0,0\n3,20220224,ria,u,999,1,,0,1\n",
			skipped: map[string]int{"date not YYYYMMDD": 1, "no outlet": 1},
			problem: "row 1 (line 2), column date",
		},
	}
	names := map[ingest.Type]string{ingest.TypeMissile: "m.csv", ingest.TypeBellingcat: "b.json", ingest.TypeAlerts: "a.csv", ingest.TypeVIINA: "v.csv"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ingest.Read(tt.typ, strings.NewReader(tt.in), names[tt.typ], ingest.Options{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v; want it to contain %q", err, tt.wantErr)
				}
				if backstop.ErrorCode(err) != backstop.EINVALID {
					t.Errorf("code %q; want %q", backstop.ErrorCode(err), backstop.EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := b.Stats
			if s.Rows != s.Accepted+s.Skipped {
				t.Errorf("rows %d != %d + %d", s.Rows, s.Accepted, s.Skipped)
			}
			for reason, n := range tt.skipped {
				if s.SkippedByReason[reason] != n {
					t.Errorf("skipped for %q = %d; want %d (all: %v)", reason, s.SkippedByReason[reason], n, s.SkippedByReason)
				}
			}
			var first string
			for _, p := range s.Problems {
				if p.Skipped {
					first = p.String()
					break
				}
			}
			if !strings.Contains(first, tt.problem) {
				t.Errorf("first skip %q; want it to contain %q", first, tt.problem)
			}
		})
	}
}

func TestMissileNotes(t *testing.T) {
	in := "time_start,time_end,model,launch_place,target,launched,destroyed,source\n" +
		"2024-01-01 10:00,2024-01-01 09:00,X-59 and Shahed-136/131,,Kyiv,x,1,kpszsu/posts/1\n"
	b, err := ingest.ReadMissileAttacks(strings.NewReader(in), "m.csv", ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := b.Reports[0]
	if r.Kind != backstop.MissileStrike || !r.End.IsZero() || r.Counts["destroyed"] != 1 || r.Counts["launched"] != 0 {
		t.Errorf("report %+v; want a missile strike without end or launched count", r)
	}
	if r.Link != "https://www.facebook.com/kpszsu/posts/1" {
		t.Errorf("link %q", r.Link)
	}
	var reasons []string
	for _, p := range b.Stats.Problems {
		reasons = append(reasons, p.Column+": "+p.Reason)
	}
	want := []string{"time_end: time_end before time_start; left out", "launched: not a count; left out"}
	if !slices.Equal(reasons, want) {
		t.Errorf("problems %q; want %q", reasons, want)
	}
}
