package tco

import (
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// An open loop that kept up is unsaturated, unless the run's own
// growing-latency warning says the server fell behind.
func TestKeptUpUnlessTheRunFellBehind(t *testing.T) {
	run := func(warnings ...string) *runrecord.Run {
		return &runrecord.Run{Warnings: warnings,
			Config: runrecord.RunConfig{Load: runrecord.LoadConfig{Mode: runrecord.ArrivalConstant, RatePerS: 10}},
			Summary: &runrecord.Summary{Throughput: runrecord.Throughput{TasksPerS: 9.8, RequestsPerS: 9.8},
				LatencyMS: map[string]runrecord.Dist{runrecord.MetricE2E: {Mean: 400}}}}
	}
	for _, c := range []struct {
		warning string
		want    bool
	}{
		{"", false},
		{"latency from the scheduled time grew during the run (…): " + runrecord.WarnQueuedBehind, true},
		{"latency grew during the run both from the scheduled time (…): " + runrecord.WarnOverloaded, true},
	} {
		var ws []string
		if c.warning != "" {
			ws = []string{c.warning}
		}
		if b := throughputBasis(run(ws...), nil); b.Saturated != c.want {
			t.Errorf("warning %q: saturated %v, want %v (%s)", c.warning, b.Saturated, c.want, b.Reason)
		}
	}
}
