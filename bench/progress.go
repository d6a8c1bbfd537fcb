package bench

import (
	"io"
	"os"
	"slices"
	"strconv"
	"time"

	"golang.org/x/term"

	"github.com/tcobench/tcobench/bench/record"
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
}

func (p *progress) observe(a *record.Attempt) {
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
		var lastDone int64
		last := time.Now()
		for {
			select {
			case <-done:
				e.printProgress(p, &lastDone, &last, true)
				return
			case <-t.C:
				e.printProgress(p, &lastDone, &last, false)
			}
		}
	}()
	return func() { <-exited }
}

func (e *engine) printProgress(p *progress, lastDone *int64, last *time.Time, final bool) {
	e.mu.Lock()
	done, errs := p.done, p.errs
	n := min(p.nttft, len(p.ttft))
	p.sorted = append(p.sorted[:0], p.ttft[:n]...)
	e.mu.Unlock()
	now := time.Now()
	rate := float64(done-*lastDone) / now.Sub(*last).Seconds()
	*lastDone, *last = done, now
	b := p.buf[:0]
	if p.tty {
		b = append(b, "\r\033[K"...)
	}
	b = append(b, "t="...)
	b = strconv.AppendFloat(b, float64(e.clk.Now())/1e9, 'f', 0, 64)
	b = append(b, "s sent="...)
	b = strconv.AppendInt(b, e.sent.Load(), 10)
	b = append(b, " in-flight="...)
	b = strconv.AppendInt(b, e.inflight.Load(), 10)
	b = append(b, " done="...)
	b = strconv.AppendInt(b, done, 10)
	b = append(b, " errors="...)
	b = strconv.AppendInt(b, errs, 10)
	b = append(b, " rate="...)
	b = strconv.AppendFloat(b, rate, 'f', 1, 64)
	b = append(b, "/s ttft_p50="...)
	if n > 0 {
		slices.Sort(p.sorted)
		b = strconv.AppendFloat(b, p.sorted[n/2], 'f', 0, 64)
		b = append(b, "ms (recent, measured)"...)
	} else {
		b = append(b, '-')
	}
	if !p.tty || final {
		b = append(b, '\n')
	}
	p.buf = b
	_, _ = p.w.Write(b)
}
