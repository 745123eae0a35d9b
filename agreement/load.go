package agreement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/backstop-dev/backstop"
)

// MaxDocumentBytes bounds the size of an agreement or deal file.
const MaxDocumentBytes = 4 << 20

// Load reads, checks and compiles the agreement document at path. On failure
// the error is a Diagnostics listing every problem found, each with file,
// line and column.
func Load(path string) (*Doc, error) {
	src, err := readLimited(path)
	if err != nil {
		return nil, Diagnostics{{Pos: Pos{File: path}, Severity: SevError, Message: err.Error()}}
	}
	return Parse(path, src)
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	}
	if st.Size() > MaxDocumentBytes {
		return nil, fmt.Errorf("file is %d bytes, more than the limit of %d", st.Size(), MaxDocumentBytes)
	}
	return os.ReadFile(path)
}

// Parse checks and compiles a document whose text is src; name is its path,
// against which the files it refers to are resolved.
func Parse(name string, src []byte) (*Doc, error) {
	l := &loader{file: name, src: src, doc: &Doc{Path: name, Dir: filepath.Dir(name), Source: map[string][]byte{name: src}}}
	if len(src) > MaxDocumentBytes {
		l.diags = append(l.diags, Diagnostic{Pos: Pos{File: name}, Severity: SevError,
			Message: fmt.Sprintf("document is %d bytes, more than the limit of %d", len(src), MaxDocumentBytes)})
		return nil, l.diags
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, yamlErrorDiags(name, src, err)
	}
	if root.Kind == 0 || len(root.Content) == 0 {
		return nil, Diagnostics{{Pos: Pos{File: name, Line: 1, Col: 1}, Severity: SevError, Message: "the document is empty"}}
	}
	if root.Content[0].Kind != yaml.MappingNode {
		return nil, Diagnostics{{Pos: l.pos(root.Content[0]), Severity: SevError, Message: "the document must be a mapping of fields (backstop, id, parties, terms, ...)"}}
	}
	l.root = &root
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(l.doc); err != nil {
		l.diags = append(l.diags, yamlErrorDiags(name, src, err)...)
	}
	l.validate()
	l.diags.Sort()
	if l.diags.HasErrors() {
		return nil, l.diags
	}
	return l.doc, nil
}

// loader carries the state of one Parse.
type loader struct {
	file  string
	src   []byte
	root  *yaml.Node
	doc   *Doc
	diags Diagnostics
}

func (l *loader) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: l.file}
	}
	return Pos{File: l.file, Line: n.Line, Col: n.Column}
}

// at returns the position of the field at path, or of its nearest ancestor.
func (l *loader) at(path ...any) Pos {
	n, _ := nodeAt(l.root, path...)
	return l.pos(n)
}

func (l *loader) errAt(n *yaml.Node, path []any, format string, args ...any) {
	l.diags = append(l.diags, Diagnostic{Pos: l.pos(n), Severity: SevError, Field: fieldPath(path...), Message: fmt.Sprintf(format, args...)})
}

// errf records an error at the value of the field at path (or at the key
// when the path ends in a field that is missing).
func (l *loader) errf(path []any, format string, args ...any) {
	n, ok := nodeAt(l.root, path...)
	if !ok {
		n = keyAt(l.root, path...)
	}
	l.errAt(n, path, format, args...)
}

func p(elems ...any) []any { return elems }

var idRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.\-]*$`)

// checkID checks that an id is present, well-formed and unique in seen.
func (l *loader) checkID(path []any, id, what string, seen map[string]bool) {
	idPath := append(slices.Clone(path), "id")
	switch {
	case id == "":
		l.errf(idPath, "%s has no id", what)
	case !idRE.MatchString(id):
		l.errf(idPath, "%s id %q: use letters, digits, _ - and ., starting with a letter", what, id)
	case seen[id]:
		l.errf(idPath, "%s id %q is used twice", what, id)
	}
	seen[id] = true
}

func (l *loader) validate() {
	d := l.doc
	if d.Backstop == 0 {
		l.errf(p("backstop"), "missing format version: add `backstop: %d` at the top", FormatVersion)
	} else if d.Backstop != FormatVersion {
		l.errf(p("backstop"), "format version %d is not supported; this Backstop reads version %d", d.Backstop, FormatVersion)
	}
	if d.ID == "" {
		l.errf(p("id"), "the agreement has no id")
	}
	d.parties = map[string]*Party{}
	d.terms = map[string]*Term{}
	d.zones = map[string]*ZoneSpec{}
	d.stages = map[string]*Stage{}
	l.parties()
	l.terms()
	l.zonesDecl()
	for i, s := range d.Protocol.Stages {
		if s != nil && s.ID != "" {
			d.stages[s.ID] = s
		}
		_ = i
	}
	for i, pt := range d.Parties {
		if pt != nil && pt.Territory != "" {
			l.zoneRefs(p("parties", i, "territory"), []string{pt.Territory})
		}
	}
	l.provisions()
	l.verification()
	l.triggers()
	l.protocol()
	l.tests()
}

func (l *loader) parties() {
	seen := map[string]bool{}
	for i, pt := range l.doc.Parties {
		path := p("parties", i)
		if pt == nil {
			l.errf(path, "empty party")
			continue
		}
		pt.Pos = l.at(path...)
		l.checkID(path, pt.ID, "party", seen)
		if pt.ID != "" {
			l.doc.parties[pt.ID] = pt
		}
		switch pt.Kind {
		case "state", "organisation":
		case "coalition":
			if len(pt.Members) == 0 {
				l.errf(append(path, "members"), "coalition %q lists no members", pt.ID)
			}
		case "":
			l.errf(append(path, "kind"), "party %q has no kind: state, coalition or organisation", pt.ID)
		default:
			l.errf(append(path, "kind"), "party kind %q: want state, coalition or organisation", pt.Kind)
		}
		if len(pt.Roles) == 0 {
			l.errf(append(path, "roles"), "party %q has no role: beneficiary, guarantor, constrained, monitor or mediator", pt.ID)
		}
		for j, r := range pt.Roles {
			if !slices.Contains(Roles, r) {
				l.errf(append(path, "roles", j), "role %q: want beneficiary, guarantor, constrained, monitor or mediator%s", r, suggest(string(r), roleNames()))
			}
		}
		if pt.Side == "" {
			pt.Side = pt.ID
		}
	}
}

func roleNames() []string {
	out := make([]string, len(Roles))
	for i, r := range Roles {
		out[i] = string(r)
	}
	return out
}

func (l *loader) terms() {
	seen := map[string]bool{}
	for i, t := range l.doc.Terms {
		path := p("terms", i)
		if t == nil {
			l.errf(path, "empty term")
			continue
		}
		t.Pos = l.at(path...)
		l.checkID(path, t.ID, "term", seen)
		if t.ID != "" {
			l.doc.terms[t.ID] = t
		}
		switch t.Type {
		case Enum:
			if len(t.Values) == 0 {
				l.errf(append(path, "values"), "enum term %q lists no values", t.ID)
			}
			vs := map[string]bool{}
			for j, v := range t.Values {
				if vs[v] {
					l.errf(append(path, "values", j), "value %q is listed twice", v)
				}
				vs[v] = true
			}
		case Bool:
		case Int:
			if t.Step == 0 {
				t.Step = 1
			}
			if t.Step < 0 {
				l.errf(append(path, "step"), "step must be positive")
			}
			if t.Min > t.Max {
				l.errf(append(path, "max"), "max %d is below min %d", t.Max, t.Min)
			} else if t.Step > 0 && (t.Max-t.Min)/t.Step > 1_000_000 {
				l.errf(append(path, "step"), "term %q has more than a million values; use a coarser step", t.ID)
			}
		case "":
			l.errf(append(path, "type"), "term %q has no type: enum, bool or int", t.ID)
		default:
			l.errf(append(path, "type"), "term type %q: want enum, bool or int", t.Type)
		}
	}
}

// zonesDecl checks zone declarations: one constructor each, references to
// declared zones and terms, files that exist, no cycles. Child zones of a
// split are registered from the GeoJSON file's properties.
func (l *loader) zonesDecl() {
	d := l.doc
	d.zoneKids = map[string][]string{}
	seen := map[string]bool{}
	for i, z := range d.ZoneSpecs {
		path := p("zones", i)
		if z == nil {
			l.errf(path, "empty zone")
			continue
		}
		z.Pos = l.at(path...)
		l.checkID(path, z.ID, "zone", seen)
		if z.ID != "" {
			d.zones[z.ID] = z
		}
	}
	for i, z := range d.ZoneSpecs {
		if z == nil {
			continue
		}
		path := p("zones", i)
		n := 0
		for _, set := range []bool{z.GeoJSON != "", len(z.Union) > 0, len(z.Intersection) > 0, len(z.Difference) > 0, z.Buffer != nil, z.Side != nil, z.Occupied != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			l.errf(path, "zone %q must have exactly one of geojson, union, intersection, difference, buffer, side, occupied (it has %d)", z.ID, n)
			continue
		}
		ref := func(sub []any, id string) {
			if _, ok := d.zones[id]; !ok && id != "" && !l.isChildZone(id) {
				l.errf(sub, "unknown zone %q%s", id, suggest(id, l.zoneIDs()))
			}
		}
		switch {
		case z.GeoJSON != "":
			f := d.resolve(z.GeoJSON)
			if _, err := os.Stat(f); err != nil {
				l.errf(append(path, "geojson"), "cannot read %s: %v", z.GeoJSON, unwrapPathErr(err))
				continue
			}
			if z.SplitBy != "" || len(z.Where) > 0 {
				kids, err := featureProps(f, z.SplitBy, z.Where)
				if err != nil {
					l.errf(append(path, "geojson"), "%v", err)
					continue
				}
				if len(z.Where) > 0 && kids.matched == 0 {
					l.errf(append(path, "where"), "no feature of %s matches %v", z.GeoJSON, z.Where)
				}
				if z.SplitBy != "" {
					if len(kids.ids) == 0 {
						l.errf(append(path, "split_by"), "no feature of %s has property %q", z.GeoJSON, z.SplitBy)
					}
					for _, k := range kids.ids {
						if _, dup := d.zones[k]; dup || seen[k] {
							l.errf(append(path, "split_by"), "child zone %q clashes with another zone id", k)
						}
						seen[k] = true
					}
					d.zoneKids[z.ID] = kids.ids
				}
			}
		case len(z.Union) > 0:
			for j, id := range z.Union {
				ref(append(path, "union", j), id)
			}
		case len(z.Intersection) > 0:
			for j, id := range z.Intersection {
				ref(append(path, "intersection", j), id)
			}
		case len(z.Difference) > 0:
			if len(z.Difference) < 2 {
				l.errf(append(path, "difference"), "difference needs at least two zones: the area, then what to take away")
			}
			for j, id := range z.Difference {
				ref(append(path, "difference", j), id)
			}
		case z.Buffer != nil:
			ref(append(path, "buffer", "of"), z.Buffer.Of)
			if z.Buffer.Of == "" {
				l.errf(append(path, "buffer", "of"), "buffer needs `of`: the zone to widen")
			}
			if _, err := strconv.ParseFloat(z.Buffer.Km, 64); err != nil {
				t, ok := d.terms[z.Buffer.Km]
				switch {
				case z.Buffer.Km == "":
					l.errf(append(path, "buffer", "km"), "buffer needs `km`: a distance or an int term")
				case !ok:
					l.errf(append(path, "buffer", "km"), "km %q is neither a number nor a term%s", z.Buffer.Km, suggest(z.Buffer.Km, l.termIDs()))
				case t.Type != Int:
					l.errf(append(path, "buffer", "km"), "term %q is %s; a width must be an int term", t.ID, t.Type)
				}
			} else if v, _ := strconv.ParseFloat(z.Buffer.Km, 64); v < 0 || v > 2000 {
				l.errf(append(path, "buffer", "km"), "width %v km is out of range 0 to 2000", v)
			}
		case z.Side != nil:
			ref(append(path, "side", "of"), z.Side.Of)
			ref(append(path, "side", "line"), z.Side.Line)
			if !slices.Contains([]string{"west", "east", "north", "south"}, z.Side.Side) {
				l.errf(append(path, "side", "side"), "side %q: want west, east, north or south", z.Side.Side)
			}
		case z.Occupied != nil:
			if z.Occupied.Snapshot == "" {
				l.errf(append(path, "occupied", "snapshot"), "occupied needs `snapshot`: a territorial-control file")
			} else if _, err := os.Stat(d.resolve(z.Occupied.Snapshot)); err != nil {
				l.errf(append(path, "occupied", "snapshot"), "cannot read %s: %v", z.Occupied.Snapshot, unwrapPathErr(err))
			}
		}
	}
	// Cycles: a zone built from itself can never be built.
	state := map[string]int{}
	var visit func(id string, path []any) bool
	visit = func(id string, path []any) bool {
		z := d.zones[id]
		if z == nil || state[id] == 2 {
			return true
		}
		if state[id] == 1 {
			l.errf(path, "zone %q is defined in terms of itself", id)
			return false
		}
		state[id] = 1
		for _, dep := range z.Deps() {
			if !visit(dep, path) {
				state[id] = 2
				return false
			}
		}
		state[id] = 2
		return true
	}
	for i, z := range d.ZoneSpecs {
		if z != nil {
			visit(z.ID, p("zones", i, "id"))
		}
	}
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Deps lists the zones a zone is built from, in declaration order.
func (z *ZoneSpec) Deps() []string {
	switch {
	case len(z.Union) > 0:
		return z.Union
	case len(z.Intersection) > 0:
		return z.Intersection
	case len(z.Difference) > 0:
		return z.Difference
	case z.Buffer != nil:
		return []string{z.Buffer.Of}
	case z.Side != nil:
		return []string{z.Side.Of, z.Side.Line}
	}
	return nil
}

func (l *loader) isChildZone(id string) bool {
	for _, kids := range l.doc.zoneKids {
		if slices.Contains(kids, id) {
			return true
		}
	}
	return false
}

func (l *loader) zoneIDs() []string {
	var ids []string
	for _, z := range l.doc.ZoneSpecs {
		if z != nil {
			ids = append(ids, z.ID)
		}
	}
	for _, kids := range l.doc.zoneKids {
		ids = append(ids, kids...)
	}
	return ids
}

func (l *loader) zoneRefs(path []any, ids []string) {
	for j, id := range ids {
		if _, ok := l.doc.zones[id]; !ok && !l.isChildZone(id) {
			l.errf(append(slices.Clone(path), j), "unknown zone %q%s", id, suggest(id, l.zoneIDs()))
		}
	}
}

func (l *loader) partyRefs(path []any, ids []string, allowGuarantors bool) {
	for j, id := range ids {
		if allowGuarantors && id == "guarantors" {
			continue
		}
		if _, ok := l.doc.parties[id]; !ok {
			l.errf(append(slices.Clone(path), j), "unknown party %q%s", id, suggest(id, l.partyIDs()))
		}
	}
}

func (l *loader) partyIDs() []string {
	var ids []string
	for _, pt := range l.doc.Parties {
		if pt != nil {
			ids = append(ids, pt.ID)
		}
	}
	return ids
}

func (l *loader) kindRefs(path []any, kinds []backstop.Kind, allowStar bool) {
	for j, k := range kinds {
		if allowStar && k == "*" {
			continue
		}
		if !k.Valid() {
			l.errf(append(slices.Clone(path), j), "unknown incident kind %q%s", k, suggest(string(k), kindNames()))
		}
	}
}

func kindNames() []string {
	out := make([]string, len(backstop.Kinds))
	for i, k := range backstop.Kinds {
		out[i] = string(k)
	}
	return out
}

func (l *loader) actionRef(path []any, action string) {
	if action != "" && !slices.Contains(Actions, action) {
		l.errf(path, "unknown action %q%s; the vocabulary is: %s", action, suggest(action, Actions), strings.Join(Actions, ", "))
	}
}

func (l *loader) expr(path []any, ctx exprContext) *Expr {
	n, ok := nodeAt(l.root, path...)
	if !ok {
		return nil
	}
	return l.compileExpr(n, path, ctx)
}

func (l *loader) provisions() {
	seen := map[string]bool{}
	for i, pr := range l.doc.Provisions {
		path := p("provisions", i)
		if pr == nil {
			l.errf(path, "empty provision")
			continue
		}
		pr.Pos = l.at(path...)
		l.checkID(path, pr.ID, "provision", seen)
		switch pr.Kind {
		case Prohibition, Obligation, Permission:
		case "":
			l.errf(append(path, "kind"), "provision %q has no kind: prohibition, obligation or permission", pr.ID)
		default:
			l.errf(append(path, "kind"), "provision kind %q: want prohibition, obligation or permission", pr.Kind)
		}
		if strings.TrimSpace(pr.Text) == "" {
			l.errf(append(path, "text"), "provision %q has no legal wording (text)", pr.ID)
		}
		if len(pr.Parties) == 0 {
			l.errf(append(path, "parties"), "provision %q binds no party", pr.ID)
		}
		l.partyRefs(append(path, "parties"), pr.Parties, true)
		l.kindRefs(append(path, "kinds"), pr.Kinds, false)
		l.zoneRefs(append(path, "zones"), pr.Zones)
		l.actionRef(append(path, "action"), pr.Action)
		if pr.Deadline != 0 && pr.Kind != Obligation {
			l.errf(append(path, "deadline"), "only an obligation has a deadline")
		}
		pr.cond.inForce = l.expr(append(path, "in_force"), termsOnly)
		pr.cond.when = l.expr(append(path, "when"), termsAndIncident)
	}
}

func (l *loader) verification() {
	seen := map[string]bool{}
	for i, v := range l.doc.Verification {
		path := p("verification", i)
		if v == nil {
			l.errf(path, "empty verification rule")
			continue
		}
		v.Pos = l.at(path...)
		l.checkID(path, v.ID, "verification rule", seen)
		if len(v.Kinds) == 0 {
			l.errf(append(path, "kinds"), "verification rule %q names no incident kinds (use [\"*\"] for all)", v.ID)
		}
		l.kindRefs(append(path, "kinds"), v.Kinds, true)
		if v.MinReliability != "" {
			r, err := backstop.ParseReliability(v.MinReliability)
			if err != nil {
				l.errf(append(path, "min_reliability"), "min_reliability %q: want a letter A (best) to F", v.MinReliability)
			}
			v.minRel = r
		} else {
			v.minRel = 'F'
		}
		if v.MinCredibility < 0 || v.MinCredibility > 6 {
			l.errf(append(path, "min_credibility"), "min_credibility %d: want 1 (confirmed) to 6, or 0 for any", v.MinCredibility)
		}
		if v.MinSources < 0 {
			l.errf(append(path, "min_sources"), "min_sources must not be negative")
		}
	}
}

func (l *loader) triggers() {
	seen := map[string]bool{}
	provs := map[string]bool{}
	for _, pr := range l.doc.Provisions {
		if pr != nil {
			provs[pr.ID] = true
		}
	}
	for i, t := range l.doc.Triggers {
		path := p("triggers", i)
		if t == nil {
			l.errf(path, "empty trigger")
			continue
		}
		t.Pos = l.at(path...)
		l.checkID(path, t.ID, "trigger", seen)
		l.kindRefs(append(path, "kinds"), t.Kinds, false)
		l.partyRefs(append(path, "actors"), t.Actors, false)
		l.zoneRefs(append(path, "zones"), t.Zones)
		switch t.Effect {
		case RecordViolation, Consult, Invoke:
		case "":
			l.errf(append(path, "effect"), "trigger %q has no effect: violation, consultation or invocation", t.ID)
		default:
			l.errf(append(path, "effect"), "effect %q: want violation, consultation or invocation", t.Effect)
		}
		if t.Stage == "" && t.Effect != RecordViolation {
			if _, ok := l.doc.stages[string(t.Effect)]; ok {
				t.Stage = string(t.Effect)
			}
		}
		if t.Stage != "" {
			if _, ok := l.doc.stages[t.Stage]; !ok {
				l.errf(append(path, "stage"), "unknown protocol stage %q%s", t.Stage, suggest(t.Stage, l.stageIDs()))
			}
		} else if t.Effect == Consult || t.Effect == Invoke {
			l.errf(append(path, "effect"), "trigger %q opens %s, but the protocol has no stage %q; add one or name it with `stage`", t.ID, t.Effect, t.Effect)
		}
		if t.Provision != "" && !provs[t.Provision] {
			l.errf(append(path, "provision"), "unknown provision %q", t.Provision)
		}
		if th := t.Threshold; th != nil {
			tp := append(path, "threshold")
			if th.Count < 0 {
				l.errf(append(tp, "count"), "count must not be negative")
			}
			if th.Sum != "" && th.AtLeast <= 0 {
				l.errf(append(tp, "at_least"), "a sum threshold needs at_least > 0")
			}
			if th.Sum == "" && th.AtLeast != 0 {
				l.errf(append(tp, "at_least"), "at_least goes with sum; use count to count incidents")
			}
			if (th.Count > 1 || th.Sum != "") && th.Window <= 0 {
				l.errf(append(tp, "window"), "a threshold above one incident needs a window, e.g. 72h or 30d")
			}
			for j, per := range th.Per {
				if per == "actor" {
					continue
				}
				zid, ok := strings.CutPrefix(per, "zone:")
				if !ok {
					l.errf(append(tp, "per", j), "per %q: want actor or zone:<split zone>", per)
				} else if _, split := l.doc.zoneKids[zid]; !split {
					l.errf(append(tp, "per", j), "zone %q is not split into parts (give it split_by)", zid)
				}
			}
		}
		t.cond.inForce = l.expr(append(path, "in_force"), termsOnly)
		t.cond.when = l.expr(append(path, "when"), termsAndIncident)
	}
}

func (l *loader) stageIDs() []string {
	var ids []string
	for _, s := range l.doc.Protocol.Stages {
		if s != nil {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

func (l *loader) protocol() {
	seen := map[string]bool{}
	obls := map[string]bool{}
	for i, s := range l.doc.Protocol.Stages {
		path := p("protocol", "stages", i)
		if s == nil {
			l.errf(path, "empty stage")
			continue
		}
		s.Pos = l.at(path...)
		l.checkID(path, s.ID, "stage", seen)
		if s.Follows != "" {
			if _, ok := l.doc.stages[s.Follows]; !ok || s.Follows == s.ID {
				l.errf(append(path, "follows"), "stage %q cannot follow %q", s.ID, s.Follows)
			}
		}
		for j, o := range s.Obligations {
			op := append(slices.Clone(path), "obligations", j)
			if o == nil {
				l.errf(op, "empty obligation")
				continue
			}
			o.Pos = l.at(op...)
			l.checkID(op, o.ID, "obligation", obls)
			if len(o.Parties) == 0 {
				l.errf(append(op, "parties"), "obligation %q is owed by no party", o.ID)
			}
			l.partyRefs(append(op, "parties"), o.Parties, true)
			l.actionRef(append(op, "action"), o.Action)
			l.zoneRefs(append(op, "zones"), o.Zones)
			o.inForce = l.expr(append(op, "in_force"), termsOnly)
		}
	}
}

func (l *loader) tests() {
	seen := map[string]bool{}
	d := l.doc
	for i, t := range d.Tests {
		path := p("tests", i)
		if t == nil {
			l.errf(path, "empty test")
			continue
		}
		t.Pos = l.at(path...)
		if t.Name == "" {
			l.errf(append(path, "name"), "test has no name")
		} else if seen[t.Name] {
			l.errf(append(path, "name"), "test name %q is used twice", t.Name)
		}
		seen[t.Name] = true
		if t.Deal != "" {
			if _, err := os.Stat(d.resolve(t.Deal)); err != nil {
				l.errf(append(path, "deal"), "cannot read deal %s: %v", t.Deal, unwrapPathErr(err))
			}
		}
		for k, v := range t.Terms {
			l.checkTermValue(append(path, "terms", k), k, v)
		}
		for j := range t.Incidents {
			inc := &t.Incidents[j]
			ip := append(slices.Clone(path), "incidents", j)
			inc.Pos = l.at(ip...)
			if inc.At.IsZero() {
				l.errf(append(ip, "at"), "incident has no time (at)")
			}
			if !inc.Kind.Valid() {
				l.errf(append(ip, "kind"), "unknown incident kind %q%s", inc.Kind, suggest(string(inc.Kind), kindNames()))
			}
			if inc.Actor != "" {
				l.partyRefs(append(ip, "actor"), []string{inc.Actor}, false)
			}
			if inc.Point != nil && (len(inc.Point) != 2 || inc.Point[0] < -180 || inc.Point[0] > 180 || inc.Point[1] < -90 || inc.Point[1] > 90) {
				l.errf(append(ip, "point"), "point must be [longitude, latitude] in degrees")
			}
			l.zoneRefs(append(ip, "zones"), inc.Zones)
			if inc.Grade != "" {
				if _, err := backstop.ParseGrade(inc.Grade); err != nil {
					l.errf(append(ip, "grade"), "%s", backstop.ErrorMessage(err))
				}
			}
		}
		l.expectRefs(append(path, "expect"), &t.Expect)
	}
}

func (l *loader) expectRefs(path []any, e *Expect) {
	d := l.doc
	has := func(ids []string, id string) bool { return slices.Contains(ids, id) }
	var provIDs, trigIDs, oblIDs []string
	for _, pr := range d.Provisions {
		if pr != nil {
			provIDs = append(provIDs, pr.ID)
		}
	}
	for _, t := range d.Triggers {
		if t != nil {
			trigIDs = append(trigIDs, t.ID)
		}
	}
	for _, s := range d.Protocol.Stages {
		if s == nil {
			continue
		}
		for _, o := range s.Obligations {
			if o != nil {
				oblIDs = append(oblIDs, o.ID)
			}
		}
	}
	for _, pr := range d.Provisions {
		if pr != nil && pr.Kind == Obligation {
			oblIDs = append(oblIDs, pr.ID)
		}
	}
	for j, v := range e.Violations {
		if !has(provIDs, v) && !has(trigIDs, v) {
			l.errf(append(slices.Clone(path), "violations", j), "unknown provision %q%s", v, suggest(v, provIDs))
		}
	}
	for j, v := range e.Triggers {
		if !has(trigIDs, v) {
			l.errf(append(slices.Clone(path), "triggers", j), "unknown trigger %q%s", v, suggest(v, trigIDs))
		}
	}
	for j, v := range e.Stages {
		if !has(l.stageIDs(), v) {
			l.errf(append(slices.Clone(path), "stages", j), "unknown stage %q%s", v, suggest(v, l.stageIDs()))
		}
	}
	for _, list := range []struct {
		name string
		obs  []ExpectedObligation
	}{{"obligations", e.Obligations}, {"overdue", e.Overdue}} {
		for j, o := range list.obs {
			op := append(slices.Clone(path), list.name, j)
			if _, ok := d.parties[o.Party]; !ok {
				l.errf(append(op, "party"), "unknown party %q%s", o.Party, suggest(o.Party, l.partyIDs()))
			}
			if !has(oblIDs, o.Obligation) {
				l.errf(append(op, "obligation"), "unknown obligation %q%s", o.Obligation, suggest(o.Obligation, oblIDs))
			}
		}
	}
}

// checkTermValue checks one term assignment in a test or deal.
func (l *loader) checkTermValue(path []any, id string, v any) {
	t, ok := l.doc.terms[id]
	if !ok {
		l.errf(path, "unknown term %q%s", id, suggest(id, l.termIDs()))
		return
	}
	if _, err := t.Value(v); err != nil {
		l.errf(path, "%v", err)
	}
}

// resolve returns a path relative to the document's folder.
func (d *Doc) resolve(rel string) string {
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(d.Dir, rel)
}

type featureIDs struct {
	ids     []string
	matched int
}

// featureProps reads only the properties of a GeoJSON file: the values of
// property key (for split zones) among the features matching where.
func featureProps(path, key string, where map[string]string) (featureIDs, error) {
	var out featureIDs
	raw, err := os.ReadFile(path)
	if err != nil {
		return out, err
	}
	var fc struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(raw, &fc); err != nil {
		return out, fmt.Errorf("%s: not a GeoJSON FeatureCollection: %v", path, err)
	}
	for _, f := range fc.Features {
		if !propsMatch(f.Properties, where) {
			continue
		}
		out.matched++
		if key != "" {
			if v, ok := f.Properties[key]; ok && v != nil {
				out.ids = append(out.ids, fmt.Sprint(v))
			}
		}
	}
	return out, nil
}

func propsMatch(props map[string]any, where map[string]string) bool {
	for k, want := range where {
		if v, ok := props[k]; !ok || fmt.Sprint(v) != want {
			return false
		}
	}
	return true
}
