package negotiate

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

func (pos *Positions) partyName(id string) string {
	for _, p := range pos.Parties {
		if p.Party == id {
			return p.Name
		}
	}
	return id
}

func redLineList(rs []*RedLine) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = fmt.Sprintf("%s (%s)", r.ID, r.Party)
	}
	return strings.Join(s, " + ")
}

// termsOf names the terms a red line reads.
func (pos *Positions) termsOf(r *RedLine) string {
	s := make([]string, len(r.Terms))
	for i, t := range r.Terms {
		s[i] = pos.Terms[t].ID
	}
	return strings.Join(s, ", ")
}

// describeDeal writes a deal one term per line.
func (pos *Positions) describeDeal(w io.Writer, indent string, o Outcome, u []float64) {
	for i, is := range pos.Domain.Issues {
		unit := ""
		if pos.Terms[i].Unit != "" {
			unit = " " + pos.Terms[i].Unit
		}
		fmt.Fprintf(w, "%s%-22s %s%s\n", indent, is.Name, is.Values[o[i]], unit)
	}
	parts := make([]string, len(u))
	for i, x := range u {
		parts[i] = fmt.Sprintf("%s %s", pos.Parties[i].Party, fmtU(x))
	}
	fmt.Fprintf(w, "%sutilities: %s\n", indent, strings.Join(parts, ", "))
}

// WriteReport writes the analysis of positions for an analyst: who wants
// what, whether a zone of agreement exists, what blocks it, every minimal
// relaxation that would open one and what deals then look like, and how
// robust the recommended deals are.
func (pos *Positions) WriteReport(w io.Writer, a *Analysis, d *Deadlock, rob *Robustness) {
	fmt.Fprintf(w, "Negotiation over the terms of %s (positions: %s)\n", pos.Agreement, filepath.Base(pos.Path))
	if pos.Note != "" {
		fmt.Fprintf(w, "NOTE: %s\n", pos.Note)
	}
	fmt.Fprintf(w, "\n%d terms, %s possible deals. Red lines checked by %s.\n", len(pos.Terms), pos.Domain.Size(), d.Path)
	fmt.Fprintln(w, "\nParties, walk-away values and red lines:")
	for _, p := range pos.Parties {
		fmt.Fprintf(w, "  %s — %s: walk-away utility %s\n", p.Party, p.Name, fmtU(p.WalkAway))
		for _, r := range p.RedLines {
			fmt.Fprintf(w, "    red line %s: %s\n      requires %s   (relaxation cost %g)\n", r.ID, r.Text, r.Require, r.RelaxCost)
		}
	}
	fmt.Fprintln(w)
	if d.Zone != 0 {
		if d.Zone > 0 {
			fmt.Fprintf(w, "Zone of agreement: %d deals meet every red line and every walk-away value.\n", d.Zone)
		} else {
			fmt.Fprintln(w, "Zone of agreement: not empty (found by SAT; not counted).")
		}
		if a != nil {
			pos.writePoints(w, a, "  ")
		}
		pos.writeRobustness(w, rob)
		return
	}
	fmt.Fprintln(w, "Zone of agreement: NONE. No deal meets every party's red lines and walk-away value.")
	if len(d.Conflicts) > 0 {
		fmt.Fprintln(w, "\nDeadlock: these red lines exclude each other — no deal satisfies both, whatever the weights:")
		for _, c := range d.Conflicts {
			fmt.Fprintf(w, "  %s (%s) versus %s (%s), over %s:\n    %q\n    %q\n",
				c[0].ID, c[0].Party, c[1].ID, c[1].Party, pos.termsOf(c[0]), c[0].Text, c[1].Text)
		}
	}
	if d.WalkAwayBlocks {
		fmt.Fprintln(w, "\nEven with every red line relaxed, no deal gives every party its walk-away value: the walk-away values themselves must move.")
		return
	}
	fmt.Fprintf(w, "\nWhat would unlock it: every minimal set of red lines whose relaxation opens a zone of agreement\n(cost = sum of the relaxation costs stated in the positions; illustrative):\n")
	for i, r := range d.Minimal {
		zone := "a zone of agreement opens"
		if r.Zone >= 0 {
			zone = fmt.Sprintf("%d deals become acceptable to every party", r.Zone)
		}
		fmt.Fprintf(w, "  %d. relax %s — cost %g: %s.\n", i+1, redLineList(r.RedLines), r.Cost, zone)
		for _, rl := range r.RedLines {
			fmt.Fprintf(w, "     (%s gives up: %s)\n", pos.partyName(rl.Party), rl.Text)
		}
		if r.Analysis != nil && len(r.Analysis.Nash) > 0 {
			more := ""
			if len(r.Analysis.Nash) > 1 {
				more = fmt.Sprintf(" (one of %d tied)", len(r.Analysis.Nash))
			}
			fmt.Fprintf(w, "     The deal that then maximises the product of gains over walk-away (Nash)%s:\n", more)
			pos.describeDeal(w, "       ", r.Analysis.Nash[0].Outcome, r.Analysis.Nash[0].Utilities)
		}
	}
	if len(d.Cheapest) > 0 {
		names := make([]string, len(d.Cheapest))
		for i, c := range d.Cheapest {
			names[i] = fmt.Sprintf("%d (%s)", c+1, redLineList(d.Minimal[c].RedLines))
		}
		fmt.Fprintf(w, "\nCheapest relaxation by the stated costs: %s.\n", strings.Join(names, "; "))
		c := d.Minimal[d.Cheapest[0]]
		if c.Analysis != nil {
			fmt.Fprintf(w, "Once %s is relaxed: %d Pareto-efficient deals; the fair points:\n", redLineList(c.RedLines), len(c.Analysis.Frontier))
			pos.writePoints(w, c.Analysis, "  ")
		}
	}
	pos.writeRobustness(w, rob)
}

func (pos *Positions) writePoints(w io.Writer, a *Analysis, indent string) {
	for _, s := range []struct {
		name string
		pts  []Point
	}{
		{"Nash (max product of gains over walk-away)", a.Nash},
		{"Kalai-Smorodinsky (equal share of each party's best)", a.KalaiSmorodinsky},
		{"egalitarian (max smallest gain)", a.Egalitarian},
		{"maximum welfare (max sum of utilities)", a.MaxWelfare},
	} {
		if len(s.pts) == 0 {
			continue
		}
		more := ""
		if len(s.pts) > 1 {
			more = fmt.Sprintf(", %d tied deals; first shown", len(s.pts))
		}
		fmt.Fprintf(w, "%s%s%s:\n", indent, s.name, more)
		pos.describeDeal(w, indent+"  ", s.pts[0].Outcome, s.pts[0].Utilities)
	}
}

func (pos *Positions) writeRobustness(w io.Writer, rob *Robustness) {
	if rob == nil || len(rob.Candidates) == 0 {
		return
	}
	fmt.Fprintf(w, "\nRobustness: %d samples of the stated uncertainty ranges (seed %d). Share of samples in which each deal\nstays acceptable to every party, stays Pareto-efficient, and both:\n", rob.Samples, rob.Seed)
	for _, c := range rob.Candidates {
		fmt.Fprintf(w, "  %-20s acceptable %5.1f%%  efficient %5.1f%%  both %5.1f%%\n", c.Label, 100*c.Acceptable, 100*c.Efficient, 100*c.Both)
	}
}
