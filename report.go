package backstop

import "time"

// Source is a monitor, outlet, government or other producer of reports. The
// registry of sources is what gives "independent" and "from opposing sides"
// a meaning: two reports are independent when their sources differ and share
// no affiliation; they come from opposing sides when their sides differ and
// neither is neutral.
type Source struct {
	ID          string      `json:"id" yaml:"id"`
	Name        string      `json:"name,omitempty" yaml:"name,omitempty"`
	Reliability Reliability `json:"-" yaml:"-"`
	// Side is the party the source is aligned with (a party id such as "UA"
	// or "RU"), or "" / "neutral" for an independent monitor or outlet.
	Side string `json:"side,omitempty" yaml:"side,omitempty"`
	// Affiliation groups sources that are not independent of each other,
	// e.g. outlets of one media group or units of one ministry.
	Affiliation string `json:"affiliation,omitempty" yaml:"affiliation,omitempty"`
}

// Neutral reports whether the source takes no side.
func (s Source) Neutral() bool { return s.Side == "" || s.Side == "neutral" }

// Place is where something happened: a point, optionally with the radius of
// its uncertainty, and/or the names of the areas (zone ids, e.g. oblast ISO
// codes "UA-30") it is known to be in when no point is known.
type Place struct {
	Lon, Lat float64 `json:",omitempty"`
	HasPoint bool    `json:"has_point,omitempty"`
	// PrecisionKm is the radius of uncertainty around the point; 0 means exact.
	PrecisionKm float64 `json:"precision_km,omitempty"`
	// Areas are zone ids the place is known to lie in (e.g. "UA-63").
	Areas []string `json:"areas,omitempty"`
	// Name is the place as the source wrote it.
	Name string `json:"name,omitempty"`
}

// Report is one source's account of one event. Reports are never altered once
// accepted; fusion groups them into incidents.
type Report struct {
	ID       string    `json:"id"`
	SourceID string    `json:"source"`
	Time     time.Time `json:"time"`
	// End is when the event ended, for events with a duration (an attack
	// night, an air-raid alert); zero when unknown or instantaneous.
	End   time.Time `json:"end,omitzero"`
	Place Place     `json:"place"`
	Kind  Kind      `json:"kind"`
	// Actor is the party the source attributes the act to ("RU", "UA"), or "".
	Actor string `json:"actor,omitempty"`
	// Credibility is the source's own or the importer's grading of this item.
	Credibility Credibility `json:"credibility,omitempty"`
	// Counts carries numbers the source reports, e.g. "launched", "destroyed",
	// "killed", "injured".
	Counts map[string]float64 `json:"counts,omitempty"`
	Text   string             `json:"text,omitempty"`
	Link   string             `json:"link,omitempty"`
}

// Incident is an event established from one or more reports. Its grade and
// sources are what verification rules look at; its place and kind are what
// provisions and triggers look at.
type Incident struct {
	ID    string    `json:"id"`
	Time  time.Time `json:"time"`
	End   time.Time `json:"end,omitzero"`
	Kind  Kind      `json:"kind"`
	Actor string    `json:"actor,omitempty"`
	Place Place     `json:"place"`
	// Zones are the agreement zones the incident lies in; filled in by
	// whoever knows the zones (the evaluator or the monitor).
	Zones  []string           `json:"zones,omitempty"`
	Counts map[string]float64 `json:"counts,omitempty"`
	// AreaKm2 is the area concerned, for territorial incidents.
	AreaKm2 float64 `json:"area_km2,omitempty"`
	Grade   Grade   `json:"-"`
	// Sources are the distinct sources behind the incident, and Reports the
	// ids of its reports.
	Sources []Source `json:"sources,omitempty"`
	Reports []string `json:"reports,omitempty"`
	// IndependentSources counts sources that share no affiliation.
	IndependentSources int `json:"independent_sources"`
	// OpposingSides is true when sources aligned with opposing sides agree.
	OpposingSides bool   `json:"opposing_sides"`
	Text          string `json:"text,omitempty"`
}
