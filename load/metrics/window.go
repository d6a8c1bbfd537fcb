package metrics

import (
	"github.com/tcobench/tcobench/runrecord"
)

// maxPending bounds the warm-up and cool-down requests held while it is
// not yet known whether they finished inside the measurement window.
const maxPending = 1 << 16

// windowCount counts the requests of warm-up and cool-down tasks that
// finished inside the measurement window, so that throughput counts every
// request finished there whatever phase its task began in. The window's
// start is known before the run (the end of the warm-up) and its end only
// at the end (the later of the measured phase's end and the last measured
// request's end): a cool-down request that finished before the last measured
// one so far is counted at once; the others, and warm-up requests, wait in
// a bounded list until the window is known.
type windowCount struct {
	start, end int64 // -1: not known yet
	lastEnd    int64 // the latest end of a measured request so far
	// measuredDone counts measured requests that were sent and ended.
	measuredDone int
	in           windowTotals
	pending      []pendingReq
	// overflow counts requests left out because pending was full.
	overflow int
}

type windowTotals struct {
	ok, done      int
	input, output int64
}

type pendingReq struct {
	end           int64
	ok            bool
	input, output int64
}

func newWindowCount() windowCount { return windowCount{start: -1, end: -1} }

// SetWindowStart tells the accumulator where the measurement window begins
// (the end of the warm-up), before attempts are added.
func (c *Accumulator) SetWindowStart(ns int64) { c.win.start = ns }

// knownWindow sets the whole window (a run read back from its directory).
func (c *Accumulator) knownWindow(w runrecord.Window) {
	if w.EndNS > w.StartNS {
		c.win.start, c.win.end = w.StartNS, w.EndNS
	}
}

// add takes one attempt into account.
func (w *windowCount) add(a *runrecord.Attempt) {
	sent := a.SentNS > 0 && a.ErrorClass != runrecord.ErrDropped
	if a.Phase == runrecord.PhaseMeasure {
		if sent {
			w.measuredDone++
		}
		w.lastEnd = max(w.lastEnd, a.EndNS)
		return
	}
	if !sent || (w.start >= 0 && a.EndNS < w.start) {
		return
	}
	p := pendingReq{end: a.EndNS, ok: a.OK}
	if a.OK {
		p.input, p.output = int64(a.Tokens.Input), int64(a.Tokens.Output)
	}
	switch {
	case w.end >= 0:
		if a.EndNS <= w.end {
			w.in.take(p)
		}
	case a.Phase == runrecord.PhaseCooldown && a.EndNS <= w.lastEnd:
		w.in.take(p)
	case len(w.pending) < maxPending:
		w.pending = append(w.pending, p)
	default:
		w.overflow++
	}
}

func (t *windowTotals) take(p pendingReq) {
	t.done++
	if p.ok {
		t.ok++
		t.input += p.input
		t.output += p.output
	}
}

// totals are the warm-up and cool-down requests inside window.
func (w *windowCount) totals(window runrecord.Window) windowTotals {
	t := w.in
	for _, p := range w.pending {
		if p.end >= window.StartNS && p.end <= window.EndNS {
			t.take(p)
		}
	}
	return t
}

// throughput is the window's throughput: measured OK requests and those
// of other phases that finished inside it; tasks/s is completed measured
// tasks plus the task share of the other phases' requests.
func (c *Accumulator) throughput(ws float64, completed int, window runrecord.Window) runrecord.Throughput {
	if ws <= 0 {
		return runrecord.Throughput{}
	}
	o := c.win.totals(window)
	okMeasured := c.counts.Measured - c.sumErrs()
	tasks := float64(completed)
	if md := c.win.measuredDone; md > 0 {
		tasks *= float64(md+o.done) / float64(md)
	}
	return runrecord.Throughput{
		RequestsPerS: float64(okMeasured+o.ok) / ws, TasksPerS: tasks / ws,
		InputTokensPerS: float64(c.tokens.Input+o.input) / ws, OutputTokensPerS: float64(c.tokens.Output+o.output) / ws,
	}
}
