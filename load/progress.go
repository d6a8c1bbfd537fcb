package load

import (
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/tcobench/tcobench/runrecord"
)

// progress keeps the live figures shown while a run goes on. observe is
// called under engine.mu.
type progress struct {
	w      io.Writer
	tty    bool
	done   int64
	errs   int64
	ttft   [256]float64 // recent TTFTs (ms), a ring
	nttft  int
	buf    []byte
	sorted []float64
	// width is the terminal's width in columns (0: unknown); a live line
	// longer than it would wrap and leave copies behind when rewritten.
	width func() int
	// hist holds recent (time, done) readings for the current rate.
	hist []rateMark
}

// rateMark is the done count at a time, for the current rate.
type rateMark struct {
	at   time.Time
	done int64
}

// rateWindow is the span the current rate is measured over.
const rateWindow = 10 * time.Second

// rate is the completion rate per second over the last rateWindow (at
// least since the previous reading), noting done at now.
func (p *progress) rate(now time.Time, done int64) float64 {
	p.hist = append(p.hist, rateMark{now, done})
	i := 0
	for i < len(p.hist)-2 && now.Sub(p.hist[i+1].at) >= rateWindow {
		i++
	}
	p.hist = p.hist[i:]
	first := p.hist[0]
	secs := now.Sub(first.at).Seconds()
	if len(p.hist) < 2 || secs <= 0 {
		return 0
	}
	return float64(done-first.done) / secs
}

func (p *progress) observe(a *runrecord.Attempt) {
	p.done++
	if !a.OK {
		p.errs++
	}
	if a.OK && a.FirstTokenNS > 0 {
		p.ttft[p.nttft%len(p.ttft)] = float64(a.FirstTokenNS-a.SentNS) / 1e6
		p.nttft++
	}
}

// startProgress prints progress until done closes; stop prints the last line.
func (e *engine) startProgress(done <-chan struct{}) (stop func()) {
	w := e.cfg.Progress
	if w == nil {
		return func() {}
	}
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.tty = true
		p.width = func() int {
			wd, _, err := term.GetSize(int(f.Fd()))
			if err != nil {
				return 0
			}
			return wd
		}
	}
	every := e.cfg.ProgressEvery
	if every <= 0 {
		every = 5 * time.Second
		if p.tty {
			every = 250 * time.Millisecond
		}
	}
	e.mu.Lock()
	e.prog = p
	e.mu.Unlock()
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(every)
		defer t.Stop()
		p.rate(time.Now(), 0)
		for {
			select {
			case <-done:
				e.printProgress(p, time.Now(), true)
				return
			case <-t.C:
				e.printProgress(p, time.Now(), false)
			}
		}
	}()
	return func() { <-exited }
}

// printProgress writes one progress line as of now: on a terminal it
// rewrites the live line (cut to the terminal's width), otherwise it
// appends a plain line.
func (e *engine) printProgress(p *progress, now time.Time, final bool) {
	e.mu.Lock()
	done, errs := p.done, p.errs
	n := min(p.nttft, len(p.ttft))
	p.sorted = append(p.sorted[:0], p.ttft[:n]...)
	e.mu.Unlock()
	rate := p.rate(now, done)
	b := p.buf[:0]
	if p.tty {
		b = append(b, "\r\033[K"...)
	}
	start := len(b)
	b = e.appendPhase(b)
	b = append(b, " sent="...)
	b = strconv.AppendInt(b, e.sent.Load(), 10)
	b = append(b, " in-flight="...)
	b = strconv.AppendInt(b, e.inflight.Load(), 10)
	b = append(b, " done="...)
	b = strconv.AppendInt(b, done, 10)
	b = append(b, " errors="...)
	b = strconv.AppendInt(b, errs, 10)
	b = append(b, " rate="...)
	b = strconv.AppendFloat(b, rate, 'f', 1, 64)
	b = append(b, "/s (10s) ttft_p50="...)
	if n > 0 {
		slices.Sort(p.sorted)
		b = strconv.AppendFloat(b, p.sorted[n/2], 'f', 1, 64)
		b = append(b, "ms"...)
	} else {
		b = append(b, '-')
	}
	if p.tty && !final && p.width != nil { // the final line ends with a newline: wrapping is harmless
		if wd := p.width(); wd > 1 && len(b)-start > wd-1 {
			b = b[:start+wd-1]
		}
	}
	if !p.tty || final {
		b = append(b, '\n')
	}
	p.buf = b
	_, _ = p.w.Write(b)
}

// appendPhase writes the run's phase, its elapsed time, the time left when
// the limits tell it, and the measured tasks started of those planned:
// "measure 12s (48s left) tasks=14/50".
func (e *engine) appendPhase(b []byte) []byte {
	l := e.cfg.load
	now := e.clk.Now()
	started, end := e.gate.progress()
	warm, dur, cool := int64(l.Warmup), int64(l.Duration), int64(l.Cooldown)
	phase := "measure"
	switch {
	case now < warm:
		phase = "warm-up"
	case end >= 0 && now >= end:
		phase = "finishing"
		if now < end+cool {
			phase = "cool-down"
		}
	}
	b = append(b, phase...)
	b = append(b, ' ')
	b = strconv.AppendFloat(b, float64(now)/1e9, 'f', 0, 64)
	b = append(b, 's')
	if left, ok := e.left(now, started, warm, dur, cool); ok {
		b = append(b, " ("...)
		b = strconv.AppendFloat(b, float64(left)/1e9, 'f', 0, 64)
		b = append(b, "s left)"...)
	}
	b = append(b, " tasks="...)
	b = strconv.AppendInt(b, int64(started), 10)
	if l.Count > 0 {
		b = append(b, '/')
		b = strconv.AppendInt(b, int64(l.Count), 10)
	}
	return b
}

// left estimates the time to the end of the load: from the duration when
// the run has one, else from the rate at which measured tasks started.
func (e *engine) left(now int64, started int, warm, dur, cool int64) (int64, bool) {
	switch {
	case dur > 0:
		return max(0, warm+dur+cool-now), true
	case e.cfg.load.Count > 0 && started > 0 && now > warm:
		rest := int64(e.cfg.load.Count - started)
		return max(0, (now-warm)*rest/int64(started)+cool), true
	}
	return 0, false
}
