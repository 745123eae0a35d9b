// Package adjudicate is the meaning of an agreement as a library: it takes
// verified-or-not incidents in time order and says, decision by decision,
// which prohibition was violated, which trigger fired, which protocol stage
// opened and what each guarantor then owes by when, and which obligations
// went overdue. Every decision quotes the rule it applies and its legal
// wording, and explains itself in a sentence an analyst can check.
//
// The engine is built once per deal (New) and then fed incrementally (Add,
// Advance, Fulfil), so the monitoring engine can drive it from a live stream
// and the test runner from a scenario. What is in force is a function of the
// deal's terms only, so it is decided once in New; incidents are then tested
// only against the rules that name their kind, and thresholds over sliding
// windows are kept as per-group queues updated in constant amortised time.
//
// The semantics are specified in docs/evaluator.md.
package adjudicate
