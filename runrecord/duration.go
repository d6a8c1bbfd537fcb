package runrecord

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Duration is a time.Duration as tcobench's files write it: a Go duration
// string ("1m30s") in JSON and YAML. It also reads a plain number of
// seconds, in both.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "1m30s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: %w", s, err)
		}
		*d = Duration(v)
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("duration: want a string like \"1.5s\" or seconds, got %s", b)
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

// MarshalYAML writes the duration as a string such as "1m30s".
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// UnmarshalYAML reads "1.5s", "200ms" or a bare number of seconds; a
// negative duration is refused, with the line it is on.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: want a duration like 1.5s or 200ms", n.Line)}}
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = Duration(v)
	return nil
}

// MaxBareSeconds bounds a duration written as a bare number of seconds.
const MaxBareSeconds = 1e6

// ParseDuration reads a duration of tcobench's files: a Go duration string
// ("1.5s", "200ms") or a bare number of seconds up to MaxBareSeconds; never
// negative.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		if x < 0 || math.IsNaN(x) || math.IsInf(x, 0) || x > MaxBareSeconds {
			return 0, fmt.Errorf("want a duration between 0 and %g s, got %q", MaxBareSeconds, s)
		}
		return time.Duration(x * 1e9), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a duration: want a duration like 1.5s or 200ms, or a number of seconds", s)
	}
	return v, nil
}

// D returns the value as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String is the Go duration string ("1m30s").
func (d Duration) String() string { return time.Duration(d).String() }
