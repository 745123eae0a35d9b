package agreement

// conds holds a provision's or trigger's compiled conditions.
type conds struct {
	inForce *Expr // over terms
	when    *Expr // over incident and terms
}

// InForceExpr is the compiled in_force condition (nil: always in force).
func (p *Provision) InForceExpr() *Expr { return p.cond.inForce }

// WhenExpr is the compiled extra condition over incidents (nil: none).
func (p *Provision) WhenExpr() *Expr { return p.cond.when }

// InForceExpr is the compiled in_force condition (nil: always in force).
func (t *Trigger) InForceExpr() *Expr { return t.cond.inForce }

// WhenExpr is the compiled extra condition over incidents (nil: none).
func (t *Trigger) WhenExpr() *Expr { return t.cond.when }

// InForceExpr is the compiled in_force condition (nil: always owed).
func (o *StageObligation) InForceExpr() *Expr { return o.inForce }

// Party returns the party with the given id, or nil.
func (d *Doc) Party(id string) *Party { return d.parties[id] }

// Term returns the term with the given id, or nil.
func (d *Doc) Term(id string) *Term { return d.terms[id] }

// Stage returns the protocol stage with the given id, or nil.
func (d *Doc) Stage(id string) *Stage { return d.stages[id] }

// ZoneSpec returns the declaration of the zone with the given id, or nil
// (also for the child zones of a split, which have no declaration).
func (d *Doc) ZoneSpec(id string) *ZoneSpec { return d.zones[id] }

// ZoneChildren returns the child zone ids of a split zone, in file order.
func (d *Doc) ZoneChildren(id string) []string { return d.zoneKids[id] }

// Guarantors returns the parties with the guarantor role, in document order.
func (d *Doc) Guarantors() []*Party {
	var out []*Party
	for _, p := range d.Parties {
		if p.Has(Guarantor) {
			out = append(out, p)
		}
	}
	return out
}

// ExpandParties replaces the keyword "guarantors" by every guarantor's id.
func (d *Doc) ExpandParties(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id == "guarantors" {
			for _, g := range d.Guarantors() {
				out = append(out, g.ID)
			}
			continue
		}
		out = append(out, id)
	}
	return out
}

// RuleFor returns the verification rule for an incident kind: the first rule
// naming the kind, else the first rule naming "*", else nil (no rule: the
// incident is taken as verified, which the linter reports).
func (d *Doc) RuleFor(kind string) *VerificationRule {
	var star *VerificationRule
	for _, v := range d.Verification {
		for _, k := range v.Kinds {
			if string(k) == kind {
				return v
			}
			if k == "*" && star == nil {
				star = v
			}
		}
	}
	return star
}
