package backstop

import "slices"

// Kind is the kind of a hostile act or event, from a fixed taxonomy that an
// agreement's triggers and provisions refer to. A fixed taxonomy is what makes
// the loophole check possible: the linter can list the kinds no trigger covers.
type Kind string

// The taxonomy. The first group is what the seed discussions of a guarantee
// name; the second is ACLED's event types, so that ACLED-coded data maps in
// without loss; the last group carries non-incident signals.
const (
	GroundAssault      Kind = "ground_assault"
	MissileStrike      Kind = "missile_strike"
	DroneStrike        Kind = "drone_strike"
	Artillery          Kind = "artillery"
	AirStrike          Kind = "air_strike"
	TerritorialSeizure Kind = "territorial_seizure"
	ForcesInZone       Kind = "forces_in_zone"
	HeavyWeaponsInZone Kind = "heavy_weapons_in_zone"
	CyberOperation     Kind = "cyber_operation"
	Sabotage           Kind = "sabotage"
	Blockade           Kind = "blockade"

	// ACLED event types (https://acleddata.com/acleddatanew/wp-content/uploads/2021/11/ACLED_Codebook_v1_January-2021.pdf).
	Battles                  Kind = "battles"
	ExplosionsRemoteViolence Kind = "explosions_remote_violence"
	ViolenceAgainstCivilians Kind = "violence_against_civilians"
	Protests                 Kind = "protests"
	Riots                    Kind = "riots"
	StrategicDevelopments    Kind = "strategic_developments"

	// AirRaidAlert is an early-warning signal, not an incident: it is
	// recorded and shown, but no verification rule turns it into a violation.
	AirRaidAlert Kind = "air_raid_alert"
)

// Kinds lists the whole taxonomy in a stable order.
var Kinds = []Kind{
	GroundAssault, MissileStrike, DroneStrike, Artillery, AirStrike,
	TerritorialSeizure, ForcesInZone, HeavyWeaponsInZone, CyberOperation,
	Sabotage, Blockade,
	Battles, ExplosionsRemoteViolence, ViolenceAgainstCivilians, Protests,
	Riots, StrategicDevelopments,
	AirRaidAlert,
}

// Hostile reports whether the kind is an act an agreement is expected to
// cover; early-warning signals and civil unrest are not.
func (k Kind) Hostile() bool {
	switch k {
	case AirRaidAlert, Protests, Riots, StrategicDevelopments:
		return false
	}
	return k.Valid()
}

// Valid reports whether k is in the taxonomy.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }
