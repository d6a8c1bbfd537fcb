//go:build linux

package load

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// preciseSpan is how much of a pacer wait the kernel's high-resolution
// timer takes: waits longer than twice this park on a runtime timer until
// preciseSpan before the due time first.
const preciseSpan = int64(1_000_000) // ns

// waitPrecise waits until due on the run clock, like waitUntil, but wakes
// within tens of microseconds instead of up to a millisecond late (the Go
// netpoller sleeps in whole milliseconds). The last stretch, at most
// 2·preciseSpan, is clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which
// blocks the OS thread: only the one pacer goroutine may call it, never a
// task. It returns false when sending stopped; a stop during the final
// stretch is seen when it ends.
func (e *engine) waitPrecise(due int64) bool {
	if due-e.clk.Now() > 2*preciseSpan && !e.waitUntil(due-preciseSpan) {
		return false
	}
	if e.sendCtx.Err() != nil {
		return false
	}
	if due-e.clk.Now() <= 0 {
		return true // behind: start the next task at once, no yield
	}
	// Let the task just started run before this thread sleeps in the
	// kernel (startPaced). Without the yield the nanosleep pacer measured
	// p99 55 ms late at 5,000 req/s; a pacer already late does not yield,
	// so it never queues behind the tasks it starts while catching up.
	runtime.Gosched()
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return e.waitUntil(due)
	}
	// The run clock is Go's monotonic clock, which is CLOCK_MONOTONIC on
	// Linux: the due time is now on CLOCK_MONOTONIC plus what remains.
	rem := due - e.clk.Now()
	if rem <= 0 {
		return e.sendCtx.Err() == nil
	}
	abs := unix.NsecToTimespec(ts.Nano() + rem)
	for unix.ClockNanosleep(unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME, &abs, nil) == unix.EINTR {
	}
	return e.sendCtx.Err() == nil
}
