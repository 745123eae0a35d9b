// Package lint finds the weaknesses of an agreement document that the
// loader cannot call errors: the ones the seed articles hold against vague
// guarantees. An obligation without a deadline, a trigger that fires on a
// single drone or that nobody can verify, an incident kind (cyber, sabotage)
// that nothing covers, a threshold that an adversary can stay under by
// spreading its attacks over time or over oblasts, territory that no zone
// protects, an obligation that another clause forbids, a guarantee form under
// which nobody owes anything.
//
// Every finding is an agreement.Diagnostic with a rule id, the position of
// the offending element, why it matters and how to fix it. Weaknesses are
// warnings; only contradictions, which make the agreement impossible to
// honour, are errors. Rules that depend on the deal (in_force conditions,
// zones whose width is a term) are decided over every deal the terms allow,
// enumerating only the terms the conditions involved actually read.
//
// docs/lint.md describes each rule with an example finding and its fix.
package lint
