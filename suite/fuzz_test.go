package suite

import (
	"os"
	"testing"
)

// FuzzParse: any input gives a suite or an error, never a panic, and a
// suite that parses expands into runs with names and a duration or count.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("../examples/nightly-suite.yaml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("name: n\ndefaults: {duration: 1m}\nworkloads: [draft-email]\ntargets: [{name: t, url: 'http://h:1'}]\nloads: [{concurrency: 1}]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b, "f.yaml", Checks{})
		if err != nil {
			return
		}
		for _, sp := range s.Expand() {
			if sp.Name == "" || sp.Duration == 0 && sp.Count == 0 {
				t.Fatalf("bad spec %+v", sp)
			}
		}
	})
}
