package metrics

import (
	"fmt"
	"slices"

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
	if s.Requests.Dropped > 0 {
		w = append(w, fmt.Sprintf("%d scheduled requests were dropped (never sent: the run ended or was interrupted while they waited); they count as failures", s.Requests.Dropped))
	}
	if n := s.ErrorsByClass[runrecord.ErrHarness]; n > 0 {
		w = append(w, fmt.Sprintf("%d measured requests failed on tcobench's own limits (class harness: open files, local ports or memory), not on the server: the load applied was less than the load configured; their errors say which limit to raise", n))
	}
	if t := c.trendWarning(); t != "" {
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

// trendWarning compares the first and last thirds of the measured requests
// (in schedule order): latency from the scheduled time growing while latency
// from the send does not means requests queued before they were sent.
func (c *Accumulator) trendWarning() string {
	// Later steps of a multi-step task carry a growing context, so they are
	// slower by design; the first steps alone show whether the server fell
	// behind over the run.
	pts := slices.DeleteFunc(slices.Clone(c.trend), func(p trendPoint) bool { return p.step != 0 })
	n := len(pts)
	if n < 9 {
		return ""
	}
	slices.SortFunc(pts, func(a, b trendPoint) int { return int(a.sched - b.sched) })
	third := n / 3
	firstS, lastS := medianOf(pts[:third], true), medianOf(pts[n-third:], true)
	first, last := medianOf(pts[:third], false), medianOf(pts[n-third:], false)
	if lastS < 2*firstS || lastS-firstS < 50 {
		return ""
	}
	if last < 1.5*first+10 {
		return fmt.Sprintf("latency from the scheduled time grew during the run (median e2e %.0f ms in the first third, %.0f ms in the last) while latency from the send stayed near %.0f ms: requests queued before being sent, the server did not keep up with the arrival rate", firstS, lastS, last)
	}
	return fmt.Sprintf("latency grew during the run both from the scheduled time (median e2e %.0f → %.0f ms) and from the send (%.0f → %.0f ms): the offered load exceeds what the server sustains", firstS, lastS, first, last)
}

func medianOf(pts []trendPoint, sched bool) float64 {
	xs := make([]float64, len(pts))
	for i, p := range pts {
		xs[i] = p.e2e
		if sched {
			xs[i] = p.e2eSched
		}
	}
	slices.Sort(xs)
	return Quantile(xs, 0.5)
}
