package adjudicate

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/backstop-dev/backstop"
)

// FuzzAdd drives the incident → decision path with arbitrary incidents:
// kinds in and outside the taxonomy, times out of order, unknown actors and
// zones, odd grades, NaN and infinite points and counts, interleaved with
// Advance and Fulfil. It must never panic, and decisions must keep to the
// documented kinds.
func FuzzAdd(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Add([]byte("missile drone ground seizure cyber artillery 0123456789abcdef"))
	f.Add([]byte{0xff, 0xfe, 0x80, 0x7f, 0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0})
	doc := testDoc(f)
	deal, err := doc.LoadDeal("testdata/deals/defence.yaml")
	if err != nil {
		f.Fatal(err)
	}
	actors := []string{"RU", "BY", "AXIS", "US", "FR", "UA", "", "ZZ"}
	zoneIDs := []string{"R-N", "R-S", "theatre", "dmz", "regions", "nowhere", ""}
	kinds := append(append([]backstop.Kind{}, backstop.Kinds...), "", "not_a_kind", "*")
	obls := []string{"consult", "air-defence", "statement", "sanctions", "none"}
	valid := map[string]bool{Unverified: true, Violation: true, Fired: true, Opened: true, Owed: true, Overdue: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := New(doc, deal)
		if err != nil {
			t.Fatal(err)
		}
		at := t0
		for len(data) >= 12 {
			b := data[:12]
			data = data[12:]
			delta := time.Duration(int16(binary.LittleEndian.Uint16(b[0:2]))) * time.Minute
			at = at.Add(delta)
			var ds []Decision
			switch b[2] % 8 {
			case 6:
				ds = e.Advance(at)
			case 7:
				_ = e.Fulfil(actors[int(b[3])%len(actors)], obls[int(b[4])%len(obls)], at, string(b[5:7]))
			default:
				inc := backstop.Incident{
					ID: string(b[3:5]), Time: at, Kind: kinds[int(b[3])%len(kinds)], Actor: actors[int(b[4])%len(actors)],
					Grade:              backstop.Grade{Reliability: backstop.Reliability(b[5]), Credibility: backstop.Credibility(int8(b[6]))},
					IndependentSources: int(int8(b[7])), OpposingSides: b[7]&1 == 1,
					AreaKm2: float64(int8(b[8])),
				}
				if b[9]&1 == 1 {
					inc.Zones = []string{zoneIDs[int(b[9]>>1)%len(zoneIDs)], zoneIDs[int(b[10])%len(zoneIDs)]}
				}
				if b[9]&2 == 2 {
					lon := 28 + float64(b[10])/32
					lat := 48 + float64(b[11])/64
					if b[11] == 0xff {
						lon, lat = math.NaN(), math.Inf(1)
					}
					inc.Place = backstop.Place{Lon: lon, Lat: lat, HasPoint: true}
				}
				if b[10]&1 == 1 {
					v := float64(b[11]) * 3
					if b[11] == 0xfe {
						v = math.NaN()
					}
					inc.Counts = map[string]float64{"launched": v, "shells": v}
				}
				ds, _ = e.Add(inc) // errors (out of order, bad conditions) are fine; panics are not
			}
			for _, d := range ds {
				if !valid[d.Kind] || d.Explanation == "" {
					t.Fatalf("decision %+v: unknown kind or no explanation", d)
				}
			}
		}
		_ = e.State()
	})
}
