package load

import (
	"sync"

	"github.com/tcobench/tcobench/runrecord"
)

// gate admits tasks by their arrival time and decides their phase:
// warm-up before Warmup, then the measurement phase until Duration has
// passed or Count measured tasks were admitted, then cool-down for Cooldown.
type gate struct {
	mu         sync.Mutex
	warmup     int64
	duration   int64 // 0: no time limit on the measurement phase
	cooldown   int64
	count      int // 0: no count limit
	measured   int
	measureEnd int64 // set when the measurement phase closed; -1 while open
	closed     bool
}

func newGate(l runrecord.LoadConfig) *gate {
	return &gate{warmup: int64(l.Warmup), duration: int64(l.Duration), cooldown: int64(l.Cooldown),
		count: l.Count, measureEnd: -1}
}

// admit returns the phase of a task arriving at at (run clock, ns), or
// false when the run takes no more tasks.
func (g *gate) admit(at int64) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return "", false
	}
	if at < g.warmup {
		return runrecord.PhaseWarmup, true
	}
	if g.measureEnd < 0 {
		switch {
		case g.duration > 0 && at >= g.warmup+g.duration:
			g.measureEnd = g.warmup + g.duration
		case g.count > 0 && g.measured >= g.count:
			g.measureEnd = at
		default:
			g.measured++
			if g.count > 0 && g.measured >= g.count && g.cooldown == 0 {
				g.measureEnd, g.closed = at, true
			}
			return runrecord.PhaseMeasure, true
		}
	}
	if at < g.measureEnd+g.cooldown {
		return runrecord.PhaseCooldown, true
	}
	g.closed = true
	return "", false
}

// stop closes the gate (the schedule ended or the run was interrupted).
func (g *gate) stop() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

// end returns the end of the measurement phase, or -1 when it never closed.
func (g *gate) end() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.measureEnd
}

// progress returns the measured tasks admitted so far and the end of the
// measurement phase (-1 while it is open), for the progress line.
func (g *gate) progress() (measured int, end int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.measured, g.measureEnd
}
