package perf

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// Waiter sleeps until a due time on a run clock whose zero is start.
type Waiter interface {
	// Wait returns at or after start+due (nanoseconds).
	Wait(due int64)
}

// TimerWaiter is the engine's way today (load/executor.go waitUntil): a
// Go runtime timer per wait. The runtime's netpoller sleeps in whole
// milliseconds when idle, so a sub-millisecond wait can take up to ~1 ms.
type TimerWaiter struct{ Start time.Time }

// Wait implements Waiter.
func (w TimerWaiter) Wait(due int64) {
	if d := due - int64(time.Since(w.Start)); d > 0 {
		t := time.NewTimer(time.Duration(d))
		<-t.C
	}
}

// NanosleepWaiter sleeps in clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)
// on the calling goroutine's thread: the kernel's high-resolution timer
// wakes it within tens of microseconds, without the runtime timer's
// millisecond rounding (the Go netpoller sleeps in whole milliseconds).
type NanosleepWaiter struct {
	start time.Time
	mono  int64 // CLOCK_MONOTONIC at start, ns
}

// NewNanosleepWaiter returns a waiter for a run clock whose zero is now,
// and the clock's zero.
func NewNanosleepWaiter() (*NanosleepWaiter, time.Time) {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	start := time.Now()
	return &NanosleepWaiter{start: start, mono: ts.Nano()}, start
}

// Wait implements Waiter. Waits longer than coarseAbove park the goroutine
// on a runtime timer first (cheap, releases the P), leaving the last
// millisecond to the kernel timer.
func (w *NanosleepWaiter) Wait(due int64) {
	rem := due - int64(time.Since(w.start))
	if rem <= 0 {
		return
	}
	if rem > coarseAbove {
		time.Sleep(time.Duration(rem - coarseAbove/2))
	}
	ts := unix.NsecToTimespec(w.mono + due)
	for unix.ClockNanosleep(unix.CLOCK_MONOTONIC, unix.TIMER_ABSTIME, &ts, nil) == unix.EINTR {
	}
}

// coarseAbove is the wait beyond which NanosleepWaiter first parks on a
// runtime timer.
const coarseAbove = int64(2 * time.Millisecond)

// paceLoop calls fire(i) at each due time of at (run clock ns), for
// arrivals due before end. With yield it calls runtime.Gosched after each
// fire: a goroutine that fire starts sits in this P's run queue (runnext),
// and while the pacer is in its nanosleep system call nothing runs it
// until the runtime's sysmon retakes the P (20 µs to 10 ms); yielding lets
// it start at once. It returns the number fired.
func paceLoop(w Waiter, yield bool, at func(i int) int64, end int64, fire func(i int, due int64)) int {
	i := 0
	for ; ; i++ {
		due := at(i)
		if due >= end {
			return i
		}
		w.Wait(due)
		fire(i, due)
		if yield {
			runtime.Gosched()
		}
	}
}
