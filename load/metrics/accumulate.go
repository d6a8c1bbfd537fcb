package metrics

import (
	"github.com/tcobench/tcobench/runrecord"
)

// Accumulator gathers the samples of a run's attempts one at a time, so a
// run of any length is summarised without keeping its attempts: per
// finished request it keeps a few numbers (its latencies, for exact
// percentiles, up to ExactCap per metric; beyond, a histogram of bounded
// size), per task in flight a small record until the task is done
// (TaskDone), and counters. It is not safe for concurrent use.
type Accumulator struct {
	slos   []runrecord.SLO
	counts runrecord.RequestCounts
	errs   map[string]int
	m      [nMetrics]samples
	itlOne bool // every chunk so far carried one token, matching usage
	// itlUnchecked: some ITL samples came from attempts without a usage
	// report, so one token per chunk could not be checked.
	itlUnchecked bool
	tokens       runrecord.TokenTotals
	tasks        map[string]*taskAcc // tasks with an attempt, not yet done
	taskCounts   runrecord.TaskCounts
	good         int // measured requests meeting every SLO
	goodTasks    int // succeeded tasks meeting every SLO
	trend        trend
	stall        stallCounts
	// span of the measured attempts, for a window when the run has none
	firstSched, lastEnd int64
	// win counts warm-up and cool-down requests finished in the window;
	// out gathers success checks and task outcomes (window.go, outcomes.go).
	win windowCount
	out outcomeAcc
}

// taskAcc is what a task in flight needs until it is done.
type taskAcc struct {
	sched, sent, end int64
	ok, good, cut    bool
	pass             int8   // outcomeNone, outcomePass or outcomeFail
	instance         string // the workload instance the outcome is of
}

// NewAccumulator returns an empty accumulator judging goodput against slos.
func NewAccumulator(slos []runrecord.SLO) *Accumulator {
	c := &Accumulator{slos: slos, errs: map[string]int{}, itlOne: true, tasks: map[string]*taskAcc{}, firstSched: -1, win: newWindowCount()}
	for i := range c.m {
		c.m[i].limit = ExactCap
	}
	c.m[mITL].limit = ITLExactCap
	return c
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
		c.m[mDispatchLag].add(nsToMS(a.SentNS - a.ScheduledNS - a.QueuedNS - a.ConnectNS))
		c.m[mQueue].add(nsToMS(a.QueuedNS))
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

// latencies records the latency samples and token totals of an OK attempt
// and reports whether it met every request SLO.
func (c *Accumulator) latencies(a *runrecord.Attempt) bool {
	e2e, e2eSched := a.EndNS-a.SentNS, a.EndNS-a.ScheduledNS
	c.m[mE2E].add(nsToMS(e2e))
	c.m[mE2ESched].add(nsToMS(e2eSched))
	if a.StepIndex == 0 {
		c.trend.add(trendPoint{a.ScheduledNS, float32(nsToMS(e2eSched)), float32(nsToMS(e2e))})
	}
	var ttft, ttftSched, tpot, maxITL int64 = -1, -1, -1, 0
	if a.FirstTokenNS > 0 {
		ttft, ttftSched = a.FirstTokenNS-a.SentNS, a.FirstTokenNS-a.ScheduledNS
		c.m[mTTFT].add(nsToMS(ttft))
		c.m[mTTFTSched].add(nsToMS(ttftSched))
	}
	if a.FirstContentNS > 0 {
		c.m[mTTFC].add(nsToMS(a.FirstContentNS - a.SentNS))
	}
	if out := a.Tokens.Output; out > 1 && ttft >= 0 {
		tpot = (e2e - ttft) / int64(out-1)
		c.m[mTPOT].add(nsToMS(tpot))
	}
	for i := 1; i < len(a.ChunkNS); i++ {
		d := a.ChunkNS[i] - a.ChunkNS[i-1]
		c.m[mITL].add(nsToMS(d))
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
	c.stall.add(a)
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

// task adds a measured attempt to its task's record and returns the record.
func (c *Accumulator) task(a *runrecord.Attempt, good bool) *taskAcc {
	// The task arrived when its first step became ready: its scheduled
	// time less its own delay.
	ready := a.ScheduledNS - a.DelayNS
	t := c.tasks[a.TaskID]
	if t == nil {
		t = &taskAcc{sched: ready, ok: true, good: true}
		c.tasks[a.TaskID] = t
	}
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

// TaskDone tells the accumulator that task id has recorded its last
// attempt: its figures are taken and its record dropped, so memory holds
// only the tasks in flight. Tasks never declared done are taken by Summary.
func (c *Accumulator) TaskDone(id string) {
	if t := c.tasks[id]; t != nil {
		c.finishTask(t)
		delete(c.tasks, id)
	}
}

// finishTask adds a done task to the task counts and task latencies.
func (c *Accumulator) finishTask(t *taskAcc) {
	c.out.finish(t)
	s := &c.taskCounts
	s.Started++
	if !t.cut {
		s.Completed++
	}
	if t.cut || !t.ok {
		s.Failed++
		return
	}
	s.Succeeded++
	l, ls := t.end-t.sent, t.end-t.sched
	c.m[mTaskLatency].add(nsToMS(l))
	c.m[mTaskLatencySched].add(nsToMS(ls))
	if t.good && c.taskMeets(ls) {
		c.goodTasks++
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
