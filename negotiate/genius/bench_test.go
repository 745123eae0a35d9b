package genius

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/backstop-dev/backstop/internal/shareddata"
	"github.com/backstop-dev/backstop/negotiate"
)

// BenchmarkANAC times frontier + bargaining points on the largest shared
// ANAC domains, with the additive programme and with enumeration (the
// baseline, which is also how the reference tool works).
func BenchmarkANAC(b *testing.B) {
	root := shareddata.Path(b, "negotiation", "scenarios")
	for _, dom := range []string{"anac/y2012/TravelB", "anac/y2011/Energy", "anac/y2012/SupermarketB", "other/AMPOvsCity"} {
		s, err := LoadDir(filepath.Join(root, dom))
		if err != nil {
			b.Fatal(err)
		}
		p := s.Problem()
		for _, m := range []string{"additive", "enumerate"} {
			b.Run(dom+"/"+m, func(b *testing.B) {
				for b.Loop() {
					if _, err := negotiate.Analyze(context.Background(), p, negotiate.Options{Method: m}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
