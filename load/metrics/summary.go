package metrics

import (
	"fmt"
	"os"

	"github.com/tcobench/tcobench/runrecord"
)

// Summary computes the run's figures over window (the measurement window
// on the run clock). A zero window is replaced by the span of the measured
// attempts. Tasks not yet declared done (TaskDone) are taken as done now.
func (c *Accumulator) Summary(window runrecord.Window) *runrecord.Summary {
	if window.EndNS <= window.StartNS {
		window = c.Window()
	}
	ws := window.Seconds()
	for id, t := range c.tasks {
		c.finishTask(t)
		delete(c.tasks, id)
	}
	s := &runrecord.Summary{
		Requests: c.counts, WindowS: ws, LatencyMS: map[string]runrecord.Dist{},
		TokenTotals: c.tokens, Tasks: c.taskCounts, TCPStall: c.stall.record(),
	}
	if len(c.errs) > 0 {
		s.ErrorsByClass = c.errs
	}
	for i := range c.m {
		m := &c.m[i]
		if m.count() == 0 {
			continue
		}
		name := metricNames[i]
		s.LatencyMS[name] = m.dist()
		switch a := m.approx(); {
		case a == nil:
		case metric(i) == mITL:
			s.ITLApprox = a
		default:
			if s.Approx == nil {
				s.Approx = map[string]runrecord.Approx{}
			}
			s.Approx[name] = *a
		}
	}
	if c.m[mITL].count() > 0 {
		s.ITLBasis = "per_chunk"
		if c.itlOne && !c.itlUnchecked {
			s.ITLBasis = "per_token"
		}
	}
	s.Throughput = c.throughput(ws, s.Tasks.Completed, window)
	s.Outcomes = c.outcomes(s)
	if len(c.slos) > 0 {
		g := &runrecord.Goodput{SLOs: c.slos}
		if ws > 0 {
			g.RequestsPerS, g.TasksPerS = float64(c.good)/ws, float64(c.goodTasks)/ws
		}
		if c.counts.Measured > 0 {
			g.Fraction = float64(c.good) / float64(c.counts.Measured)
		}
		s.Goodput = g
	}
	return s
}

func (c *Accumulator) sumErrs() int {
	n := 0
	for _, v := range c.errs {
		n += v
	}
	return n
}

func (c *Accumulator) taskMeets(schedNS int64) bool {
	for _, s := range c.slos {
		if (s.Metric == runrecord.MetricTaskLatency || s.Metric == runrecord.MetricTaskLatencySched) && schedNS > int64(s.Max) {
			return false
		}
	}
	return true
}

// Window is the span of the measured attempts: from the first scheduled
// send to the last end.
func (c *Accumulator) Window() runrecord.Window {
	if c.firstSched < 0 {
		return runrecord.Window{}
	}
	return runrecord.Window{StartNS: c.firstSched, EndNS: c.lastEnd}
}

// Summarize computes a run's summary and warnings from its attempts, using
// the run's measurement window and SLOs.
func Summarize(run *runrecord.Run, attempts []runrecord.Attempt) (*runrecord.Summary, []string) {
	c := NewAccumulator(run.Config.SLOs)
	c.knownWindow(run.Window)
	for i := range attempts {
		c.Add(&attempts[i])
	}
	s := c.Summary(run.Window)
	return s, c.Warnings(s)
}

// SummarizeDir reads a run directory (run.json and requests.jsonl; a
// directory without run.json is recovered, see LoadRun) and recomputes its
// summary and warnings, streaming the attempts.
func SummarizeDir(dir string) (*runrecord.Run, *runrecord.Summary, []string, error) {
	run, err := LoadRun(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	c := NewAccumulator(run.Config.SLOs)
	c.knownWindow(run.Window)
	err = runrecord.ReadAttempts(dir, func(a *runrecord.Attempt) error {
		c.Add(a)
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, nil, fmt.Errorf("summarize %s: %w", dir, err)
	}
	s := c.Summary(run.Window)
	return run, s, c.Warnings(s), nil
}
