package monitor

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
)

// registry is a SourceLookup for tests.
type registry map[string]backstop.Source

func (r registry) Lookup(id string) (backstop.Source, bool) { s, ok := r[id]; return s, ok }

var testSources = registry{
	"airforce":  {ID: "airforce", Reliability: 'B', Side: "UA", Affiliation: "ua-mod"},
	"genstaff":  {ID: "genstaff", Reliability: 'C', Side: "UA", Affiliation: "ua-mod"},
	"ukrinform": {ID: "ukrinform", Reliability: 'C', Side: "UA", Affiliation: "ua-state-media"},
	"tass":      {ID: "tass", Reliability: 'D', Side: "RU", Affiliation: "ru-state-media"},
	"ria":       {ID: "ria", Reliability: 'D', Side: "RU", Affiliation: "ru-state-media"},
	"reuters":   {ID: "reuters", Reliability: 'B', Side: "neutral", Affiliation: "reuters"},
}

var t0 = time.Date(2025, 7, 4, 1, 0, 0, 0, time.UTC)

func rep(id, src string, h float64, kind backstop.Kind, place backstop.Place) backstop.Report {
	return backstop.Report{ID: id, SourceID: src, Time: t0.Add(time.Duration(h * float64(time.Hour))), Kind: kind, Actor: "RU", Place: place}
}

func pt(lon, lat float64) backstop.Place { return backstop.Place{Lon: lon, Lat: lat, HasPoint: true} }
func area(a ...string) backstop.Place    { return backstop.Place{Areas: a} }

const (
	kyivLon, kyivLat       = 30.52, 50.45
	kharkivLon, kharkivLat = 36.23, 49.99
)

// groups returns the report ids of each incident, sorted, for comparison.
func groups(incs []backstop.Incident) [][]string {
	var out [][]string
	for _, inc := range incs {
		ids := slices.Clone(inc.Reports)
		slices.Sort(ids)
		out = append(out, ids)
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return out
}

func TestFuseGrouping(t *testing.T) {
	tests := []struct {
		name    string
		reports []backstop.Report
		opt     FuseOptions
		want    [][]string
	}{
		{"near points same kind fuse", []backstop.Report{
			rep("a", "airforce", 0, backstop.MissileStrike, pt(kyivLon, kyivLat)),
			rep("b", "tass", 2, backstop.MissileStrike, pt(kyivLon+0.1, kyivLat)),
		}, FuseOptions{}, [][]string{{"a", "b"}}},
		{"far points stay apart even in one area", []backstop.Report{
			rep("a", "airforce", 0, backstop.MissileStrike, backstop.Place{Lon: kyivLon, Lat: kyivLat, HasPoint: true, Areas: []string{"UA-32"}}),
			rep("b", "tass", 0, backstop.MissileStrike, backstop.Place{Lon: kyivLon + 1.5, Lat: kyivLat, HasPoint: true, Areas: []string{"UA-32"}}),
		}, FuseOptions{}, [][]string{{"a"}, {"b"}}},
		{"too far apart in time", []backstop.Report{
			rep("a", "airforce", 0, backstop.MissileStrike, area("UA-63")),
			rep("b", "tass", 7, backstop.MissileStrike, area("UA-63")),
		}, FuseOptions{}, [][]string{{"a"}, {"b"}}},
		{"attack night as interval bridges the gap", []backstop.Report{
			{ID: "a", SourceID: "airforce", Time: t0, End: t0.Add(6 * time.Hour), Kind: backstop.DroneStrike, Place: area("UA-63")},
			rep("b", "tass", 11, backstop.DroneStrike, area("UA-63")),
		}, FuseOptions{}, [][]string{{"a", "b"}}},
		{"missile and drone stay distinct by default", []backstop.Report{
			rep("a", "airforce", 0, backstop.MissileStrike, area("UA-63")),
			rep("b", "airforce", 0, backstop.DroneStrike, area("UA-63")),
		}, FuseOptions{}, [][]string{{"a"}, {"b"}}},
		{"missile and drone fuse when configured", []backstop.Report{
			rep("a", "airforce", 0, backstop.MissileStrike, area("UA-63")),
			rep("b", "airforce", 0, backstop.DroneStrike, area("UA-63")),
		}, FuseOptions{Compatible: [][]backstop.Kind{{backstop.MissileStrike, backstop.DroneStrike}}}, [][]string{{"a", "b"}}},
		{"country contains oblast", []backstop.Report{
			rep("a", "airforce", 0, backstop.MissileStrike, area("UA")),
			rep("b", "tass", 1, backstop.MissileStrike, area("UA-63")),
			rep("c", "ria", 1, backstop.MissileStrike, area("UA-46")),
		}, FuseOptions{}, [][]string{{"a", "b", "c"}}},
		{"different oblasts stay apart", []backstop.Report{
			rep("b", "tass", 1, backstop.MissileStrike, area("UA-63")),
			rep("c", "ria", 1, backstop.MissileStrike, area("UA-46")),
		}, FuseOptions{}, [][]string{{"b"}, {"c"}}},
		{"a later report bridges two clusters", []backstop.Report{
			rep("a", "airforce", 0, backstop.Artillery, pt(kyivLon, kyivLat)),
			rep("b", "tass", 0, backstop.Artillery, pt(kyivLon+0.6, kyivLat)),
			rep("c", "ria", 1, backstop.Artillery, pt(kyivLon+0.3, kyivLat)),
		}, FuseOptions{}, [][]string{{"a", "b", "c"}}},
		{"placeless reports join each other only", []backstop.Report{
			rep("a", "airforce", 0, backstop.DroneStrike, backstop.Place{}),
			rep("b", "genstaff", 1, backstop.DroneStrike, backstop.Place{}),
			rep("c", "tass", 1, backstop.DroneStrike, area("UA-63")),
		}, FuseOptions{}, [][]string{{"a", "b"}, {"c"}}},
		{"different actors stay apart", []backstop.Report{
			rep("a", "airforce", 0, backstop.DroneStrike, area("UA-14")),
			{ID: "b", SourceID: "tass", Time: t0, Kind: backstop.DroneStrike, Actor: "UA", Place: area("UA-14")},
		}, FuseOptions{}, [][]string{{"a"}, {"b"}}},
		{"an unknown actor joins a known one", []backstop.Report{
			rep("a", "airforce", 0, backstop.DroneStrike, area("UA-14")),
			{ID: "c", SourceID: "ria", Time: t0, Kind: backstop.DroneStrike, Place: area("UA-14")},
		}, FuseOptions{}, [][]string{{"a", "c"}}},
		{"day-dated reports do not chain attack nights", []backstop.Report{
			// night 1, 18:00 to 10:00; a report dated day 2; a report dated
			// day 3; night 2 starting 18:00 on day 2.
			{ID: "n1", SourceID: "airforce", Time: t0.Add(17 * time.Hour), End: t0.Add(33 * time.Hour), Kind: backstop.DroneStrike, Place: area("UA")},
			{ID: "d2", SourceID: "tass", Time: t0.Add(23 * time.Hour), End: t0.Add(47 * time.Hour), Kind: backstop.DroneStrike, Place: area("UA-63")},
			{ID: "n2", SourceID: "airforce", Time: t0.Add(41 * time.Hour), End: t0.Add(57 * time.Hour), Kind: backstop.DroneStrike, Place: area("UA")},
			{ID: "d3", SourceID: "tass", Time: t0.Add(47 * time.Hour), End: t0.Add(71 * time.Hour), Kind: backstop.DroneStrike, Place: area("UA-63")},
		}, FuseOptions{}, [][]string{{"d2", "n1"}, {"d3", "n2"}}},
		{"duplicate ids count once", []backstop.Report{
			rep("a", "airforce", 0, backstop.DroneStrike, area("UA-63")),
			rep("a", "airforce", 0, backstop.DroneStrike, area("UA-63")),
		}, FuseOptions{}, [][]string{{"a"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			incs, err := Fuse(tt.reports, tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			if got := groups(incs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got groups %v; want %v", got, tt.want)
			}
		})
	}
}

func TestFuseGrading(t *testing.T) {
	kyiv := pt(kyivLon, kyivLat)
	tests := []struct {
		name        string
		sources     []string
		credibility backstop.Credibility
		independent int
		opposing    bool
		grade       string
	}{
		{"one reliable source", []string{"airforce"}, 0, 1, false, "B3"},
		{"one unreliable source with its own grading", []string{"tass"}, 4, 1, false, "D4"},
		{"one unreliable source", []string{"tass"}, 0, 1, false, "D6"},
		{"same affiliation is not independent", []string{"airforce", "genstaff"}, 0, 1, false, "B3"},
		{"two outlets of one media group", []string{"tass", "ria"}, 0, 1, false, "D6"},
		{"two independent sources of one side", []string{"airforce", "ukrinform"}, 0, 2, false, "B2"},
		{"opposing sides agree", []string{"genstaff", "tass"}, 0, 2, true, "C1"},
		{"neutral is not a side", []string{"tass", "reuters"}, 0, 2, false, "B2"},
		{"unknown sources are independent, reliability F", []string{"x", "y"}, 0, 2, false, "F2"},
		{"opposing but not independent cannot happen; three sources", []string{"airforce", "genstaff", "ria", "tass"}, 0, 2, true, "B1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []backstop.Report
			for i, s := range tt.sources {
				r := rep(fmt.Sprint("r", i), s, float64(i)/2, backstop.MissileStrike, kyiv)
				r.Credibility = tt.credibility
				rs = append(rs, r)
			}
			incs, err := Fuse(rs, FuseOptions{Sources: testSources})
			if err != nil {
				t.Fatal(err)
			}
			if len(incs) != 1 {
				t.Fatalf("got %d incidents; want 1", len(incs))
			}
			inc := incs[0]
			if inc.IndependentSources != tt.independent || inc.OpposingSides != tt.opposing || inc.Grade.String() != tt.grade {
				t.Errorf("got independent=%d opposing=%v grade=%s; want %d %v %s", inc.IndependentSources, inc.OpposingSides, inc.Grade, tt.independent, tt.opposing, tt.grade)
			}
			if len(inc.Sources) != len(tt.sources) {
				t.Errorf("got %d sources; want %d", len(inc.Sources), len(tt.sources))
			}
		})
	}
}

func TestFuseCounts(t *testing.T) {
	a := rep("a", "airforce", 0, backstop.MissileStrike, area("UA"))
	a.Counts = map[string]float64{"launched": 10}
	b := rep("b", "airforce", 0, backstop.MissileStrike, area("UA"))
	b.Counts = map[string]float64{"launched": 5}
	c := rep("c", "tass", 1, backstop.MissileStrike, area("UA-63"))
	c.Counts = map[string]float64{"launched": 12}
	incs, err := Fuse([]backstop.Report{a, b, c}, FuseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(incs) != 1 || incs[0].Counts["launched"] != 15 {
		t.Fatalf("got %+v; want one incident with launched=15 (one source's rows add up, sources take the maximum)", incs)
	}
}

// synthetic makes n reports of a few strikes reported by several sources,
// with jitter in place and time.
func synthetic(n int, seed uint64) []backstop.Report {
	rng := rand.New(rand.NewPCG(seed, 1))
	srcs := []string{"airforce", "genstaff", "ukrinform", "tass", "ria", "reuters"}
	kinds := []backstop.Kind{backstop.MissileStrike, backstop.DroneStrike, backstop.Artillery}
	oblasts := []string{"UA-63", "UA-46", "UA-30", "UA-51", "UA-14", "UA-12"}
	out := make([]backstop.Report, n)
	for i := range out {
		ev := i / 3 // about three reports per event
		erng := rand.New(rand.NewPCG(uint64(ev), seed))
		at := t0.Add(time.Duration(ev) * 20 * time.Minute)
		r := backstop.Report{
			ID:       fmt.Sprintf("r%07d", i),
			SourceID: srcs[rng.IntN(len(srcs))],
			Time:     at.Add(time.Duration(rng.IntN(120)) * time.Minute),
			Kind:     kinds[erng.IntN(len(kinds))],
			Actor:    "RU",
		}
		if erng.IntN(2) == 0 {
			lon, lat := 24+erng.Float64()*14, 46+erng.Float64()*6
			r.Place = backstop.Place{Lon: lon + rng.Float64()*0.1, Lat: lat + rng.Float64()*0.1, HasPoint: true}
		} else {
			r.Place = area(oblasts[erng.IntN(len(oblasts))])
		}
		if rng.IntN(4) == 0 {
			r.Counts = map[string]float64{"launched": float64(rng.IntN(50))}
		}
		out[i] = r
	}
	return out
}

func TestFuseOrderIndependent(t *testing.T) {
	reports := synthetic(3000, 7)
	want, err := Fuse(reports, FuseOptions{Sources: testSources})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 100 || len(want) > 2000 {
		t.Fatalf("got %d incidents from 3000 reports; the synthetic set should fuse to a few hundred", len(want))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 10 {
		shuffled := slices.Clone(reports)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		got, err := Fuse(shuffled, FuseOptions{Sources: testSources})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d: got %d incidents, want %d; the result depends on input order", i, len(got), len(want))
		}
	}
}

// TestFuserIncremental checks that flushing as the clock moves gives the
// same incidents as fusing all at once.
func TestFuserIncremental(t *testing.T) {
	reports := synthetic(3000, 9)
	want, err := Fuse(reports, FuseOptions{Sources: testSources})
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(reports)
	slices.SortFunc(sorted, compareReports)
	f := NewFuser(FuseOptions{Sources: testSources})
	var got []backstop.Incident
	for _, r := range sorted {
		got = append(got, f.Flush(r.Time)...)
		if err := f.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	got = append(got, f.Flush(time.Time{})...)
	slices.SortFunc(got, func(a, b backstop.Incident) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return cmpString(a.ID, b.ID)
	})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %d incidents incrementally; want %d as from Fuse", len(got), len(want))
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestFuserRejectsBadInput(t *testing.T) {
	f := NewFuser(FuseOptions{})
	if err := f.Add(backstop.Report{ID: "a"}); err == nil || backstop.ErrorCode(err) != backstop.EINVALID {
		t.Errorf("got %v for a report without time; want an invalid-input error", err)
	}
	if err := f.Add(backstop.Report{Time: t0}); err == nil {
		t.Errorf("got nil for a report without id; want an error")
	}
	_ = f.Add(rep("a", "x", 1, backstop.DroneStrike, area("UA-63")))
	if err := f.Add(rep("b", "x", 0, backstop.DroneStrike, area("UA-63"))); err == nil {
		t.Errorf("got nil for an out-of-order report; want an error")
	}
}

func TestFuseUnknownActorDoesNotBridge(t *testing.T) {
	ru := rep("ru", "airforce", 0, backstop.DroneStrike, area("UA-14"))
	ua := backstop.Report{ID: "ua", SourceID: "tass", Time: t0, Kind: backstop.DroneStrike, Actor: "UA", Place: area("UA-14")}
	unk := backstop.Report{ID: "unk", SourceID: "ria", Time: t0.Add(time.Hour), Kind: backstop.DroneStrike, Place: area("UA-14")}
	incs, err := Fuse([]backstop.Report{unk, ua, ru}, FuseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := groups(incs)
	// ru and ua are at the same time; canonical order puts airforce (ru)
	// first, so the unknown-actor report joins the Russian strike.
	want := [][]string{{"ru", "unk"}, {"ua"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got groups %v; want %v", got, want)
	}
}
