package tco

import (
	"github.com/tcobench/tcobench/runrecord"

	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestWriteTableGolden renders the fixture's comparison; go test -update refreshes it.
func TestWriteTableGolden(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) {
		o.VolumeTasksPerDay = runrecord.Figure{Value: 20000, Provenance: runrecord.Configured, Source: "--volume"}
	})
	c.RecordedAPI = []runrecord.RecordedAPICost{{Model: "claude-sonnet-4-5", USDPerTask: runrecord.Figure{Value: 0.21, Provenance: runrecord.Measured}}}
	var b bytes.Buffer
	if err := WriteTable(&b, c); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "table.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("table differs from %s (go test -update to accept):\n%s", golden, b.String())
	}
}
