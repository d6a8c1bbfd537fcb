package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
)

// WriteSummary prints a run's figures for a terminal: counts, latencies
// from the send and from the schedule, throughput, goodput and warnings,
// then, when the run was priced, the cost headline and where to look next.
func WriteSummary(w io.Writer, run *runrecord.Run, dir string) {
	s := run.Summary
	fmt.Fprintf(w, "run %s: %s\n", run.ID, dir)
	if s == nil {
		return
	}
	r := s.Requests
	fmt.Fprintf(w, "requests: %d scheduled, %d sent, %d ok, %d failed, %d dropped; %d measured over %.1f s (measured)\n",
		r.Scheduled, r.Sent, r.OK, r.Failed, r.Dropped, r.Measured, s.WindowS)
	fmt.Fprintf(w, "tasks: %d started, %d succeeded, %d failed\n", s.Tasks.Started, s.Tasks.Succeeded, s.Tasks.Failed)
	if s.Outcomes != nil {
		fmt.Fprintln(w, metrics.OutcomesText(s.Outcomes))
	}
	fmt.Fprintf(w, "%-20s %8s %8s %8s %8s %8s\n", "latency (ms)", "p50", "p90", "p99", "max", "count")
	for _, k := range []string{runrecord.MetricTTFT, runrecord.MetricTTFTSched, runrecord.MetricTTFC, runrecord.MetricTPOT, runrecord.MetricITL,
		runrecord.MetricE2E, runrecord.MetricE2ESched, runrecord.MetricQueue, runrecord.MetricDispatchLag, runrecord.MetricTaskLatency, runrecord.MetricTaskLatencySched} {
		d, ok := s.LatencyMS[k]
		if !ok || (k == runrecord.MetricQueue && d.Max == 0) {
			continue
		}
		name := k
		if k == runrecord.MetricITL && s.ITLBasis != "" {
			name += " (" + s.ITLBasis + ")"
		}
		fmt.Fprintf(w, "%-20s %8.1f %8.1f %8.1f %8.1f %8d\n", name, d.P50, d.P90, d.P99, d.Max, d.Count)
	}
	t := s.Throughput
	fmt.Fprintf(w, "throughput: %.2f requests/s, %.2f tasks/s, %.1f input tokens/s, %.1f output tokens/s (measured window)\n",
		t.RequestsPerS, t.TasksPerS, t.InputTokensPerS, t.OutputTokensPerS)
	if g := s.Goodput; g != nil {
		fmt.Fprintf(w, "goodput: %.2f requests/s, %.2f tasks/s meeting every SLO (%.1f%% of measured requests)\n",
			g.RequestsPerS, g.TasksPerS, 100*g.Fraction)
	}
	if len(s.ErrorsByClass) > 0 {
		keys := make([]string, 0, len(s.ErrorsByClass))
		for k := range s.ErrorsByClass {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprint(w, "errors:")
		for _, k := range keys {
			fmt.Fprintf(w, " %s=%d", k, s.ErrorsByClass[k])
		}
		fmt.Fprintln(w)
	}
	for _, warn := range run.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	if c := run.Cost; c != nil && c.Headline != "" {
		fmt.Fprintf(w, "\n%s\nnext: tcobench report %s --format html (the report), tcobench cost %s (every figure of the comparison)\n", c.Headline, dir, dir)
	}
}
