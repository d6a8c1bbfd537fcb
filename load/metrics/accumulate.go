package metrics

import (
	"fmt"

	"github.com/tcobench/tcobench/runrecord"
)

// Accumulator gathers the samples of a run's attempts one at a time, so a
// run of any length is summarised without keeping its attempts in memory.
// It is not safe for concurrent use.
type Accumulator struct {
	slos    []runrecord.SLO
	counts  runrecord.RequestCounts
	errs    map[string]int
	samples map[string][]float64
	// ITL samples beyond itlCap go to itlHist (then the only ITL record).
	itlCap  int
	itlHist *logHist
	itlOne  bool // every chunk so far carried one token, matching usage
	// itlUnchecked: some ITL samples came from attempts without a usage
	// report, so one token per chunk could not be checked.
	itlUnchecked bool
	tokens       runrecord.TokenTotals
	tasks        map[string]*taskAcc
	good         int
	trend        []trendPoint
	// span of the measured attempts, for a window when the run has none
	firstSched, lastEnd int64
	// win counts warm-up and cool-down requests finished in the window;
	// out gathers success checks and task outcomes (window.go, outcomes.go).
	win windowCount
	out outcomeAcc
}

type taskAcc struct {
	sched, sent, end int64
	ok, good, cut    bool
	n                int
	pass             int8 // outcomeNone, outcomePass or outcomeFail
}

type trendPoint struct {
	sched         int64
	step          int
	e2eSched, e2e float64
}

// NewAccumulator returns an empty accumulator judging goodput against slos.
func NewAccumulator(slos []runrecord.SLO) *Accumulator {
	return &Accumulator{
		slos: slos, errs: map[string]int{}, samples: map[string][]float64{},
		itlOne: true, tasks: map[string]*taskAcc{}, firstSched: -1, itlCap: ITLExactCap, win: newWindowCount(),
	}
}

// Add takes one attempt into account. The attempt is not retained.
func (c *Accumulator) Add(a *runrecord.Attempt) {
	c.count(a)
	c.win.add(a)
	if a.Phase != runrecord.PhaseMeasure {
		return
	}
	c.counts.Measured++
	if !a.OK {
		c.errs[a.ErrorClass]++
	}
	if c.firstSched < 0 || a.ScheduledNS < c.firstSched {
		c.firstSched = a.ScheduledNS
	}
	if a.EndNS > c.lastEnd {
		c.lastEnd = a.EndNS
	}
	sent := a.SentNS > 0 && a.ErrorClass != runrecord.ErrDropped
	if sent {
		// The harness's own delay: connection setup and queueing at the
		// ceiling are not the harness falling behind.
		c.add(runrecord.MetricDispatchLag, nsToMS(a.SentNS-a.ScheduledNS-a.QueuedNS-a.ConnectNS))
		c.add(runrecord.MetricQueue, nsToMS(a.QueuedNS))
	}
	good := a.OK && c.latencies(a)
	if good {
		c.good++
	}
	c.addOutcome(a, c.task(a, good))
}

func (c *Accumulator) count(a *runrecord.Attempt) {
	c.counts.Scheduled++
	switch {
	case a.ErrorClass == runrecord.ErrDropped:
		c.counts.Dropped++
	case a.OK:
		c.counts.Sent++
		c.counts.OK++
	default:
		if a.SentNS > 0 {
			c.counts.Sent++
		}
		c.counts.Failed++
	}
}

func (c *Accumulator) add(metric string, v float64) {
	c.samples[metric] = append(c.samples[metric], v)
}

// addITL keeps an ITL sample exactly while there are at most itlCap of
// them, then moves them all into a log-bucketed histogram.
func (c *Accumulator) addITL(v float64) {
	if c.itlHist != nil {
		c.itlHist.add(v)
		return
	}
	xs := append(c.samples[runrecord.MetricITL], v)
	if len(xs) <= c.itlCap {
		c.samples[runrecord.MetricITL] = xs
		return
	}
	c.itlHist = newLogHist()
	for _, x := range xs {
		c.itlHist.add(x)
	}
	delete(c.samples, runrecord.MetricITL)
}

// latencies records the latency samples and token totals of an OK attempt
// and reports whether it met every request SLO.
func (c *Accumulator) latencies(a *runrecord.Attempt) bool {
	e2e, e2eSched := a.EndNS-a.SentNS, a.EndNS-a.ScheduledNS
	c.add(runrecord.MetricE2E, nsToMS(e2e))
	c.add(runrecord.MetricE2ESched, nsToMS(e2eSched))
	c.trend = append(c.trend, trendPoint{a.ScheduledNS, a.StepIndex, nsToMS(e2eSched), nsToMS(e2e)})
	var ttft, ttftSched, tpot, maxITL int64 = -1, -1, -1, 0
	if a.FirstTokenNS > 0 {
		ttft, ttftSched = a.FirstTokenNS-a.SentNS, a.FirstTokenNS-a.ScheduledNS
		c.add(runrecord.MetricTTFT, nsToMS(ttft))
		c.add(runrecord.MetricTTFTSched, nsToMS(ttftSched))
	}
	if a.FirstContentNS > 0 {
		c.add(runrecord.MetricTTFC, nsToMS(a.FirstContentNS-a.SentNS))
	}
	if out := a.Tokens.Output; out > 1 && ttft >= 0 {
		tpot = (e2e - ttft) / int64(out-1)
		c.add(runrecord.MetricTPOT, nsToMS(tpot))
	}
	for i := 1; i < len(a.ChunkNS); i++ {
		d := a.ChunkNS[i] - a.ChunkNS[i-1]
		c.addITL(nsToMS(d))
		maxITL = max(maxITL, d)
	}
	for _, k := range a.ChunkTokens {
		if k != 1 {
			c.itlOne = false
		}
	}
	if len(a.ChunkNS) > 1 && a.Tokens.Source != runrecord.TokensFromUsage {
		c.itlUnchecked = true
	}
	c.tokenTotals(a)
	return c.meets(ttftSched, tpot, e2eSched, maxITL, a.FirstTokenNS > 0)
}

func (c *Accumulator) tokenTotals(a *runrecord.Attempt) {
	t := &c.tokens
	t.Input += int64(a.Tokens.Input)
	t.Output += int64(a.Tokens.Output)
	t.Reasoning += int64(a.Tokens.Reasoning)
	t.CachedInput += int64(a.Tokens.CachedInput)
	if a.Tokens.Source != runrecord.TokensFromUsage {
		t.Estimated++
		return
	}
	t.FromUsage++
	if d := a.Tokens.Output - a.Tokens.StreamOutput; d != 0 {
		c.itlOne = false
		// A tool-call turn's chunks are the server's parsed deltas, not
		// tokens: usage counting more is expected, not a disagreement.
		if a.FirstToolCallNS == 0 {
			t.Disagreements++
			t.MaxDisagreement = max(t.MaxDisagreement, abs(d))
		}
	}
}

// meets checks the request SLOs. Latency SLOs are judged from the
// scheduled time: what the user waited, queueing and harness lag included.
func (c *Accumulator) meets(ttftSched, tpot, e2eSched, maxITL int64, hasToken bool) bool {
	for _, s := range c.slos {
		limit := int64(s.Max)
		switch s.Metric {
		case runrecord.MetricTTFT, runrecord.MetricTTFTSched:
			if !hasToken || ttftSched > limit {
				return false
			}
		case runrecord.MetricTPOT:
			if tpot > limit {
				return false
			}
		case runrecord.MetricE2E, runrecord.MetricE2ESched:
			if e2eSched > limit {
				return false
			}
		case runrecord.MetricITL:
			if maxITL > limit {
				return false
			}
		}
	}
	return true
}

func (c *Accumulator) task(a *runrecord.Attempt, good bool) *taskAcc {
	// The task arrived when its first step became ready: its scheduled
	// time less its own delay.
	ready := a.ScheduledNS - a.DelayNS
	t := c.tasks[a.TaskID]
	if t == nil {
		t = &taskAcc{sched: ready, ok: true, good: true}
		c.tasks[a.TaskID] = t
	}
	t.n++
	t.sched = min(t.sched, ready)
	if a.SentNS > 0 && (t.sent == 0 || a.SentNS < t.sent) {
		t.sent = a.SentNS
	}
	t.end = max(t.end, a.EndNS)
	t.ok = t.ok && a.OK
	t.good = t.good && good
	if a.ErrorClass == runrecord.ErrCanceled || a.ErrorClass == runrecord.ErrDropped {
		t.cut = true
	}
	return t
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// ValidateSLO reports whether metric can be used as an SLO.
func ValidateSLO(metric string) error {
	switch metric {
	case runrecord.MetricTTFT, runrecord.MetricTTFTSched, runrecord.MetricTPOT, runrecord.MetricE2E,
		runrecord.MetricE2ESched, runrecord.MetricITL, runrecord.MetricTaskLatency, runrecord.MetricTaskLatencySched:
		return nil
	}
	return fmt.Errorf("SLO metric %q: want ttft, tpot, itl, e2e or task_latency", metric)
}
