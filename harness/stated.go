package harness

import (
	"sort"
	"strconv"
)

// Stated is a number setting and whether someone stated it (a flag, the
// environment, a config or suite file) rather than leaving the default, so
// that the figure it becomes can say configured or assumed. A *Stated is a
// pflag.Value.
type Stated struct {
	Value float64
	Given bool
}

// String implements pflag.Value.
func (s *Stated) String() string { return strconv.FormatFloat(s.Value, 'g', -1, 64) }

// Set implements pflag.Value: it parses a number and marks the setting stated.
func (s *Stated) Set(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return err
	}
	s.Value, s.Given = f, true
	return nil
}

// Type implements pflag.Value.
func (s *Stated) Type() string { return "float64" }

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
