package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/peterstace/simplefeatures/geom"

	"github.com/backstop-dev/backstop/agreement"
)

// DefaultMaxDeals bounds how many term assignments a rule enumerates for one
// question (the projection of the deal space on the terms the question
// reads). Beyond it the rule answers from the first DefaultMaxDeals
// assignments and says so.
const DefaultMaxDeals = 1 << 17

// DefaultMaxZoneBuilds bounds how many distinct deals the geometric rules
// build zones for; building national and oblast zones is the costly part of
// a check.
const DefaultMaxZoneBuilds = 16

// ZoneSet is the geometry the geometric rules need. *agreement.ZoneSet, the
// zones of a document under one deal, implements it.
type ZoneSet interface {
	// Geometry returns the geometry of a zone (split children included).
	Geometry(id string) (geom.Geometry, bool)
}

// Options controls a check.
type Options struct {
	// Disable lists rule ids not to run.
	Disable []string
	// FormTerm names the term whose values are the forms of the guarantee
	// (for form-without-obligation); by default every enum term whose id
	// contains "form".
	FormTerm string
	// Deal, when set, restricts the geometric rules (uncovered-territory)
	// to this deal instead of every deal the terms allow.
	Deal *agreement.Deal
	// Zones builds the zones of the document under a deal; nil uses the
	// document's own builder (doc.Zones). Tests substitute fixed geometry.
	Zones func(deal *agreement.Deal) (ZoneSet, error)
	// MaxDeals and MaxZoneBuilds override DefaultMaxDeals and
	// DefaultMaxZoneBuilds when positive.
	MaxDeals      int64
	MaxZoneBuilds int
}

// Rule describes one lint rule.
type Rule struct {
	// ID is the kebab-case name findings carry and --disable takes.
	ID string
	// Summary says what the rule finds; Why why it matters.
	Summary string
	Why     string
	run     func(c *checker)
}

// Rules lists every rule in the order they run.
var Rules = []Rule{
	{ID: "obligation-without-deadline",
		Summary: "an obligation (provision or protocol stage obligation) has no deadline or `within`",
		Why:     "an obligation without a deadline can be met by doing nothing for ever, so no one can ever be shown to be in breach",
		run:     ruleObligationWithoutDeadline},
	{ID: "trigger-without-threshold",
		Summary: "a consultation or invocation trigger fires on a single incident of a kind that happens in small numbers all the time, or of a kind nobody verifies",
		Why:     "a trigger that one shell or one unverified report can fire will either fire every day or be ignored, and both empty the guarantee",
		run:     ruleTriggerWithoutThreshold},
	{ID: "trigger-without-verification",
		Summary: "a trigger counts incident kinds that no verification rule covers",
		Why:     "without a verification rule any single report counts as a verified incident, so the trigger can be fired (or disputed) by rumour",
		run:     ruleTriggerWithoutVerification},
	{ID: "invocation-weak-verification",
		Summary: "an invocation trigger accepts incidents established by a single source that the opposing side need not confirm",
		Why:     "the gravest step of the protocol should rest on evidence the accused side cannot simply deny as a one-source fabrication",
		run:     ruleInvocationWeakVerification},
	{ID: "uncovered-incident-kind",
		Summary: "hostile incident kinds of the taxonomy that no trigger or prohibition covers",
		Why:     "an act the agreement does not name (a cyber operation, sabotage, a blockade) is an attack the guarantee silently permits",
		run:     ruleUncoveredKind},
	{ID: "salami-threshold",
		Summary: "a threshold that steady activity just below it, or activity split across zones or actors, never reaches, with no other trigger catching that activity",
		Why:     "salami tactics, many small attacks each below the bar, can grind on indefinitely without ever engaging the guarantee",
		run:     ruleSalami},
	{ID: "uncovered-territory",
		Summary: "part of the beneficiary's territory lies in no zone that a prohibition or trigger uses",
		Why:     "attacks on territory that no zone covers trigger nothing, so the guarantee protects less than the beneficiary's territory",
		run:     ruleUncoveredTerritory},
	{ID: "contradiction",
		Summary: "an obligation that a prohibition forbids to the same party in an overlapping zone, under some deal",
		Why:     "a party bound both to do and not to do the same act cannot honour the agreement, and either side can point to a breach",
		run:     ruleContradiction},
	{ID: "never-in-force",
		Summary: "a provision, trigger or stage obligation whose in_force condition is false under every deal",
		Why:     "a clause that can never apply is dead text that readers will mistake for protection",
		run:     ruleNeverInForce},
	{ID: "in-force-error",
		Summary: "an in_force condition that fails to evaluate under some deal",
		Why:     "monitoring cannot decide whether the clause applies under that deal and will stop with an error",
		run:     ruleInForceError},
	{ID: "unreachable-stage",
		Summary: "a protocol stage that no trigger opens, directly or through a later stage that follows it",
		Why:     "the obligations of a stage nothing opens are never owed",
		run:     ruleUnreachableStage},
	{ID: "unused-party",
		Summary: "a party that no provision, trigger, obligation, coalition or test refers to",
		Why:     "a party that nothing binds, protects or obliges is a name on paper that suggests commitments that do not exist",
		run:     ruleUnusedParty},
	{ID: "unused-zone",
		Summary: "a zone that no provision, trigger, obligation, territory, threshold, test or used zone refers to",
		Why:     "an unused zone usually means a clause meant to use it names another zone, or nothing",
		run:     ruleUnusedZone},
	{ID: "unused-term",
		Summary: "a term that no condition, buffer width or test reads",
		Why:     "negotiating a term that changes nothing in the agreement wastes concessions and hides a missing clause",
		run:     ruleUnusedTerm},
	{ID: "guarantor-without-obligation",
		Summary: "a guarantor that owes nothing at any stage under any deal",
		Why:     "a guarantor that owes nothing guarantees nothing: the seeds' question is who does what, and this one does nothing",
		run:     ruleGuarantorWithoutObligation},
	{ID: "form-without-obligation",
		Summary: "a value of a guarantee-form term under which no obligation at all can become owed",
		Why:     "an Article 5-like promise that obliges nobody to do anything is a declaration, not a guarantee",
		run:     ruleFormWithoutObligation},
}

// RuleByID returns the rule with the given id.
func RuleByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Check runs every rule not disabled in opts over doc and returns the
// findings sorted by position. It never fails: a rule that cannot decide
// (a zone that cannot be built) skips that question.
func Check(doc *agreement.Doc, opts Options) agreement.Diagnostics {
	if doc == nil {
		return nil
	}
	c := newChecker(doc, opts)
	for _, r := range Rules {
		if slices.Contains(opts.Disable, r.ID) {
			continue
		}
		c.rule = r
		r.run(c)
	}
	c.out.Sort()
	return c.out
}

// checker carries one run of the rules.
type checker struct {
	doc      *agreement.Doc
	opts     Options
	rule     Rule
	out      agreement.Diagnostics
	maxDeals int64
	zones    func(*agreement.Deal) (ZoneSet, error)
	zcache   map[string]zoneResult
}

type zoneResult struct {
	zs  ZoneSet
	err error
}

func newChecker(doc *agreement.Doc, opts Options) *checker {
	c := &checker{doc: doc, opts: opts, maxDeals: DefaultMaxDeals, zcache: map[string]zoneResult{}}
	if opts.MaxDeals > 0 {
		c.maxDeals = opts.MaxDeals
	}
	c.zones = opts.Zones
	if c.zones == nil {
		c.zones = docZones(doc)
	}
	return c
}

// report records a finding of the running rule.
func (c *checker) report(pos agreement.Pos, sev, msg, fix string) {
	c.out = append(c.out, agreement.Diagnostic{
		Pos:      pos,
		Severity: sev,
		Rule:     c.rule.ID,
		Message:  msg,
		Why:      c.rule.Why,
		Fix:      fix,
	})
}

func (c *checker) warn(pos agreement.Pos, fix, format string, args ...any) {
	c.report(pos, agreement.SevWarning, fmt.Sprintf(format, args...), fix)
}

// fieldPos returns the position of key inside the element (list item)
// that starts at pos, or pos when the key is not found. It reads the
// source: an element's fields are the lines indented at least as far as
// the element's first field.
func (c *checker) fieldPos(pos agreement.Pos, key string) agreement.Pos {
	src := c.doc.Source[pos.File]
	if src == nil || pos.Line <= 0 || pos.Col <= 0 {
		return pos
	}
	lines := strings.Split(string(src), "\n")
	if pos.Line > len(lines) {
		return pos
	}
	first := lines[pos.Line-1]
	// Flow mapping on one line: {id: x, key: ...}.
	if pos.Col-1 < len(first) {
		rest := first[pos.Col-1:]
		for _, pre := range []string{"{" + key + ":", ", " + key + ":", "," + key + ":", "{ " + key + ":"} {
			if i := strings.Index(rest, pre); i >= 0 {
				return agreement.Pos{File: pos.File, Line: pos.Line, Col: pos.Col + i + len(pre) - len(key) - 1}
			}
		}
	}
	for i := pos.Line - 1; i < len(lines); i++ {
		l := strings.TrimRight(lines[i], "\r")
		trimmed := strings.TrimLeft(l, " ")
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(l) - len(trimmed)
		if i > pos.Line-1 && indent < pos.Col-1 {
			break
		}
		col := indent
		if i == pos.Line-1 {
			col = pos.Col - 1
			if col > len(l) {
				break
			}
			trimmed = l[col:]
		}
		if col == pos.Col-1 && strings.HasPrefix(trimmed, key+":") {
			return agreement.Pos{File: pos.File, Line: i + 1, Col: col + 1}
		}
	}
	return pos
}

// topPos returns the position of a top-level key of the document, or the
// document's first line.
func (c *checker) topPos(key string) agreement.Pos {
	file := c.doc.Path
	src := c.doc.Source[file]
	for i, l := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(l, key+":") {
			return agreement.Pos{File: file, Line: i + 1, Col: 1}
		}
	}
	return agreement.Pos{File: file, Line: 1, Col: 1}
}

// ---- deals ----

// space is the projection of the deal space on some terms.
type space struct {
	terms []*agreement.Term
	// rest is the number of full deals each assignment stands for (the
	// product of the domain sizes of the other terms).
	rest int64
	size int64
}

// project returns the space of assignments of the given terms (ids that are
// not terms are ignored), in document order.
func (c *checker) project(ids ...[]string) space {
	want := map[string]bool{}
	for _, l := range ids {
		for _, id := range l {
			want[id] = true
		}
	}
	s := space{rest: 1, size: 1}
	for _, t := range c.doc.Terms {
		n := int64(len(t.Domain()))
		if want[t.ID] {
			s.terms = append(s.terms, t)
			s.size = satMul(s.size, n)
		} else {
			s.rest = satMul(s.rest, n)
		}
	}
	return s
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > (1<<62)/b {
		return 1 << 62
	}
	return a * b
}

// each calls fn for every assignment of the space's terms (at most
// c.maxDeals of them), with the other terms absent, until fn returns
// false. It reports whether it saw the whole space.
func (c *checker) each(s space, fn func(terms map[string]any) bool) bool {
	doms := make([][]any, len(s.terms))
	for i, t := range s.terms {
		doms[i] = t.Domain()
		if len(doms[i]) == 0 {
			return true
		}
	}
	idx := make([]int, len(s.terms))
	terms := make(map[string]any, len(c.doc.Terms))
	// Terms outside the space still need a value: an expression that reads
	// only its own terms never looks at them, but a nil map entry would
	// turn a typo into a runtime error. Fill with each term's first value.
	for _, t := range c.doc.Terms {
		if d := t.Domain(); len(d) > 0 {
			terms[t.ID] = d[0]
		}
	}
	var n int64
	for {
		if n >= c.maxDeals {
			return false
		}
		n++
		for i, t := range s.terms {
			terms[t.ID] = doms[i][idx[i]]
		}
		if !fn(terms) {
			return true
		}
		i := len(idx) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(doms[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return true
		}
	}
}

// describe renders an assignment of the space's terms: "form=defence,
// width_km=10 (any value of the other 3 terms)".
func describe(s space, terms map[string]any) string {
	if len(s.terms) == 0 {
		return "every deal"
	}
	parts := make([]string, len(s.terms))
	for i, t := range s.terms {
		parts[i] = fmt.Sprintf("%s=%v", t.ID, terms[t.ID])
	}
	return strings.Join(parts, ", ")
}

// inForce evaluates an in_force condition; evaluation errors count as "not
// in force" (in-force-error reports them).
func inForce(e *agreement.Expr, terms map[string]any) bool {
	ok, err := e.Eval(map[string]any{"terms": terms})
	return err == nil && ok
}

func exprTerms(es ...*agreement.Expr) []string {
	var out []string
	for _, e := range es {
		if e != nil {
			out = append(out, e.Terms...)
		}
	}
	return out
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ---- parties ----

// bound returns the parties a provision's party list binds: "guarantors"
// expanded, and a coalition's members bound with it.
func (c *checker) bound(ids []string) []string {
	var out []string
	for _, id := range c.doc.ExpandParties(ids) {
		out = appendNew(out, id)
		if p := c.doc.Party(id); p != nil && p.Kind == "coalition" {
			for _, m := range p.Members {
				if c.doc.Party(m) != nil {
					out = appendNew(out, m)
				}
			}
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// obligation is a provision obligation or a stage obligation, seen alike.
type obligation struct {
	id      string
	what    string // "obligation"
	of      string // "" or ` of stage "x"`
	parties []string
	action  string
	zones   []string
	inForce *agreement.Expr
	pos     agreement.Pos
	stage   *agreement.Stage // nil for a provision
}

func (c *checker) obligations() []obligation {
	var out []obligation
	for _, p := range c.doc.Provisions {
		if p.Kind == agreement.Obligation {
			out = append(out, obligation{id: p.ID, what: "obligation", parties: p.Parties, action: p.Action,
				zones: p.Zones, inForce: p.InForceExpr(), pos: p.Pos})
		}
	}
	for _, s := range c.doc.Protocol.Stages {
		for _, o := range s.Obligations {
			out = append(out, obligation{id: o.ID, what: "obligation", of: fmt.Sprintf(" of stage %q", s.ID), parties: o.Parties,
				action: o.Action, zones: o.Zones, inForce: o.InForceExpr(), pos: o.Pos, stage: s})
		}
	}
	return out
}
