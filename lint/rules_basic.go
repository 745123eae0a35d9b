package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/backstop-dev/backstop/agreement"
)

// satisfiable reports whether some deal with the fixed term values makes
// every condition true, and returns one such assignment (a copy) with the
// space it was drawn from.
func (c *checker) satisfiable(fixed map[string]any, es ...*agreement.Expr) (bool, map[string]any, space) {
	var ids []string
	for _, id := range exprTerms(es...) {
		if _, ok := fixed[id]; !ok {
			ids = append(ids, id)
		}
	}
	s := c.project(ids)
	var hit map[string]any
	c.each(s, func(terms map[string]any) bool {
		for k, v := range fixed {
			terms[k] = v
		}
		for _, e := range es {
			if !inForce(e, terms) {
				return true
			}
		}
		hit = make(map[string]any, len(terms))
		for k, v := range terms {
			hit[k] = v
		}
		return false
	})
	return hit != nil, hit, s
}

func ruleObligationWithoutDeadline(c *checker) {
	for _, p := range c.doc.Provisions {
		if p.Kind == agreement.Obligation && p.Deadline == 0 {
			c.warn(p.Pos, "add `deadline:` with the time the party has to comply, e.g. `deadline: 30d`",
				"obligation %q has no deadline", p.ID)
		}
	}
	for _, s := range c.doc.Protocol.Stages {
		for _, o := range s.Obligations {
			if o.Within == 0 {
				c.warn(o.Pos, "add `within:` with the time allowed after the stage opens, e.g. `within: 72h`",
					"obligation %q of stage %q has no deadline (within)", o.ID, s.ID)
			}
		}
	}
}

// conditioned is an element with an in_force condition.
type conditioned struct {
	what string
	id   string
	e    *agreement.Expr
	pos  agreement.Pos
}

func (c *checker) conditioned() []conditioned {
	var out []conditioned
	for _, p := range c.doc.Provisions {
		out = append(out, conditioned{"provision", p.ID, p.InForceExpr(), p.Pos})
	}
	for _, t := range c.doc.Triggers {
		out = append(out, conditioned{"trigger", t.ID, t.InForceExpr(), t.Pos})
	}
	for _, s := range c.doc.Protocol.Stages {
		for _, o := range s.Obligations {
			out = append(out, conditioned{"obligation", o.ID, o.InForceExpr(), o.Pos})
		}
	}
	return out
}

func ruleNeverInForce(c *checker) {
	for _, x := range c.conditioned() {
		if x.e == nil {
			continue
		}
		s := c.project(x.e.Terms)
		some, failed := false, false
		complete := c.each(s, func(terms map[string]any) bool {
			ok, err := x.e.Eval(map[string]any{"terms": terms})
			some, failed = err == nil && ok, err != nil
			return !some && !failed
		})
		if !some && !failed && complete {
			c.warn(c.fieldPos(x.pos, "in_force"), "correct the condition, or delete the clause if no deal should carry it",
				"%s %q is never in force: `%s` is false under every one of the %d deals", x.what, x.id, strings.TrimSpace(x.e.Source), s.size*s.rest)
		}
	}
}

func ruleInForceError(c *checker) {
	for _, x := range c.conditioned() {
		if x.e == nil {
			continue
		}
		s := c.project(x.e.Terms)
		c.each(s, func(terms map[string]any) bool {
			if _, err := x.e.Eval(map[string]any{"terms": terms}); err != nil {
				c.warn(c.fieldPos(x.pos, "in_force"), "compare each term with a value of its own type (enum: a listed string, bool: true/false, int: a number)",
					"the in_force condition of %s %q fails under %s: %v", x.what, x.id, describe(s, terms), err)
				return false
			}
			return true
		})
	}
}

// openers returns the consultation and invocation triggers that open stage
// s, directly or by opening a stage that follows it.
func (c *checker) openers(s *agreement.Stage) []*agreement.Trigger {
	var out []*agreement.Trigger
	for _, t := range c.doc.Triggers {
		if t.Effect != agreement.Consult && t.Effect != agreement.Invoke {
			continue
		}
		seen := map[string]bool{}
		for id := t.Stage; id != "" && !seen[id]; {
			seen[id] = true
			if id == s.ID {
				out = append(out, t)
				break
			}
			st := c.doc.Stage(id)
			if st == nil {
				break
			}
			id = st.Follows
		}
	}
	return out
}

func ruleUnreachableStage(c *checker) {
	for _, s := range c.doc.Protocol.Stages {
		if len(c.openers(s)) == 0 {
			c.warn(s.Pos, fmt.Sprintf("add a consultation or invocation trigger with `stage: %s`, or make a stage that is opened follow it", s.ID),
				"no trigger opens stage %q, so its %s never owed", s.ID, plural(int64(len(s.Obligations)), "obligation is", "obligations are"))
		}
	}
}

// possiblyOwed reports whether obligation o is owed under some deal with
// the fixed term values: in force, and for a stage obligation with some
// trigger that opens its stage in force under the same deal.
func (c *checker) possiblyOwed(o obligation, fixed map[string]any) bool {
	if o.stage == nil {
		ok, _, _ := c.satisfiable(fixed, o.inForce)
		return ok
	}
	for _, t := range c.openers(o.stage) {
		if ok, _, _ := c.satisfiable(fixed, o.inForce, t.InForceExpr()); ok {
			return true
		}
	}
	return false
}

func ruleGuarantorWithoutObligation(c *checker) {
	obls := c.obligations()
	for _, g := range c.doc.Guarantors() {
		owes := false
		var collective []string
		for _, o := range obls {
			owers := c.doc.ExpandParties(o.parties)
			if slices.Contains(owers, g.ID) && c.possiblyOwed(o, nil) {
				owes = true
				break
			}
			for _, id := range owers {
				if p := c.doc.Party(id); p != nil && p.Kind == "coalition" && slices.Contains(p.Members, g.ID) {
					collective = appendNew(collective, fmt.Sprintf("%s (owed by %s)", o.id, id))
				}
			}
		}
		if owes {
			continue
		}
		msg := fmt.Sprintf("guarantor %q owes nothing at any stage under any deal", g.ID)
		if len(collective) > 0 {
			msg += "; it is a member of a coalition that owes " + strings.Join(collective, ", ") + " collectively, which binds no member in particular"
		}
		c.warn(g.Pos, fmt.Sprintf("give %s an obligation with an action and a deadline in a protocol stage (or list it in `parties:` of one), or drop the guarantor role", g.ID), "%s", msg)
	}
}

// formTerms returns the guarantee-form terms: Options.FormTerm, or every
// enum term whose id contains "form".
func (c *checker) formTerms() []*agreement.Term {
	if c.opts.FormTerm != "" {
		if t := c.doc.Term(c.opts.FormTerm); t != nil {
			return []*agreement.Term{t}
		}
		return nil
	}
	var out []*agreement.Term
	for _, t := range c.doc.Terms {
		if t.Type == agreement.Enum && strings.Contains(strings.ToLower(t.ID), "form") {
			out = append(out, t)
		}
	}
	return out
}

func ruleFormWithoutObligation(c *checker) {
	obls := c.obligations()
	for _, t := range c.formTerms() {
		for _, v := range t.Domain() {
			fixed := map[string]any{t.ID: v}
			owed := false
			for _, o := range obls {
				if c.possiblyOwed(o, fixed) {
					owed = true
					break
				}
			}
			if !owed {
				c.warn(t.Pos, fmt.Sprintf("give the %s form at least one obligation with an action and a deadline, or drop the value if it is not a guarantee", v),
					"under %s=%v no obligation can become owed at any stage: a guarantee form that obliges nobody to do anything", t.ID, v)
			}
		}
	}
}

func ruleUnusedParty(c *checker) {
	used := map[string]bool{}
	keyword := false
	mark := func(ids []string) {
		for _, id := range ids {
			if id == "guarantors" {
				keyword = true
			}
			used[id] = true
		}
	}
	for _, p := range c.doc.Provisions {
		mark(p.Parties)
	}
	for _, t := range c.doc.Triggers {
		mark(t.Actors)
	}
	for _, s := range c.doc.Protocol.Stages {
		for _, o := range s.Obligations {
			mark(o.Parties)
		}
	}
	for _, p := range c.doc.Parties {
		if p.Kind == "coalition" {
			mark(p.Members)
		}
	}
	for _, t := range c.doc.Tests {
		for _, inc := range t.Incidents {
			mark([]string{inc.Actor})
		}
	}
	for _, p := range c.doc.Parties {
		switch {
		case used[p.ID], p.Has(agreement.Beneficiary):
			// The beneficiary is what the agreement protects.
		case p.Has(agreement.Guarantor):
			// guarantor-without-obligation says more.
			_ = keyword
		default:
			c.warn(p.Pos, fmt.Sprintf("bind %s in a provision, make it an obligation's party or a trigger's actor, or remove it", p.ID),
				"party %q is not referred to by any provision, trigger, obligation, coalition or test", p.ID)
		}
	}
}

func ruleUnusedZone(c *checker) {
	// Roots: zones the clauses, territories, thresholds and tests name.
	used := map[string]bool{}
	var queue []string
	mark := func(ids ...string) {
		for _, id := range ids {
			if parent := c.splitParent(id); parent != "" {
				id = parent
			}
			if id != "" && !used[id] {
				used[id] = true
				queue = append(queue, id)
			}
		}
	}
	for _, p := range c.doc.Parties {
		mark(p.Territory)
	}
	for _, p := range c.doc.Provisions {
		mark(p.Zones...)
	}
	for _, t := range c.doc.Triggers {
		mark(t.Zones...)
		if t.Threshold != nil {
			for _, per := range t.Threshold.Per {
				if z, ok := strings.CutPrefix(per, "zone:"); ok {
					mark(z)
				}
			}
		}
	}
	for _, s := range c.doc.Protocol.Stages {
		for _, o := range s.Obligations {
			mark(o.Zones...)
		}
	}
	for _, t := range c.doc.Tests {
		for _, inc := range t.Incidents {
			mark(inc.Zones...)
		}
	}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if z := c.doc.ZoneSpec(id); z != nil {
			mark(z.Deps()...)
		}
	}
	for _, z := range c.doc.ZoneSpecs {
		if !used[z.ID] {
			c.warn(z.Pos, "use the zone in the provision or trigger it was meant for, or remove it",
				"zone %q is not used by any provision, trigger, obligation, territory, threshold or test", z.ID)
		}
	}
}

// splitParent returns the split zone a child zone belongs to, or "".
func (c *checker) splitParent(id string) string {
	if c.doc.ZoneSpec(id) != nil {
		return ""
	}
	for _, z := range c.doc.ZoneSpecs {
		if slices.Contains(c.doc.ZoneChildren(z.ID), id) {
			return z.ID
		}
	}
	return ""
}

func ruleUnusedTerm(c *checker) {
	used := map[string]bool{}
	for _, x := range c.conditioned() {
		for _, id := range exprTerms(x.e) {
			used[id] = true
		}
	}
	for _, p := range c.doc.Provisions {
		for _, id := range exprTerms(p.WhenExpr()) {
			used[id] = true
		}
	}
	for _, t := range c.doc.Triggers {
		for _, id := range exprTerms(t.WhenExpr()) {
			used[id] = true
		}
	}
	for _, z := range c.doc.ZoneSpecs {
		if z.Buffer != nil {
			if _, err := strconv.ParseFloat(z.Buffer.Km, 64); err != nil {
				used[z.Buffer.Km] = true
			}
		}
	}
	for _, t := range c.doc.Tests {
		for id := range t.Terms {
			used[id] = true
		}
	}
	for _, t := range c.doc.Terms {
		if !used[t.ID] {
			c.warn(t.Pos, fmt.Sprintf("make the clauses that depend on %s say so with `in_force: terms.%s ...`, or remove the term", t.ID, t.ID),
				"term %q is read by no condition, buffer width or test, so its value changes nothing", t.ID)
		}
	}
}
