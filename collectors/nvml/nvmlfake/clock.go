//go:build cgo

package nvmlfake

import (
	"context"
	"time"
)

// RunClock advances the GPUs' energy counters by the wall-clock time that
// passes, every tick, until ctx ends: the mock then draws its power in real
// time, as a GPU under a real run does (examples, end-to-end tests).
func RunClock(ctx context.Context, gpus []*GPU, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			for _, g := range gpus {
				g.Advance(now.Sub(last))
			}
			last = now
		}
	}
}
