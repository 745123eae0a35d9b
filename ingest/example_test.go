package ingest_test

import (
	"fmt"
	"strings"

	"github.com/backstop-dev/backstop/ingest"
)

func ExampleGazetteer_Resolve() {
	g := ingest.DefaultGazetteer()
	for _, place := range []string{"Kyiv", "Kyiv oblast", "Odesa oblast, Black Sea", "Chauda, Crimea and Bryansk oblast"} {
		res := g.Resolve(place)
		fmt.Printf("%-36s %v unresolved %v\n", place, res.Areas, res.Unresolved)
	}
	// Output:
	// Kyiv                                 [UA-30] unresolved []
	// Kyiv oblast                          [UA-32] unresolved []
	// Odesa oblast, Black Sea              [UA-51] unresolved [black sea]
	// Chauda, Crimea and Bryansk oblast    [UA-43 RU-BRY] unresolved []
}

func ExampleReadAirRaidAlerts() {
	in := "region,started_at,finished_at,naive\n" +
		"Kharkivska oblast,2024-10-10 00:03:46+00:00,2024-10-10 00:13:44+00:00,False\n" +
		"Kyiv City,2022-02-25 16:36:22+00:00,2022-02-25 17:06:22+00:00,True\n" +
		"Kyiv City,tomorrow,,False\n"
	b, err := ingest.ReadAirRaidAlerts(strings.NewReader(in), "alerts.csv", ingest.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range b.Reports {
		fmt.Println(r.ID, r.Kind, r.Place.Areas, r.End.Sub(r.Time), r.Counts)
	}
	fmt.Printf("rows %d = accepted %d + skipped %d %v\n", b.Stats.Rows, b.Stats.Accepted, b.Stats.Skipped, b.Stats.SkippedByReason)
	fmt.Println(b.Stats.Problems[0])
	// Output:
	// air-raid-etryvoga:20241010T000346Z:UA-63 air_raid_alert [UA-63] 9m58s map[]
	// air-raid-etryvoga:20220225T163622Z:UA-30 air_raid_alert [UA-30] 30m0s map[end_imputed:1]
	// rows 3 = accepted 2 + skipped 1 map[started_at not a time:1]
	// row 3 (line 4), column started_at: started_at not a time ("tomorrow")
}
