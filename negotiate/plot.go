package negotiate

import (
	"fmt"
	"html"
	"io"
	"os"
	"sort"
)

// PlotMaxCloud bounds the number of deals drawn as the background cloud.
const PlotMaxCloud = 20000

// WritePlot draws the utility space of the first two parties as SVG: a
// cloud of deals (when the domain is small enough to enumerate), the Pareto
// frontier, the walk-away lines and the bargaining points. cloud may be nil.
func WritePlot(w io.Writer, p *Problem, a *Analysis, cloud [][2]float64) error {
	if len(p.Parties) < 2 {
		return fmt.Errorf("plot needs at least two parties")
	}
	if cloud == nil {
		if size, ok := p.Domain.SizeUint64(); ok && size <= PlotMaxCloud {
			o := make(Outcome, len(p.Domain.Issues))
			for r := uint64(0); r < size; r++ {
				o = p.Domain.Decode(r, o)
				if p.Feasible != nil && !p.Feasible(o) {
					continue
				}
				cloud = append(cloud, [2]float64{p.Parties[0].U.Utility(o), p.Parties[1].U.Utility(o)})
			}
		}
	}
	const W, H, M = 640.0, 640.0, 60.0
	lo := [2]float64{min(0, a.Min[0]), min(0, a.Min[1])}
	hi := [2]float64{max(1, a.Max[0]), max(1, a.Max[1])}
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
	pr(`<text x="%g" y="%g" text-anchor="middle">utility of %s</text>`+"\n", W/2, H-M+34, html.EscapeString(p.Parties[0].Name))
	pr(`<text x="18" y="%g" text-anchor="middle" transform="rotate(-90 18 %g)">utility of %s</text>`+"\n", H/2, H/2, html.EscapeString(p.Parties[1].Name))
	for _, c := range cloud {
		pr(`<circle cx="%.1f" cy="%.1f" r="1.2" fill="#bbb"/>`+"\n", x(c[0]), y(c[1]))
	}
	pr(`<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", x(p.Parties[0].Reserved), M, x(p.Parties[0].Reserved), H-M)
	pr(`<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="#c33" stroke-dasharray="4 3"/>`+"\n", M, y(p.Parties[1].Reserved), W-M, y(p.Parties[1].Reserved))
	fr := append([]Point(nil), a.Frontier...)
	sort.Slice(fr, func(i, j int) bool { return fr[i].Utilities[0] < fr[j].Utilities[0] })
	if len(fr) > 0 {
		pr(`<polyline fill="none" stroke="#1f5fbf" stroke-width="1.5" points="`)
		for _, f := range fr {
			pr("%.1f,%.1f ", x(f.Utilities[0]), y(f.Utilities[1]))
		}
		pr(`"/>` + "\n")
		for _, f := range fr {
			pr(`<circle cx="%.1f" cy="%.1f" r="3" fill="#1f5fbf"/>`+"\n", x(f.Utilities[0]), y(f.Utilities[1]))
		}
	}
	marks := []struct {
		name, color string
		pts         []Point
	}{{"Nash", "#d62", a.Nash}, {"Kalai-Smorodinsky", "#2a2", a.KalaiSmorodinsky}, {"egalitarian", "#92c", a.Egalitarian}, {"max welfare", "#000", a.MaxWelfare}}
	for i, m := range marks {
		for _, pt := range m.pts {
			pr(`<rect x="%.1f" y="%.1f" width="8" height="8" fill="none" stroke="%s" stroke-width="2"/>`+"\n", x(pt.Utilities[0])-4, y(pt.Utilities[1])-4, m.color)
		}
		pr(`<rect x="%g" y="%g" width="8" height="8" fill="none" stroke="%s" stroke-width="2"/><text x="%g" y="%g">%s</text>`+"\n", W-M-130, M+10+float64(i)*16, m.color, W-M-116, M+18+float64(i)*16, m.name)
	}
	if len(p.Parties) > 2 {
		pr(`<text x="%g" y="%g" font-size="10">%d parties: the first two are drawn</text>`+"\n", M+6, M+14, len(p.Parties))
	}
	pr("</svg>\n")
	return nil
}

// WritePlotFile writes WritePlot's SVG to a file.
func WritePlotFile(path string, p *Problem, a *Analysis, cloud [][2]float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WritePlot(f, p, a, cloud); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
