package perf

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// SoakOptions shape the soak benchmark.
type SoakOptions struct {
	// Duration is how long the load runs (default 1 h).
	Duration time.Duration
	// Interval is how often the harness's resources are sampled (default a
	// twentieth of Duration, between 5 s and 1 min).
	Interval time.Duration
	// RatePerS is the Poisson arrival rate of single-step tasks (default 50).
	RatePerS float64
	// Dir holds the run directory (default a temporary one, removed after).
	Dir string
}

func (o *SoakOptions) defaults() {
	if o.Duration <= 0 {
		o.Duration = time.Hour
	}
	if o.Interval <= 0 {
		o.Interval = min(max(o.Duration/20, 5*time.Second), time.Minute)
	}
	if o.RatePerS <= 0 {
		o.RatePerS = 50
	}
}

// Soak stream shape: 32 tokens 10 ms apart after 20 ms, so that a stream
// takes about a third of a second and some twenty are in flight at 50 tasks/s.
const (
	soakTokens     = 32
	soakFirstToken = 20 * time.Millisecond
	soakTokenDelay = 10 * time.Millisecond
)

// SoakSample is the harness process's resources at one moment of a soak.
type SoakSample struct {
	At         time.Duration
	Attempts   int64
	Failed     int64
	HeapBytes  uint64
	RSSBytes   int64
	OpenFiles  int
	Goroutines int
}

// Soak runs the load engine at a moderate open-loop load against the fake
// server (a child process) for o.Duration, printing the harness's heap,
// resident memory, open files and goroutines every o.Interval, then how
// they grew. Nothing is asserted: the figures are for docs/reliability.md.
func Soak(ctx context.Context, w io.Writer, o SoakOptions) error {
	o.defaults()
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: soakTokens, FirstTokenDelay: soakFirstToken, TokenDelay: soakTokenDelay})
	if err != nil {
		return err
	}
	defer srv.Close()
	dir := o.Dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "tcobench-soak-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	var attempts, failed atomic.Int64
	cfg := load.Config{
		OutDir: dir + "/run", Target: modelapi.Target{URL: srv.URL, API: modelapi.KindOpenAIChat, Model: "fake"},
		Plan:     load.SimplePlan(64, soakTokens),
		Schedule: load.Poisson{Rate: o.RatePerS},
		Limits:   load.Limits{Duration: o.Duration, RequestTimeout: time.Minute}, Version: "soak",
		Hooks: []load.Hooks{{Observe: func(a *runrecord.Attempt) {
			attempts.Add(1)
			if !a.OK {
				failed.Add(1)
			}
		}}},
	}
	fmt.Fprintf(w, "soak: %s at %g tasks/s (Poisson) against the fake server (%d tokens, %s apart); %s\n",
		o.Duration, o.RatePerS, soakTokens, soakTokenDelay, Machine())
	fmt.Fprintf(w, "%9s %9s %7s %14s %8s %11s %11s\n", "elapsed", "attempts", "failed", "live heap MiB", "RSS MiB", "open files", "goroutines")
	sample := func(start time.Time) SoakSample {
		s := SoakSample{At: time.Since(start).Round(time.Second), Attempts: attempts.Load(), Failed: failed.Load(),
			HeapBytes: liveHeap(), RSSBytes: rss("VmRSS"), OpenFiles: openFiles(), Goroutines: runtime.NumGoroutine()}
		fmt.Fprintf(w, "%9s %9d %7d %14.1f %8.1f %11d %11d\n", s.At, s.Attempts, s.Failed,
			float64(s.HeapBytes)/(1<<20), mib(s.RSSBytes), s.OpenFiles, s.Goroutines)
		return s
	}
	start := time.Now()
	var samples []SoakSample
	samples = append(samples, sample(start))
	type result struct {
		run *runrecord.Run
		err error
	}
	done := make(chan result, 1)
	go func() {
		run, err := load.Run(ctx, cfg)
		done <- result{run, err}
	}()
	tick := time.NewTicker(o.Interval)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			samples = append(samples, sample(start))
		case r := <-done:
			if r.err != nil {
				return r.err
			}
			fmt.Fprintln(w, "after the run (garbage collected):")
			runtime.GC() // the load is over: a collection disturbs nothing now
			after := sample(start)
			soakSummary(w, samples, after, r.run)
			return nil
		}
	}
}

// soakSummary prints how the resources grew under load, from the first
// sample to the last one taken while the run went on, what was left after
// it, and the run's own figures.
func soakSummary(w io.Writer, ss []SoakSample, after SoakSample, run *runrecord.Run) {
	if len(ss) >= 3 {
		first, last := ss[1], ss[len(ss)-1]
		perAttempt := 0.0
		if n := last.Attempts - first.Attempts; n > 0 {
			perAttempt = (float64(last.HeapBytes) - float64(first.HeapBytes)) / float64(n)
		}
		fmt.Fprintf(w, "under load, %s to %s: live heap %+.1f MiB (%.0f bytes per attempt), RSS %+.1f MiB, open files %+d, goroutines %+d\n",
			first.At, last.At, float64(int64(last.HeapBytes)-int64(first.HeapBytes))/(1<<20), perAttempt,
			mib(last.RSSBytes-first.RSSBytes), last.OpenFiles-first.OpenFiles, last.Goroutines-first.Goroutines)
	}
	fmt.Fprintf(w, "after the run, against the start: live heap %+.1f MiB, open files %+d, goroutines %+d\n",
		float64(int64(after.HeapBytes)-int64(ss[0].HeapBytes))/(1<<20), after.OpenFiles-ss[0].OpenFiles, after.Goroutines-ss[0].Goroutines)
	s := run.Summary
	fmt.Fprintf(w, "run: %d attempts, %d failed, partial %v", s.Requests.Scheduled, s.Requests.Failed, run.Partial)
	if d, ok := s.LatencyMS[runrecord.MetricDispatchLag]; ok {
		fmt.Fprintf(w, ", dispatch lag p99 %.2f ms, max %.2f ms", d.P99, d.Max)
	}
	fmt.Fprintln(w)
}

// liveHeap is the heap the last garbage collection found live: what the
// harness keeps, without garbage awaiting collection, and without forcing a
// collection that would disturb the load.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// openFiles counts this process's open file descriptors (-1 when unknown).
func openFiles() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents) - 1 // the directory being read
}
