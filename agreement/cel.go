package agreement

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	celast "cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/types"
	"gopkg.in/yaml.v3"
)

// Limits on expressions. A document comes from a counterpart in a
// negotiation: it must not be able to make Backstop run forever.
const (
	// MaxExprBytes bounds the text of one CEL expression.
	MaxExprBytes = 4096
	// ExprCostLimit bounds the runtime cost of one evaluation, in CEL's
	// abstract cost units.
	ExprCostLimit = 100_000
)

// IncidentFields are the fields an expression may read from `incident`.
var IncidentFields = []string{
	"id", "kind", "actor", "time", "end", "zones", "counts", "area_km2",
	"grade", "reliability", "credibility", "sources", "opposing_sides",
	"text", "lon", "lat", "has_point",
}

// Expr is a compiled CEL condition. The variables are `terms` (the deal's
// terms by id) and, where the context allows, `incident` (see
// IncidentFields). A nil *Expr is the condition "true".
type Expr struct {
	Source string
	Pos    Pos
	// Terms lists the term ids the expression reads; UsesIncident says
	// whether it reads the incident at all.
	Terms        []string
	UsesIncident bool
	prg          cel.Program
}

type program = Expr

// Eval evaluates the condition. vars holds "terms" and, where used,
// "incident" (map[string]any values). A non-boolean result is an error.
func (e *Expr) Eval(vars map[string]any) (bool, error) {
	if e == nil {
		return true, nil
	}
	out, _, err := e.prg.Eval(vars)
	if err != nil {
		return false, fmt.Errorf("%s: evaluating %q: %w", e.Pos, e.Source, err)
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("%s: %q gave %v, not true or false", e.Pos, e.Source, out)
	}
	return b, nil
}

var (
	envOnce sync.Once
	envVal  *cel.Env
	envErr  error
)

// celEnv returns the shared environment: `terms` and `incident` are maps
// from string to dynamic values; their keys are checked against the
// document by checkRefs, after CEL's own type check.
func celEnv() (*cel.Env, error) {
	envOnce.Do(func() {
		envVal, envErr = cel.NewEnv(
			cel.Variable("terms", cel.MapType(cel.StringType, cel.DynType)),
			cel.Variable("incident", cel.MapType(cel.StringType, cel.DynType)),
		)
	})
	return envVal, envErr
}

// exprContext says what an expression may read.
type exprContext int

const (
	termsOnly exprContext = iota
	termsAndIncident
)

// compileExpr compiles the scalar node n at path as a CEL condition and
// appends any problem to l.diags, located inside the YAML file.
func (l *loader) compileExpr(n *yaml.Node, path []any, ctx exprContext) *Expr {
	if n == nil || n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
		return nil
	}
	src := n.Value
	if len(src) > MaxExprBytes {
		l.errAt(n, path, "expression is %d bytes, more than the limit of %d", len(src), MaxExprBytes)
		return nil
	}
	env, err := celEnv()
	if err != nil {
		l.errAt(n, path, "internal: CEL environment: %v", err)
		return nil
	}
	ast, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		for _, e := range iss.Errors() {
			l.diags = append(l.diags, Diagnostic{
				Pos:      l.exprPos(n, e.Location),
				Severity: SevError,
				Field:    fieldPath(path...),
				Message:  "in expression: " + e.Message,
			})
		}
		return nil
	}
	if !ast.OutputType().IsExactType(types.BoolType) && !ast.OutputType().IsExactType(types.DynType) {
		l.errAt(n, path, "expression gives %s; a condition must give true or false", ast.OutputType())
		return nil
	}
	x := &Expr{Source: src, Pos: l.pos(n)}
	if !l.checkRefs(n, path, ast.NativeRep(), ctx, x) {
		return nil
	}
	prg, err := env.Program(ast,
		cel.CostLimit(ExprCostLimit),
		cel.InterruptCheckFrequency(100),
		cel.EvalOptions(cel.OptOptimize),
	)
	if err != nil {
		l.errAt(n, path, "expression: %v", err)
		return nil
	}
	x.prg = prg
	return x
}

// checkRefs checks every `terms.x` and `incident.x` against the document:
// unknown terms, unknown incident fields, incident fields where only terms
// are allowed, and enum terms compared with a value outside their domain.
func (l *loader) checkRefs(n *yaml.Node, path []any, a *celast.AST, ctx exprContext, x *Expr) bool {
	ok := true
	report := func(id int64, format string, args ...any) {
		ok = false
		pos := l.exprPos(n, a.SourceInfo().GetStartLocation(id))
		if e, found := findExpr(a, id); found && e.Kind() == celast.SelectKind {
			pos.Col++ // CEL places a selection at its dot; point at the name
		}
		l.diags = append(l.diags, Diagnostic{
			Pos:      pos,
			Severity: SevError,
			Field:    fieldPath(path...),
			Message:  "in expression: " + fmt.Sprintf(format, args...),
		})
	}
	celast.PostOrderVisit(a.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		switch e.Kind() {
		case celast.IdentKind:
			if e.AsIdent() == "incident" {
				x.UsesIncident = true
				if ctx == termsOnly {
					report(e.ID(), "this condition is about the deal; it may use terms but not incident")
				}
			}
		case celast.SelectKind:
			sel := e.AsSelect()
			op := sel.Operand()
			if op.Kind() != celast.IdentKind {
				return
			}
			switch op.AsIdent() {
			case "terms":
				if _, found := l.doc.terms[sel.FieldName()]; !found {
					report(e.ID(), "unknown term %q%s", sel.FieldName(), suggest(sel.FieldName(), l.termIDs()))
				} else if !slices.Contains(x.Terms, sel.FieldName()) {
					x.Terms = append(x.Terms, sel.FieldName())
				}
			case "incident":
				if !slices.Contains(IncidentFields, sel.FieldName()) {
					report(e.ID(), "incident has no field %q%s", sel.FieldName(), suggest(sel.FieldName(), IncidentFields))
				}
			}
		case celast.CallKind:
			call := e.AsCall()
			fn := call.FunctionName()
			if fn != operators.Equals && fn != operators.NotEquals && fn != operators.In {
				return
			}
			args := call.Args()
			if len(args) != 2 {
				return
			}
			term, lit := termSelect(args[0], l), args[1]
			if term == nil && fn != operators.In {
				term, lit = termSelect(args[1], l), args[0]
			}
			if term == nil || term.Type != Enum {
				return
			}
			var lits []celast.Expr
			if lit.Kind() == celast.LiteralKind {
				lits = []celast.Expr{lit}
			} else if lit.Kind() == celast.ListKind {
				lits = lit.AsList().Elements()
			}
			for _, le := range lits {
				if le.Kind() != celast.LiteralKind {
					continue
				}
				s, isStr := le.AsLiteral().Value().(string)
				if isStr && !slices.Contains(term.Values, s) {
					report(le.ID(), "term %q has no value %q%s", term.ID, s, suggest(s, term.Values))
				}
			}
		}
	}))
	return ok
}

func termSelect(e celast.Expr, l *loader) *Term {
	if e.Kind() != celast.SelectKind {
		return nil
	}
	sel := e.AsSelect()
	if sel.Operand().Kind() != celast.IdentKind || sel.Operand().AsIdent() != "terms" {
		return nil
	}
	return l.doc.terms[sel.FieldName()]
}

func (l *loader) termIDs() []string {
	ids := make([]string, 0, len(l.doc.Terms))
	for _, t := range l.doc.Terms {
		if t != nil {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

// exprPos maps a location inside a CEL expression (line from 1, column from
// 0) to the YAML file, for plain, quoted and block scalars.
func (l *loader) exprPos(n *yaml.Node, loc common.Location) Pos {
	p := l.pos(n)
	if loc == nil || loc.Line() <= 0 {
		return p
	}
	switch n.Style {
	case yaml.LiteralStyle, yaml.FoldedStyle:
		line := n.Line + loc.Line()
		indent := 0
		if s, ok := sourceLine(l.src, line); ok {
			indent = firstNonSpace(s) - 1
		}
		return Pos{File: p.File, Line: line, Col: indent + loc.Column() + 1}
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		p.Col++
	}
	if loc.Line() == 1 {
		p.Col += loc.Column()
		return p
	}
	// A multi-line flow scalar: CEL counts lines in the folded value, which
	// match the source lines for plain and quoted scalars written over
	// several lines; point at the line start. Escaped newlines ("\n") make
	// lines that are not in the file: then point at the scalar itself.
	line := p.Line + loc.Line() - 1
	if s, ok := sourceLine(l.src, line); ok && !strings.Contains(l.lineText(n), `\n`) {
		return Pos{File: p.File, Line: line, Col: firstNonSpace(s) + loc.Column()}
	}
	return l.pos(n)
}

// suggest returns ` (did you mean "x"?)` for the closest candidate, if any is
// close enough to be a likely typo.
func suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(2, len(s)/4) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func findExpr(a *celast.AST, id int64) (celast.Expr, bool) {
	var found celast.Expr
	celast.PostOrderVisit(a.Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.ID() == id {
			found = e
		}
	}))
	return found, found != nil
}

// lineText is the source line a node starts on.
func (l *loader) lineText(n *yaml.Node) string {
	s, _ := sourceLine(l.src, n.Line)
	return s
}
