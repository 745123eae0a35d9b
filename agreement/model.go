package agreement

import (
	"time"

	"github.com/backstop-dev/backstop"
)

// FormatVersion is the version of the agreement format this package reads.
const FormatVersion = 1

// Doc is a loaded, checked and compiled agreement document.
type Doc struct {
	Backstop int    `yaml:"backstop"` // format version, must be FormatVersion
	ID       string `yaml:"id"`
	Title    string `yaml:"title"`
	// Summary is a paragraph for readers; not interpreted.
	Summary string `yaml:"summary"`

	Parties      []*Party            `yaml:"parties"`
	Terms        []*Term             `yaml:"terms"`
	ZoneSpecs    []*ZoneSpec         `yaml:"zones"`
	Provisions   []*Provision        `yaml:"provisions"`
	Verification []*VerificationRule `yaml:"verification"`
	Triggers     []*Trigger          `yaml:"triggers"`
	Protocol     Protocol            `yaml:"protocol"`
	Tests        []*Test             `yaml:"tests"`
	// Files lists the other files the document draws on (test files are
	// loaded from here too), relative to the document.
	Include []string `yaml:"include"`

	// Path is the file the document was read from; Dir its folder, against
	// which relative paths resolve.
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
	// Source holds the text of every file read, by path, so that findings
	// can quote the line they point at.
	Source map[string][]byte `yaml:"-"`

	parties  map[string]*Party
	terms    map[string]*Term
	zones    map[string]*ZoneSpec
	stages   map[string]*Stage
	zoneKids map[string][]string // split zone id -> child zone ids, filled when zones are built
}

// Pos is a place in a source file. Line and Col count from 1; a zero Pos
// means "unknown".
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

// Party is a state, coalition or organisation with one or more roles.
type Party struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Kind is "state", "coalition" or "organisation".
	Kind string `yaml:"kind"`
	// Members lists the party ids of a coalition's members (each declared
	// as a party of its own) or free-text member names.
	Members []string `yaml:"members"`
	Roles   []Role   `yaml:"roles"`
	// Territory is the zone holding the party's territory (for the
	// beneficiary: what the guarantee protects).
	Territory string `yaml:"territory"`
	// Side groups parties for the "opposing sides" verification rule; it
	// defaults to the party's own id.
	Side string `yaml:"side"`
	Pos  Pos    `yaml:"-"`
}

// Role is what a party does under the agreement.
type Role string

// The roles.
const (
	Beneficiary Role = "beneficiary"
	Guarantor   Role = "guarantor"
	Constrained Role = "constrained"
	Monitor     Role = "monitor"
	Mediator    Role = "mediator"
)

// Roles lists the valid roles.
var Roles = []Role{Beneficiary, Guarantor, Constrained, Monitor, Mediator}

// Has reports whether the party holds role r.
func (p *Party) Has(r Role) bool {
	for _, x := range p.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// TermType is the type of a term's domain.
type TermType string

// The term types.
const (
	Enum TermType = "enum"
	Bool TermType = "bool"
	Int  TermType = "int"
)

// Term is a negotiable variable of the deal. A deal gives every term a value
// from its domain.
type Term struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Type        TermType `yaml:"type"`
	// Values is the domain of an enum term, in the order drafters list them.
	Values []string `yaml:"values"`
	// Min, Max and Step bound an int term; Step defaults to 1.
	Min  int    `yaml:"min"`
	Max  int    `yaml:"max"`
	Step int    `yaml:"step"`
	Unit string `yaml:"unit"`
	Pos  Pos    `yaml:"-"`
}

// Domain lists the term's possible values as Go values (string, bool, int64)
// in order.
func (t *Term) Domain() []any {
	switch t.Type {
	case Enum:
		out := make([]any, len(t.Values))
		for i, v := range t.Values {
			out[i] = v
		}
		return out
	case Bool:
		return []any{false, true}
	case Int:
		step := t.Step
		if step <= 0 {
			step = 1
		}
		var out []any
		for v := t.Min; v <= t.Max; v += step {
			out = append(out, int64(v))
		}
		return out
	}
	return nil
}

// ZoneSpec declares a zone. Exactly one of the constructors (GeoJSON, Union,
// Intersection, Difference, Buffer, Side, Occupied) is set.
type ZoneSpec struct {
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// GeoJSON is a file, relative to the document; Where selects features by
	// property; SplitBy makes one child zone per feature, named by the
	// property's value (e.g. one zone per oblast named by iso_3166_2).
	GeoJSON string            `yaml:"geojson"`
	Where   map[string]string `yaml:"where"`
	SplitBy string            `yaml:"split_by"`

	Union        []string    `yaml:"union"`
	Intersection []string    `yaml:"intersection"`
	Difference   []string    `yaml:"difference"` // the first minus the rest
	Buffer       *BufferSpec `yaml:"buffer"`
	Side         *SideSpec   `yaml:"side"`
	Occupied     *OccSpec    `yaml:"occupied"`

	Pos Pos `yaml:"-"`
}

// BufferSpec is the area within Km kilometres of another zone. Km is a number
// or the id of an int term ("dmz_width_km"), making the zone depend on the deal.
type BufferSpec struct {
	Of string `yaml:"of"`
	Km string `yaml:"km"`
}

// SideSpec is the part of zone Of on one side (west, east, north, south) of
// the line zone Line, e.g. the part of Ukraine west of the Dnieper.
type SideSpec struct {
	Of   string `yaml:"of"`
	Line string `yaml:"line"`
	Side string `yaml:"side"`
}

// OccSpec is the occupied area in a territorial-control snapshot file
// (a DeepState daily or raw-layer file).
type OccSpec struct {
	Snapshot string   `yaml:"snapshot"`
	Layers   []string `yaml:"layers"`
}

// ProvisionKind says whether a provision forbids, requires or allows.
type ProvisionKind string

// The provision kinds.
const (
	Prohibition ProvisionKind = "prohibition"
	Obligation  ProvisionKind = "obligation"
	Permission  ProvisionKind = "permission"
)

// Provision is a clause of the agreement: its legal wording next to its
// precise meaning.
type Provision struct {
	ID   string        `yaml:"id"`
	Kind ProvisionKind `yaml:"kind"`
	// Title is a short name; Text the legal wording, quoted in every
	// decision the provision produces.
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	// Parties are the parties bound (or, for a permission, allowed).
	Parties []string `yaml:"parties"`
	// Action is the act the provision forbids, requires or allows, from the
	// action vocabulary (see Actions); for prohibitions it defaults from the
	// incident kinds. Contradictions are found by comparing actions.
	Action string `yaml:"action"`
	// Kinds are the incident kinds a prohibition is violated by, Zones where
	// (any of them), When an extra CEL condition over incident and terms.
	Kinds []backstop.Kind `yaml:"kinds"`
	Zones []string        `yaml:"zones"`
	When  string          `yaml:"when"`
	// InForce is a CEL condition over terms: the deals under which the
	// provision applies. Empty means always.
	InForce string `yaml:"in_force"`
	// Deadline is the time an obligation allows, e.g. "30d".
	Deadline Duration `yaml:"deadline"`

	Pos  Pos `yaml:"-"`
	cond conds
}

// VerificationRule says when reports establish an incident: the minimum
// Admiralty grades, the number of independent sources, and whether sources
// from opposing sides must agree. The first rule whose kinds include an
// incident's kind applies; "*" matches every kind.
type VerificationRule struct {
	ID             string          `yaml:"id"`
	Kinds          []backstop.Kind `yaml:"kinds"`
	MinReliability string          `yaml:"min_reliability"`
	MinCredibility int             `yaml:"min_credibility"`
	MinSources     int             `yaml:"min_sources"`
	OpposingSides  bool            `yaml:"opposing_sides"`
	Text           string          `yaml:"text"`
	Pos            Pos             `yaml:"-"`

	minRel backstop.Reliability
}

// Effect is what a trigger does when it fires.
type Effect string

// The effects, in increasing gravity.
const (
	RecordViolation Effect = "violation"
	Consult         Effect = "consultation" // like NATO Article 4
	Invoke          Effect = "invocation"   // like NATO Article 5
)

// Trigger is a condition over verified incidents and what follows from it.
type Trigger struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	// Kinds, Actors and Zones filter the incidents the trigger counts; When
	// adds a CEL condition over incident and terms.
	Kinds   []backstop.Kind `yaml:"kinds"`
	Actors  []string        `yaml:"actors"`
	Zones   []string        `yaml:"zones"`
	When    string          `yaml:"when"`
	InForce string          `yaml:"in_force"`
	// Threshold says how many matching incidents, within what sliding
	// window, fire the trigger. Absent means one incident suffices.
	Threshold *Threshold `yaml:"threshold"`
	Effect    Effect     `yaml:"effect"`
	// Stage is the protocol stage the trigger opens; it defaults to the
	// stage whose id equals the effect.
	Stage string `yaml:"stage"`
	// Provision is the provision whose breach the trigger records.
	Provision string `yaml:"provision"`

	Pos  Pos `yaml:"-"`
	cond conds
}

// Threshold is "at least Count incidents (or at least Sum of a reported
// count) within Window", counted separately per actor and/or per child of a
// split zone.
type Threshold struct {
	Count int `yaml:"count"`
	// Sum names a count carried by incidents (e.g. "launched") to add up
	// instead of counting incidents; AtLeast is then the bar.
	Sum     string   `yaml:"sum"`
	AtLeast float64  `yaml:"at_least"`
	Window  Duration `yaml:"window"`
	// Per lists grouping keys: "actor", or "zone:<split zone id>" to count
	// per child zone (e.g. per oblast).
	Per []string `yaml:"per"`
}

// Protocol is the response protocol: the stages a trigger can open and what
// each guarantor owes at each.
type Protocol struct {
	Stages []*Stage `yaml:"stages"`
}

// Stage is a step of the response protocol, such as consultation or
// invocation.
type Stage struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	Text  string `yaml:"text"`
	// Follows names a stage that must have been opened first; if a trigger
	// opens this stage before that one, the earlier one opens too.
	Follows     string             `yaml:"follows"`
	Obligations []*StageObligation `yaml:"obligations"`
	Pos         Pos                `yaml:"-"`
}

// StageObligation is what parties owe when a stage opens.
type StageObligation struct {
	ID   string `yaml:"id"`
	Text string `yaml:"text"`
	// Parties owe the obligation, each separately; "guarantors" stands for
	// every party with the guarantor role.
	Parties []string `yaml:"parties"`
	Action  string   `yaml:"action"`
	// Zones is where the action takes place, if anywhere in particular.
	Zones []string `yaml:"zones"`
	// Within is the deadline, counted from the moment the stage opens.
	Within Duration `yaml:"within"`
	// Evidence lists what proves fulfilment (e.g. "public statement",
	// "delivery record").
	Evidence []string `yaml:"evidence"`
	InForce  string   `yaml:"in_force"`
	Pos      Pos      `yaml:"-"`

	inForce *program
}

// Test is a scenario with the decisions its drafters expect.
type Test struct {
	Name string `yaml:"name"`
	// Deal is a deal file, relative to the document; Terms override or set
	// terms on top of it.
	Deal  string         `yaml:"deal"`
	Terms map[string]any `yaml:"terms"`
	// Incidents are the events of the scenario, in any order.
	Incidents []TestIncident `yaml:"incidents"`
	// Now is the clock at the end of the scenario, for overdue obligations;
	// it defaults to the last incident's time.
	Now    time.Time `yaml:"now"`
	Expect Expect    `yaml:"expect"`
	Pos    Pos       `yaml:"-"`
}

// TestIncident is an incident in a test scenario. Unless Verified is set,
// it must pass the verification rules like any other.
type TestIncident struct {
	ID     string             `yaml:"id"`
	At     time.Time          `yaml:"at"`
	Kind   backstop.Kind      `yaml:"kind"`
	Actor  string             `yaml:"actor"`
	Point  []float64          `yaml:"point"` // lon, lat
	Zones  []string           `yaml:"zones"` // zones known to contain it
	Counts map[string]float64 `yaml:"counts"`
	// Grade is the Admiralty grade, e.g. "B2"; Sources the number of
	// independent sources; OpposingSides whether opposing sides agree.
	Grade         string  `yaml:"grade"`
	Sources       int     `yaml:"sources"`
	OpposingSides bool    `yaml:"opposing_sides"`
	AreaKm2       float64 `yaml:"area_km2"`
	Text          string  `yaml:"text"`
	Pos           Pos     `yaml:"-"`
}

// Expect lists the decisions a test expects. Each list is compared as a set
// with the actual decisions of that kind; a nil list is not checked, an
// empty list demands none.
type Expect struct {
	Violations  []string             `yaml:"violations"`
	Triggers    []string             `yaml:"triggers"`
	Stages      []string             `yaml:"stages"`
	Obligations []ExpectedObligation `yaml:"obligations"`
	Overdue     []ExpectedObligation `yaml:"overdue"`
	Unverified  []string             `yaml:"unverified"`
}

// ExpectedObligation is an obligation a test expects: who owes which
// obligation, and optionally by when.
type ExpectedObligation struct {
	Party      string    `yaml:"party"`
	Obligation string    `yaml:"obligation"`
	Due        time.Time `yaml:"due"`
}

// Actions is the vocabulary of acts provisions and obligations speak of.
// A closed vocabulary is what lets the linter find an obligation that a
// prohibition forbids.
var Actions = []string{
	"attack", "conduct_strikes", "seize_territory", "deploy_forces",
	"station_heavy_weapons", "withdraw_forces", "supply_arms",
	"share_intelligence", "train_forces", "conclude_defence_agreement",
	"impose_sanctions", "lift_sanctions", "consult", "enact_law",
	"report", "provide_air_defence", "monitor",
}

// ActionOfKind is the act an incident kind evidences, used as a
// prohibition's action when it names none.
var ActionOfKind = map[backstop.Kind]string{
	backstop.GroundAssault:            "attack",
	backstop.Battles:                  "attack",
	backstop.MissileStrike:            "conduct_strikes",
	backstop.DroneStrike:              "conduct_strikes",
	backstop.Artillery:                "conduct_strikes",
	backstop.AirStrike:                "conduct_strikes",
	backstop.ExplosionsRemoteViolence: "conduct_strikes",
	backstop.TerritorialSeizure:       "seize_territory",
	backstop.ForcesInZone:             "deploy_forces",
	backstop.HeavyWeaponsInZone:       "station_heavy_weapons",
}
