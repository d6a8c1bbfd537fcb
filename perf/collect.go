package perf

import (
	"context"
	"os"
	"syscall"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/host"
)

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// CPUShare runs c in a collector session for d and returns the CPU time
// this process used per second of wall time (1.0 is one core busy) and the
// number of readings taken. Nothing else should run in the process
// meanwhile: whatever does is counted too.
func CPUShare(ctx context.Context, c collectors.Collector, d time.Duration) (share float64, readings int, err error) {
	reg := collectors.NewRegistry()
	if err := reg.Register(c); err != nil {
		return 0, 0, err
	}
	cpu0, t0 := cpuTime(), time.Now()
	s := reg.Start(ctx)
	time.Sleep(d)
	s.Stop(ctx)
	used, wall := cpuTime()-cpu0, time.Since(t0)
	return used.Seconds() / wall.Seconds(), len(s.Samples(t0)), nil
}

// HostCPU measures the host collector at interval, following this process.
func HostCPU(ctx context.Context, interval, d time.Duration) (float64, int, error) {
	return CPUShare(ctx, host.New(host.Options{PID: int32(os.Getpid()), Interval: interval}), d)
}
