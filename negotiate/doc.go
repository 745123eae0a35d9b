// Package negotiate models a negotiation over an agreement's open terms and
// answers the questions a mediator asks of it: how many deals exist, which
// deals every party can accept, which of them are Pareto-efficient, where the
// fair points (Nash, Kalai–Smorodinsky, egalitarian, maximum welfare) lie,
// which red lines block agreement and which minimal relaxations would open a
// zone of agreement, and how robust all of that is when the weights are only
// guesses.
//
// The package works on a Problem: a Domain (issues, each with a finite list
// of values; a deal — an outcome — picks one value per issue) and one Party
// per negotiator with a utility function, a reserved (walk-away) value and
// optional red lines. Utility functions are either additive (a table of
// per-value contributions summed in issue order, which covers GENIUS/ANAC
// linear profiles and the positions files Backstop writes) or arbitrary
// (GENIUS hyper-rectangle constraint profiles, anything implementing
// Utility).
//
// Two algorithms compute the Pareto frontier and they are tested against each
// other and against reference answers from the research tools:
//
//   - enumeration (Enumerate) visits every outcome; it is the simple reference
//     path and works for any utility function;
//   - the additive dynamic programme (AdditiveFrontier) adds one issue at a
//     time and keeps only partial deals that may still end on the frontier, so
//     domains of 10^12 outcomes are answered exactly without visiting them.
//
// Floating-point semantics follow GENIUS 10.4 bit for bit: utilities are
// float64 sums in issue order starting at 0.0, so that ties and dominance
// come out exactly as the reference tools compute them. Both algorithms
// preserve this: the programme adds contributions in the same order and
// prunes a partial deal only when a rival beats it by more than rounding can
// undo.
package negotiate
