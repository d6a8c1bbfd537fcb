package runrecord

// Summary holds the figures of a run, computed from the attempts of the
// measurement phase. Latencies are in milliseconds; every field name carries
// its unit.
type Summary struct {
	// Requests counts attempts by outcome over the whole run (all phases).
	Requests RequestCounts `json:"requests"`
	// ErrorsByClass counts failed measured attempts by Err* class.
	ErrorsByClass map[string]int `json:"errors_by_class,omitempty"`
	// WindowS is the measurement window's length in seconds.
	WindowS float64 `json:"window_s"`

	// Latency distributions, by metric name (see the Metric* constants). Each
	// "_sched" metric is measured from the scheduled send time (no coordinated
	// omission); the plain one from the actual send.
	LatencyMS map[string]Dist `json:"latency_ms"`
	// ITLBasis says how inter-token latency was measured: "per_token" when the
	// server's chunks carried one token each (checked against its usage
	// report), "per_chunk" otherwise (including when no usage report allowed
	// the check).
	ITLBasis string `json:"itl_basis,omitempty"`
	// ITLApprox is set when the run had more inter-token latency samples than
	// are kept exactly: the ITL percentiles are then approximate (count,
	// mean, stddev, min and max stay exact). Nil: every ITL figure is exact.
	ITLApprox *Approx `json:"itl_approx,omitempty"`
	// Approx names the other metrics whose percentiles are approximate: a
	// run with more than ExactCap samples of a metric keeps them beyond it
	// in a log-bucketed histogram. Absent: every other figure is exact.
	Approx map[string]Approx `json:"approx,omitempty"`
	// TCPStall counts the streams whose timing shows a TCP stall (Nagle's
	// algorithm on the server meeting the client's delayed ACK); nil when
	// no stream did.
	TCPStall *TCPStall `json:"tcp_stall,omitempty"`

	Throughput Throughput `json:"throughput"`
	// Goodput is the rate of measured requests (and tasks) meeting every SLO at once.
	Goodput     *Goodput    `json:"goodput,omitempty"`
	Tasks       TaskCounts  `json:"tasks"`
	TokenTotals TokenTotals `json:"tokens"`
	// Outcomes are the measured tasks' success (by the workload's checks, or
	// by the absence of errors) with the pass rate's interval and pass^k.
	Outcomes *Outcomes `json:"outcomes,omitempty"`
}

// Latency metric names used as keys of Summary.LatencyMS.
const (
	MetricTTFT             = "ttft"
	MetricTTFTSched        = "ttft_sched"
	MetricTTFC             = "ttfc" // time to first content token
	MetricTPOT             = "tpot"
	MetricITL              = "itl"
	MetricE2E              = "e2e"
	MetricE2ESched         = "e2e_sched"
	MetricQueue            = "queue"
	MetricDispatchLag      = "dispatch_lag"
	MetricTaskLatency      = "task_latency"
	MetricTaskLatencySched = "task_latency_sched"
)

// RequestCounts counts attempts.
type RequestCounts struct {
	Scheduled int `json:"scheduled"`
	Sent      int `json:"sent"`
	OK        int `json:"ok"`
	Failed    int `json:"failed"`
	// Dropped attempts were scheduled but never sent (the run ended or the schedule
	// could not be kept); they are counted, not hidden.
	Dropped  int `json:"dropped"`
	Measured int `json:"measured"`
}

// Dist summarises a distribution from its raw samples (exact percentiles).
type Dist struct {
	Count  int     `json:"count"`
	Mean   float64 `json:"mean"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Stddev float64 `json:"stddev"`
	P50    float64 `json:"p50"`
	P90    float64 `json:"p90"`
	P95    float64 `json:"p95"`
	P99    float64 `json:"p99"`
	P999   float64 `json:"p999"`
}

// Throughput over the measurement window only: every request that finished
// inside it counts, whichever phase its task began in. TasksPerS is
// completed tasks per second (failed ones too): measured tasks, plus the
// task share of the warm-up and cool-down requests that finished in the
// window.
type Throughput struct {
	RequestsPerS     float64 `json:"requests_per_s"`
	TasksPerS        float64 `json:"tasks_per_s"`
	InputTokensPerS  float64 `json:"input_tokens_per_s"`
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
}

// Goodput is throughput counting only what met every SLO.
type Goodput struct {
	SLOs         []SLO   `json:"slos"`
	RequestsPerS float64 `json:"requests_per_s"`
	TasksPerS    float64 `json:"tasks_per_s"`
	// Fraction is the share of measured requests meeting every SLO.
	Fraction float64 `json:"fraction"`
}

// TaskCounts counts tasks of the measurement phase.
type TaskCounts struct {
	Started   int `json:"started"`
	Completed int `json:"completed"`
	Succeeded int `json:"succeeded"`
	Failed    int `json:"failed"`
}

// TokenTotals adds up token counts of measured attempts and says where they came from.
type TokenTotals struct {
	Input       int64 `json:"input"`
	Output      int64 `json:"output"`
	Reasoning   int64 `json:"reasoning"`
	CachedInput int64 `json:"cached_input"`
	// FromUsage and Estimated count attempts by token source.
	FromUsage int `json:"attempts_from_usage"`
	Estimated int `json:"attempts_estimated"`
	// Disagreements counts attempts where the server's usage and the stream's
	// own count of output tokens differed; MaxDisagreement is the largest difference.
	Disagreements   int `json:"usage_stream_disagreements"`
	MaxDisagreement int `json:"max_usage_stream_disagreement"`
}

// TCPStall counts measured streams (successful, with at least two chunks)
// by connection and by whether they show a TCP stall's signature: the first
// token a multiple of the delayed-ACK timeout (about 40 ms on Linux) after
// the headers, or gaps of that length inside the stream, each followed by
// chunks arriving in one burst.
type TCPStall struct {
	// Detected is true when the run shows the stall: enough streams on
	// reused connections have the signature and fresh connections mostly
	// do not. The run's warnings then name the likely cause, and the
	// latency figures include the stall.
	Detected bool `json:"detected"`
	// Reused and Fresh count the streams on reused and on newly opened
	// connections; ReusedStalled and FreshStalled those with the signature.
	Reused        int `json:"reused_streams"`
	ReusedStalled int `json:"reused_stalled"`
	Fresh         int `json:"fresh_streams"`
	FreshStalled  int `json:"fresh_stalled"`
	// MedianStallMS is the median wait of the stalled streams' first token
	// after the headers (or of the stalled gap), ms.
	MedianStallMS float64 `json:"median_stall_ms,omitempty"`
}

// The sweep's default criterion of a load point meeting its SLOs.
const (
	DefaultMinGoodput = 0.95
	DefaultMaxErrors  = 0.01
)

// ErrorFraction is the share of measured requests that failed.
func (s *Summary) ErrorFraction() float64 {
	if s.Requests.Measured == 0 {
		return 0
	}
	failed := 0
	for _, n := range s.ErrorsByClass {
		failed += n
	}
	return float64(failed) / float64(s.Requests.Measured)
}

// MeetsSLOs judges the run as a sweep judges a load point: it has SLOs, at
// least minGood of its measured requests met every one at once, and at most
// maxErr of them failed.
func (s *Summary) MeetsSLOs(minGood, maxErr float64) bool {
	return s.Goodput != nil && s.Requests.Measured > 0 && s.Goodput.Fraction >= minGood && s.ErrorFraction() <= maxErr
}
