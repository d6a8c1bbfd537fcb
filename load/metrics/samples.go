package metrics

import (
	"github.com/tcobench/tcobench/runrecord"
)

// ExactCap is how many samples of each per-request metric (TTFT, E2E,
// dispatch lag, task latency, ...) an Accumulator keeps exactly: 8 bytes
// each, 8 MB per metric. Beyond it a metric's samples move into a logHist,
// whose memory does not grow with the run, and its percentiles become
// approximate (runrecord.Summary.Approx names it). Inter-token gaps, one
// per token rather than per request, have their own cap, ITLExactCap.
const ExactCap = 1_000_000

// metric indexes an Accumulator's per-metric samples.
type metric int

const (
	mDispatchLag metric = iota
	mQueue
	mE2E
	mE2ESched
	mTTFT
	mTTFTSched
	mTTFC
	mTPOT
	mITL
	mTaskLatency
	mTaskLatencySched
	nMetrics
)

var metricNames = [nMetrics]string{
	mDispatchLag: runrecord.MetricDispatchLag, mQueue: runrecord.MetricQueue,
	mE2E: runrecord.MetricE2E, mE2ESched: runrecord.MetricE2ESched,
	mTTFT: runrecord.MetricTTFT, mTTFTSched: runrecord.MetricTTFTSched, mTTFC: runrecord.MetricTTFC,
	mTPOT: runrecord.MetricTPOT, mITL: runrecord.MetricITL,
	mTaskLatency: runrecord.MetricTaskLatency, mTaskLatencySched: runrecord.MetricTaskLatencySched,
}

// samples are one metric's values: exact while there are at most limit of
// them, then all in a log-bucketed histogram (count, mean, stddev, min and
// max stay exact; percentiles within histRelErr).
type samples struct {
	xs    []float64
	hist  *logHist
	limit int
}

func (s *samples) add(v float64) {
	if s.hist != nil {
		s.hist.add(v)
		return
	}
	if len(s.xs) < s.limit {
		s.xs = append(s.xs, v)
		return
	}
	s.hist = newLogHist()
	for _, x := range s.xs {
		s.hist.add(x)
	}
	s.xs = nil
	s.hist.add(v)
}

func (s *samples) count() int {
	if s.hist != nil {
		return int(s.hist.n)
	}
	return len(s.xs)
}

// dist summarises the samples (sorting the exact ones in place).
func (s *samples) dist() runrecord.Dist {
	if s.hist != nil {
		return s.hist.dist()
	}
	return Dist(s.xs)
}

// approx says how the percentiles were approximated; nil when exact.
func (s *samples) approx() *runrecord.Approx {
	if s.hist == nil {
		return nil
	}
	return &runrecord.Approx{Method: "log_histogram", ExactCap: s.limit, RelErr: histRelErr}
}
