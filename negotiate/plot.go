package negotiate

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"sort"
)

// PlotMaxCloud bounds the number of deals drawn as the background cloud.
const PlotMaxCloud = 20000

// WritePlot draws the utility space of parties X and Y (indices) as SVG: a
// cloud of the admissible deals (when the domain is small enough to
// enumerate), the Pareto frontier, the walk-away lines and the bargaining
// points.
func WritePlot(w io.Writer, p *Problem, a *Analysis, X, Y int) error {
	if len(p.Parties) < 2 {
		return fmt.Errorf("plot needs at least two parties")
	}
	if X < 0 || Y < 0 || X >= len(p.Parties) || Y >= len(p.Parties) || X == Y {
		return fmt.Errorf("plot: parties %d and %d: want two different parties of %d", X+1, Y+1, len(p.Parties))
	}
	var cloud [][2]float64
	if cloud == nil {
		if size, ok := p.Domain.SizeUint64(); ok && size <= PlotMaxCloud {
			o := make(Outcome, len(p.Domain.Issues))
			for r := uint64(0); r < size; r++ {
				o = p.Domain.Decode(r, o)
				if p.Feasible != nil && !p.Feasible(o) {
					continue
				}
				cloud = append(cloud, [2]float64{p.Parties[X].U.Utility(o), p.Parties[Y].U.Utility(o)})
			}
		}
	}
	const W, H, M = 640.0, 640.0, 60.0
	lo := [2]float64{min(0, a.Min[X]), min(0, a.Min[Y])}
	hi := [2]float64{max(1, a.Max[X]), max(1, a.Max[Y])}
	for k := range lo { // infinite bounds (approximate methods) fall back to [0,1]
		if math.IsInf(lo[k], 0) {
			lo[k] = 0
		}
		if math.IsInf(hi[k], 0) {
			hi[k] = 1
		}
	}
	x := func(u float64) float64 { return M + (u-lo[0])/(hi[0]-lo[0])*(W-2*M) }
	y := func(u float64) float64 { return H - M - (u-lo[1])/(hi[1]-lo[1])*(H-2*M) }
	pr := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	pr(`<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-family="sans-serif" font-size="12">`+"\n", W, H, W, H)
	pr(`<rect width="100%%" height="100%%" fill="white"/>` + "\n")
	pr(`<text x="%g" y="24" text-anchor="middle" font-size="15">%s: utility space and Pareto frontier</text>`+"\n", W/2, html.EscapeString(p.Domain.Name))
	pr(`<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#444"/>`+"\n", M, M, W-2*M, H-2*M)
	for k := 0; k <= 10; k++ {
		t := lo[0] + float64(k)/10*(hi[0]-lo[0])
		pr(`<text x="%.1f" y="%g" text-anchor="middle" font-size="10">%.1f</text>`+"\n", x(t), H-M+14, t)
		t = lo[1] + float64(k)/10*(hi[1]-lo[1])
		pr(`<text x="%g" y="%.1f" text-anchor="end" font-size="10">%.1f</text>`+"\n", M-6, y(t)+3, t)
	}
	pr(`<text x="%g" y="%g" text-anchor="middle">utility of %s</text>`+"\n", W/2, H-M+34, html.EscapeString(p.Parties[X].Name))
	pr(`<text x="18" y="%g" text-anchor="middle" transform="rotate(-90 18 %g)">utility of %s</text>`+"\n", H/2, H/2, html.EscapeString(p.Parties[Y].Name))
	for _, c := range cloud {
		pr(`<circle cx="%.1f" cy="%.1f" r="1.2" fill="#bbb"/>`+"\n", x(c[0]), y(c[1]))
	}
	pr(`<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", x(p.Parties[X].Reserved), M, x(p.Parties[X].Reserved), H-M)
	pr(`<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", M, y(p.Parties[Y].Reserved), W-M, y(p.Parties[Y].Reserved))
	fr := append([]Point(nil), a.Frontier...)
	sort.Slice(fr, func(i, j int) bool { return fr[i].Utilities[X] < fr[j].Utilities[X] })
	if len(fr) > 0 {
		pr(`<polyline fill="none" stroke="#1f5fbf" stroke-width="1.5" points="`)
		for _, f := range fr {
			pr("%.1f,%.1f ", x(f.Utilities[X]), y(f.Utilities[Y]))
		}
		pr(`"/>` + "\n")
		for _, f := range fr {
			pr(`<circle cx="%.1f" cy="%.1f" r="3" fill="#1f5fbf"/>`+"\n", x(f.Utilities[X]), y(f.Utilities[Y]))
		}
	}
	marks := []struct {
		name, color string
		pts         []Point
	}{{"Nash", "#d62", a.Nash}, {"Kalai-Smorodinsky", "#2a2", a.KalaiSmorodinsky}, {"egalitarian", "#92c", a.Egalitarian}, {"max welfare", "#000", a.MaxWelfare}}
	for i, m := range marks {
		for _, pt := range m.pts {
			pr(`<rect x="%.1f" y="%.1f" width="8" height="8" fill="none" stroke="%s" stroke-width="2"/>`+"\n", x(pt.Utilities[X])-4, y(pt.Utilities[Y])-4, m.color)
		}
		pr(`<rect x="%g" y="%g" width="8" height="8" fill="none" stroke="%s" stroke-width="2"/><text x="%g" y="%g">%s</text>`+"\n", W-M-130, M+10+float64(i)*16, m.color, W-M-116, M+18+float64(i)*16, m.name)
	}
	if len(p.Parties) > 2 {
		pr(`<text x="%g" y="%g" font-size="10">%d parties: the frontier is projected on these two (it need not look efficient here)</text>`+"\n", M+6, M+14, len(p.Parties))
	}
	pr("</svg>\n")
	return nil
}

// WritePlotFile writes WritePlot's SVG to a file.
func WritePlotFile(path string, p *Problem, a *Analysis, X, Y int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WritePlot(f, p, a, X, Y); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
