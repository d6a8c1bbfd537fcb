package perf

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestSoakRuns runs the soak benchmark for two seconds: it prints sampled
// rows and the growth summary (figures exist; their values are not tested).
func TestSoakRuns(t *testing.T) {
	var out bytes.Buffer
	if err := Soak(context.Background(), &out, SoakOptions{Duration: 2 * time.Second, Interval: 500 * time.Millisecond, RatePerS: 20}); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{"live heap MiB", "open files", "goroutines", "under load,", "after the run, against the start", "run: "} {
		if !strings.Contains(s, want) {
			t.Fatalf("soak output lacks %q:\n%s", want, s)
		}
	}
}
