package load

import (
	"os"
	"runtime/debug"
	"sync"
)

// runGCPercent is the garbage collector's target while a run applies load
// (GOGC; Go's default is 100). The engine's live heap is small (a few MB),
// so at 100 it collects tens of times a second at high rates, each cycle
// taking a share of the two Ps from the goroutines reading streams; 400
// cuts the collections about fourfold for a few MB more heap.
const runGCPercent = 400

// runMemoryLimit is the soft memory limit while a run applies load (unless
// the user set GOMEMLIMIT): the figures keep up to about 150 MB of exact
// samples in a long run (metrics.ExactCap), and a heap goal of five times
// that would hold several hundred MB of garbage; past the limit the
// collector runs more often instead.
const runMemoryLimit = 512 << 20

// gcTuner raises the collector's target for the length of the runs in
// progress and restores it when the last one ends. The GC target is
// process-wide, so concurrent runs share one raise (counted under mu).
type gcTuner struct {
	mu       sync.Mutex
	runs     int
	saved    int
	savedMem int64 // -1: the memory limit was not changed
}

// gcTune is the process's one tuner: the setting it guards is global too.
var gcTune gcTuner

// raise sets runGCPercent unless the user set GOGC, or a run already did;
// call the returned function when the run ends.
func (g *gcTuner) raise() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	g.mu.Lock()
	if g.runs == 0 {
		g.saved = debug.SetGCPercent(runGCPercent)
		g.savedMem = -1
		if os.Getenv("GOMEMLIMIT") == "" {
			g.savedMem = debug.SetMemoryLimit(runMemoryLimit)
		}
	}
	g.runs++
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		g.runs--
		if g.runs == 0 {
			debug.SetGCPercent(g.saved)
			if g.savedMem >= 0 {
				debug.SetMemoryLimit(g.savedMem)
			}
		}
		g.mu.Unlock()
	}
}

// RaiseGC raises the garbage collector's target to runGCPercent, with a soft
// memory limit of runMemoryLimit (unless the user set GOMEMLIMIT), for as long
// as the caller's runs go on (unless the user set GOGC); call the returned
// function when they end. Run never changes the GC target itself: the
// setting is process-wide, so the program that owns the process asks (the
// tcobench command does, for run and sweep).
func RaiseGC() (restore func()) { return gcTune.raise() }
