package genius

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/backstop-dev/backstop/negotiate"
)

// TestSemantics pins GENIUS's utility rules on a hand-made profile: ids
// not positions, weights matched by index and not renormalised, discrete
// evaluations divided by the issue's maximum, integer evaluators clamped
// to [0,1], real issues discretised.
func TestSemantics(t *testing.T) {
	s, err := LoadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	d := s.Domain
	if got := len(d.Issues); got != 3 || d.IDs[1] != 5 {
		t.Fatalf("issues %d, ids %v; want 3 issues with ids [2 5 3]", got, d.IDs)
	}
	if got := len(d.Issues[2].Values); got != RealSteps+1 {
		t.Errorf("real issue has %d values; want %d", got, RealSteps+1)
	}
	p := s.Profiles[0]
	if p.Reserved != 0.25 || p.Discount != 0.9 {
		t.Errorf("reserved %v, discount %v; want 0.25, 0.9", p.Reserved, p.Discount)
	}
	for _, c := range []struct {
		o    negotiate.Outcome
		want float64
	}{
		// red: 2/4 = 0.5 → 0.25; count 1: clamp(-0.25) = 0; share 0: 0.
		{negotiate.Outcome{0, 0, 0}, 0.5 * 0.5},
		// blue: 1 → 0.5; count 2: 0.5 → 0.15; share 1 → 0.2.
		{negotiate.Outcome{1, 1, 10}, float64(0.5*1) + float64(0.3*0.5) + float64(0.2*1)},
		// count 3: 1.25 clamped to 1 → 0.3.
		{negotiate.Outcome{1, 2, 5}, float64(0.5*1) + float64(0.3*1) + float64(0.2*0.5)},
	} {
		if got := p.U.Utility(c.o); got != c.want {
			t.Errorf("u(%v) = %v; want %v", c.o, got, c.want)
		}
	}
}

// TestErrors: unreadable files fail with the file, line and element.
func TestErrors(t *testing.T) {
	dom, err := os.ReadFile("testdata/domain.xml")
	if err != nil {
		t.Fatal(err)
	}
	prof, err := os.ReadFile("testdata/a.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, domain, profile, want string
	}{
		{"malformed", string(dom), "<utility_space>\n<objective>\n</utility_space>", "a.xml:3: malformed XML"},
		{"bad evaluation", string(dom), strings.Replace(string(prof), `evaluation="4"`, `evaluation="four"`, 1), `a.xml:5: <item>: attribute evaluation="four" is not a number`},
		{"missing weight", string(dom), strings.Replace(string(prof), `<weight index="3" value="0.2"/>`, "", 1), `a.xml:10: <issue>: no <weight index="3"> for issue "share"`},
		{"unknown issue", string(dom), strings.Replace(string(prof), `<issue index="5"`, `<issue index="9"`, 1), `a.xml:7: <issue>: issue index 9 ("count") is not in the domain`},
		{"bounds", strings.Replace(string(dom), `upperbound="3"`, `upperbound="0"`, 1), string(prof), `domain.xml:8: <issue>: issue "count": upperbound 0 below lowerbound 1`},
		{"no domain", "<utility_space/>", string(prof), "no domain file"},
		{"evaluator", string(dom), strings.Replace(string(prof), `ftype="linear" slope="0.75"`, `ftype="exponential" slope="0.75"`, 1), `a.xml:8: <evaluator>: evaluator ftype "exponential" is not supported`},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "domain.xml"), []byte(c.domain), 0o644)
			os.WriteFile(filepath.Join(dir, "a.xml"), []byte(c.profile), 0o644)
			_, err := LoadDir(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v; want an error containing %q", err, c.want)
			}
		})
	}
}

// TestGeniusWeb reads every GeniusWeb folder and checks utilities against
// the profiles' own numbers.
func TestGeniusWeb(t *testing.T) {
	root := shareddata.Path(t, "negotiation", "scenarios", "geniusweb")
	dirs, _ := filepath.Glob(filepath.Join(root, "*"))
	if len(dirs) != 4 {
		t.Fatalf("found %d GeniusWeb folders; want 4", len(dirs))
	}
	for _, dir := range dirs {
		d, profs, err := LoadGeniusWebDir(dir)
		if err != nil {
			t.Errorf("%s: %v", dir, err)
			continue
		}
		if len(profs) != 2 {
			t.Errorf("%s: %d profiles; want 2", dir, len(profs))
		}
		for _, p := range profs {
			_, hi := p.U.(*negotiate.Additive).Bounds()
			if hi < 0.5 || hi > 1.0000001 {
				t.Errorf("%s: best deal has utility %v; want in [0.5, 1]", p.File, hi)
			}
			if p.Reserved < 0 || p.Reserved > hi {
				t.Errorf("%s: reserved %v outside [0,%v]", p.File, p.Reserved, hi)
			}
		}
		if d.Issues[0].Name == "" {
			t.Errorf("%s: unnamed first issue", dir)
		}
	}
	// FlightBooking: price 0.35 w, 200000yen = 0.5; CentAir 0.667 (0.35);
	// 3 sept. 1.0 (0.3): the reservation bid of flightbooking1.
	_, profs, err := LoadGeniusWebDir(filepath.Join(root, "FlightBooking"))
	if err != nil {
		t.Fatal(err)
	}
	want := float64(0.35*0.5) + float64(0.35*0.667) + float64(0.3*1.0)
	if got := profs[0].Reserved; got != want {
		t.Errorf("flightbooking1 reserved %v; want %v", got, want)
	}
}

func FuzzReadProfile(f *testing.F) {
	dom, err := ReadDomain("testdata/domain.xml")
	if err != nil {
		f.Fatal(err)
	}
	prof, _ := os.ReadFile("testdata/a.xml")
	f.Add(prof)
	f.Add([]byte(`<utility_space type="nonlinear"><utility maxutility="10"><ufun aggregation="sum"><hyperRectangle utility="3"><INCLUDES index="5" min="1" max="2"/></hyperRectangle></ufun></utility></utility_space>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := parseXML("fuzz.xml", data)
		if err != nil {
			return
		}
		p, err := profileFrom("fuzz.xml", root, dom)
		if err != nil {
			return
		}
		_ = p.U.Utility(negotiate.Outcome{0, 0, 0})
	})
}

func FuzzReadDomain(f *testing.F) {
	dom, _ := os.ReadFile("testdata/domain.xml")
	f.Add(dom)
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := parseXML("fuzz.xml", data)
		if err != nil {
			return
		}
		d, err := domainFrom("fuzz.xml", root)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid domain: %v", err)
		}
	})
}

func FuzzGeniusWebProfile(f *testing.F) {
	f.Add([]byte(`{"LinearAdditiveUtilitySpace":{"issueUtilities":{"a":{"discreteutils":{"valueUtilities":{"x":1}}}},"issueWeights":{"a":1},"reservationBid":{"issuevalues":{"a":"x"}}}}`))
	d := &negotiate.Domain{Issues: []negotiate.Issue{{Name: "a", Values: []string{"x", "y"}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "p.json")
		os.WriteFile(path, data, 0o644)
		p, err := ReadGeniusWebProfile(path, d)
		if err != nil {
			return
		}
		_ = p.U.Utility(negotiate.Outcome{1})
	})
}
