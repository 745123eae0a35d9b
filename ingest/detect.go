package ingest

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/backstop-dev/backstop"
)

// Type names an importer.
type Type string

// The importers.
const (
	TypeMissile    Type = "missile"    // missile_attacks_daily.csv
	TypeVIINA      Type = "viina"      // VIINA_*_REBUILD.csv
	TypeBellingcat Type = "bellingcat" // ukr-civharm-*.json
	TypeAlerts     Type = "alerts"     // official_data_en.csv, volunteer_data_en.csv
	TypeMapped     Type = "mapped"     // any CSV or JSON with a Mapping
)

// Types lists the importers in a stable order.
var Types = []Type{TypeMissile, TypeVIINA, TypeBellingcat, TypeAlerts, TypeMapped}

// ParseType parses an importer name.
func ParseType(s string) (Type, error) {
	for _, t := range Types {
		if string(t) == s {
			return t, nil
		}
	}
	return "", backstop.Errorf(backstop.EINVALID, "unknown importer %q: want one of missile, viina, bellingcat, alerts, mapped", s)
}

// Detect tells the importer of a file from its name and its first bytes
// (the CSV header or the start of the JSON). It returns an error naming the
// file when neither tells.
func Detect(name string, head []byte) (Type, error) {
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	line := string(head)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	has := func(cols ...string) bool {
		for _, c := range cols {
			if !strings.Contains(line, c) {
				return false
			}
		}
		return true
	}
	switch {
	case has("time_start", "time_end", "model", "launch_place"):
		return TypeMissile, nil
	case has("event_id_1pd", "sources_matching"):
		return TypeVIINA, nil
	case has("started_at", "finished_at") && (has("oblast", "level") || has("region", "naive")):
		return TypeAlerts, nil
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) > 0 && trimmed[0] == '[' && bytes.Contains(head, []byte(`"sources"`)) && bytes.Contains(head, []byte(`"filters"`)) {
		return TypeBellingcat, nil
	}
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasPrefix(base, "missile_attacks"):
		return TypeMissile, nil
	case strings.HasPrefix(base, "viina_"):
		return TypeVIINA, nil
	case strings.HasPrefix(base, "ukr-civharm"):
		return TypeBellingcat, nil
	case strings.HasPrefix(base, "official_data") || strings.HasPrefix(base, "volunteer_data"):
		return TypeAlerts, nil
	}
	return "", backstop.Errorf(backstop.EINVALID, "%s: cannot tell the format from the name or the header; name the importer (missile, viina, bellingcat, alerts, or mapped with a mapping file)", name)
}

// Read runs the importer of type t.
func Read(t Type, r io.Reader, name string, opt Options) (*Batch, error) {
	switch t {
	case TypeMissile:
		return ReadMissileAttacks(r, name, opt)
	case TypeVIINA:
		return ReadVIINA(r, name, opt)
	case TypeBellingcat:
		return ReadBellingcat(r, name, opt)
	case TypeAlerts:
		return ReadAirRaidAlerts(r, name, opt)
	case TypeMapped:
		return ReadMapped(r, name, opt)
	}
	return nil, fmt.Errorf("ingest: unknown importer %q", t)
}
