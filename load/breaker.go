package load

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// MaxConsecutiveRefused is how many attempts in a row may be refused
// (nothing listening at the target) before the run stops sending. A closed
// loop against a server that is down would otherwise retry as fast as the
// connection is refused, filling the disk and memory with failures that say
// nothing new. Every attempt made is still recorded; the run is marked
// partial with the reason.
const MaxConsecutiveRefused = 100

// MaxHarnessErrors is how many attempts may fail on tcobench's own limits
// (class harness: open files, local ports, memory) before the run stops
// sending. These are not reset by answers in between: each one means the
// load the run was told to apply was not applied, and a closed loop whose
// dials fail at once spins at tens of thousands of attempts a second.
const MaxHarnessErrors = 100

// breaker stops a run whose target refuses every connection, or whose own
// process has run into a limit.
type breaker struct {
	refused atomic.Int64
	harness atomic.Int64
	once    sync.Once
	stop    context.CancelFunc
	reason  atomic.Value // string, once tripped
}

// observe counts a finished attempt: refused ones in a row trip the breaker;
// any answer from the server resets the count. Harness errors trip it after
// MaxHarnessErrors in all. Dropped and canceled attempts (never answered
// either way) leave the counts as they are.
func (b *breaker) observe(a *runrecord.Attempt) {
	switch a.ErrorClass {
	case runrecord.ErrRefused:
		if b.refused.Add(1) >= MaxConsecutiveRefused {
			b.trip(fmt.Sprintf("stopped early: the target refused %d connections in a row (is the model server down?)", MaxConsecutiveRefused))
		}
	case runrecord.ErrHarness:
		if b.harness.Add(1) >= MaxHarnessErrors {
			b.trip(harnessReason(a.Error))
		}
	case runrecord.ErrDropped, runrecord.ErrCanceled:
	default:
		b.refused.Store(0)
	}
}

// harnessReason says why a run stopped on harness errors and what limit to
// raise; msg is the last one's text.
func harnessReason(msg string) string {
	hint := modelapi.HarnessHint(msg)
	if hint == "" {
		hint = msg
	}
	return fmt.Sprintf("stopped early: %d attempts failed on tcobench's own limits, not the server's (class %s): %s",
		MaxHarnessErrors, runrecord.ErrHarness, hint)
}

func (b *breaker) trip(reason string) {
	b.once.Do(func() {
		b.reason.Store(reason)
		if b.stop != nil {
			b.stop()
		}
	})
}

// tripped returns the reason the breaker stopped the run, if it did.
func (b *breaker) tripped() (string, bool) {
	r, ok := b.reason.Load().(string)
	return r, ok
}
