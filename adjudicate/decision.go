package adjudicate

import (
	"time"
)

// Decision kinds. A decision of each kind cites one rule of the document:
// the verification rule, provision, trigger, stage or stage obligation.
const (
	Unverified = "unverified" // the incident does not meet its verification rule; nothing else follows
	Violation  = "violation"  // a prohibition (or a trigger with effect violation) was breached
	Fired      = "trigger"    // a trigger's condition was met
	Opened     = "stage"      // a protocol stage opened
	Owed       = "obligation" // a party owes a stage obligation, due by Due
	Overdue    = "overdue"    // an owed obligation passed its due time unfulfilled
)

// Decision is one consequence the agreement attaches to the incidents seen
// so far. Decisions are facts of record: the monitor logs them, the test
// runner compares them with what drafters expect.
type Decision struct {
	// Time is when the decision took effect: the incident's time, or for
	// overdue the due time that passed.
	Time time.Time `json:"time"`
	// Kind is one of unverified, violation, trigger, stage, obligation,
	// overdue.
	Kind string `json:"kind"`
	// Rule is the id of the rule applied: provision or trigger (violation),
	// trigger, stage, stage obligation (obligation, overdue), or for
	// unverified the verification rule ("" when none applies).
	Rule string `json:"rule"`
	// Parties are those concerned: the actor in breach, or the party owing.
	Parties []string `json:"parties,omitempty"`
	// Incidents are the incidents the decision rests on.
	Incidents []string `json:"incidents,omitempty"`
	// Due is when an owed obligation falls due; zero when it has no deadline.
	Due time.Time `json:"due,omitzero"`
	// Text is the legal wording of the rule, quoted so that the record
	// stands on its own.
	Text string `json:"text,omitempty"`
	// Explanation says why, in one sentence: which rule, which condition,
	// which incidents, which verification rule and grade.
	Explanation string `json:"explanation"`
	// AreaKm2 is the area concerned (territorial incidents), summed over the
	// incidents the decision rests on.
	AreaKm2 float64 `json:"area_km2,omitempty"`
}

// State is a snapshot of the protocol and of the trigger windows.
type State struct {
	// Now is the latest time the engine has seen.
	Now time.Time `json:"now,omitzero"`
	// Stages are the open protocol stages, in the order they opened.
	Stages []OpenStage `json:"stages"`
	// Obligations are the obligations owed, in the order they arose.
	Obligations []Obligation `json:"obligations"`
	// Windows are the non-empty trigger windows, by trigger then group.
	Windows []Window `json:"windows"`
}

// OpenStage is a protocol stage that has opened.
type OpenStage struct {
	Stage  string    `json:"stage"`
	Opened time.Time `json:"opened"`
	// By is the trigger that opened it, or the stage that followed it.
	By string `json:"by"`
}

// Obligation is what one party owes under an open stage.
type Obligation struct {
	Party      string    `json:"party"`
	Obligation string    `json:"obligation"`
	Stage      string    `json:"stage"`
	Opened     time.Time `json:"opened"`
	Due        time.Time `json:"due,omitzero"`
	Fulfilled  bool      `json:"fulfilled"`
	// FulfilledAt and Evidence record the fulfilment.
	FulfilledAt time.Time `json:"fulfilled_at,omitzero"`
	Evidence    string    `json:"evidence,omitempty"`
	// Overdue is set once the due time passed without fulfilment.
	Overdue bool `json:"overdue"`
}

// Window is the content of one trigger's sliding window for one group.
type Window struct {
	Trigger string `json:"trigger"`
	// Group is the grouping key: the actor and/or child zone, joined by "/"
	// ("" when the trigger does not group).
	Group string  `json:"group"`
	Count int     `json:"count"`
	Sum   float64 `json:"sum,omitempty"`
}
