package agreement

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a span of time written the way drafters write deadlines:
// "90m", "24h", "3d", "2w", or Go's "1h30m". Days and weeks are exact
// multiples of 24 hours; calendar months are deliberately not supported,
// because "one month" is itself an ambiguity.
type Duration time.Duration

// ParseDuration parses a Duration.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	for _, u := range []struct {
		suffix string
		d      time.Duration
	}{{"d", 24 * time.Hour}, {"w", 7 * 24 * time.Hour}} {
		if n, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(n, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("duration %q: want a number of days or weeks such as 3d or 2w", s)
			}
			return Duration(time.Duration(v * float64(u.d))), nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want e.g. 90m, 24h, 3d or 2w", s)
	}
	return Duration(d), nil
}

// UnmarshalYAML reads a Duration from a scalar.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = v
	return nil
}

// MarshalYAML writes the Duration back in the same notation.
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }

// String renders the duration in days when it is a whole number of days.
func (d Duration) String() string {
	td := time.Duration(d)
	if td > 0 && td%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", td/(24*time.Hour))
	}
	return td.String()
}
