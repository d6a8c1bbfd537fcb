package metrics

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// LagWarnMS is the dispatch-lag p99 (ms) above which a run is flagged as
// the harness having fallen behind its schedule.
const LagWarnMS = 10.0

// Warnings lists what a reader must know to trust the summary s.
func (c *Accumulator) Warnings(s *runrecord.Summary) []string {
	var w []string
	if s.Requests.Measured == 0 {
		w = append(w, "no request was measured (the run ended during warm-up, or nothing was sent): the figures are empty")
	}
	if d, ok := s.LatencyMS[runrecord.MetricDispatchLag]; ok && d.P99 > LagWarnMS {
		w = append(w, fmt.Sprintf("the harness fell behind its schedule: dispatch lag p99 %.1f ms, max %.1f ms (measured, send minus scheduled time, queueing excluded); latencies from the scheduled time include it", d.P99, d.Max))
	}
	if a := s.ITLApprox; a != nil {
		w = append(w, fmt.Sprintf("inter-token latency percentiles are approximate (within %.1f%%): the run had more than %d gaps, beyond which they are kept in a log-bucketed histogram (count, mean, min and max stay exact)", 100*a.RelErr, a.ExactCap))
	}
	if st := s.TCPStall; st != nil && st.Detected {
		w = append(w, stallWarning(st))
	}
	if s.Requests.Dropped > 0 {
		w = append(w, fmt.Sprintf("%d scheduled requests were dropped (never sent: the run ended or was interrupted while they waited); they count as failures", s.Requests.Dropped))
	}
	if len(s.Approx) > 0 {
		w = append(w, approxWarning(s.Approx))
	}
	if n := s.ErrorsByClass[runrecord.ErrHarness]; n > 0 {
		w = append(w, fmt.Sprintf("%d measured requests failed on tcobench's own limits (class harness: open files, local ports or memory), not on the server: the load applied was less than the load configured; their errors say which limit to raise", n))
	}
	if t := c.trend.warning(); t != "" {
		w = append(w, t)
	}
	if n := s.TokenTotals.Estimated; n > 0 {
		w = append(w, fmt.Sprintf("%d measured requests had no usage report from the server: their output tokens were counted from the stream and input tokens estimated (about 4 characters per token)", n))
	}
	if n := s.TokenTotals.Disagreements; n > 0 {
		w = append(w, fmt.Sprintf("%d requests' usage disagreed with the tokens counted from the stream (largest difference %d tokens): the server counts tokens its stream does not send one by one (several in a chunk, or none for special tokens); the usage report is what an API bills, so it was used", n, s.TokenTotals.MaxDisagreement))
	}
	switch {
	case s.ITLBasis != "per_chunk":
	case !c.itlOne:
		w = append(w, "inter-token latency is per chunk: the server's chunks did not carry exactly one token each")
	default:
		w = append(w, "inter-token latency is per chunk: without the server's usage report, one token per chunk could not be checked")
	}
	return append(w, c.outcomeWarnings(s)...)
}

// approxWarning says which metrics' percentiles are approximate.
func approxWarning(approx map[string]runrecord.Approx) string {
	names := make([]string, 0, len(approx))
	var a runrecord.Approx
	for k, v := range approx {
		names = append(names, k)
		a = v
	}
	slices.Sort(names)
	return fmt.Sprintf("percentiles of %s are approximate (within %.1f%%): the run had more than %d samples of each, beyond which they are kept in a log-bucketed histogram (count, mean, min and max stay exact)", strings.Join(names, ", "), 100*a.RelErr, a.ExactCap)
}
