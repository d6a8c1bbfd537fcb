package collectors

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// TestWriteTelemetry: no samples, no file; samples are refused through a
// link planted at telemetry.jsonl, and the link's target is unchanged.
func TestWriteTelemetry(t *testing.T) {
	dir := t.TempDir()
	if err := WriteTelemetry(dir, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, runrecord.TelemetryFile)); !os.IsNotExist(err) {
		t.Fatalf("an empty telemetry.jsonl was created (%v)", err)
	}
	outside := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(outside, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, runrecord.TelemetryFile)); err != nil {
		t.Fatal(err)
	}
	if err := WriteTelemetry(dir, []runrecord.Sample{{Metric: "m", Value: 1}}); err == nil {
		t.Fatal("telemetry written through a link")
	}
	if b, _ := os.ReadFile(outside); string(b) != "keep" {
		t.Fatalf("the link's target changed: %q", b)
	}
}
