package perf

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// runMemEnv carries a long-run memory job to a child process.
const runMemEnv = "TCOBENCH_PERF_RUNMEM"

// Long-run memory benchmark shape: short zero-work streams from a closed
// loop, as fast as the two processes go.
const (
	runMemTokens = 8
	runMemUsers  = 32
)

type runMemJob struct {
	URL      string `json:"url"`
	Requests int    `json:"requests"`
	Dir      string `json:"dir"`
}

// MemPoint is the client's memory after Done requests had finished.
type MemPoint struct {
	Seconds float64 `json:"s"`
	Done    int64   `json:"done"`
	// RSS is the resident set (bytes); Live the heap live after the last
	// garbage collection; Heap the heap's objects now, garbage included.
	RSS  int64 `json:"rss"`
	Live int64 `json:"live"`
	Heap int64 `json:"heap"`
}

// RunMemResult is the memory of one long run through harness.Run (the
// engine, the telemetry hooks with the host collector, the live exporter).
type RunMemResult struct {
	Requests int        `json:"requests"`
	Seconds  float64    `json:"seconds"`
	Points   []MemPoint `json:"points"`
	// PerRequest is the live heap's growth per finished request (bytes),
	// from the first sample to the highest.
	PerRequest float64 `json:"per_request"`
	PeakRSS    int64   `json:"peak_rss"`
	// Exact says whether every latency figure of the run's summary kept
	// exact percentiles (no metric past its cap).
	Exact bool   `json:"exact"`
	Err   string `json:"err,omitempty"`
}

// RunMemory runs n requests against the zero-work fake server (a child
// process) from a client child process (this executable, which must call
// RunMemChildIfAsked), sampling the client's memory once a second.
func RunMemory(ctx context.Context, n int) (RunMemResult, error) {
	srv, err := StartServer(ctx, fakeserver.Options{Tokens: runMemTokens})
	if err != nil {
		return RunMemResult{}, err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp("", "tcobench-perf-runmem-")
	if err != nil {
		return RunMemResult{}, err
	}
	defer os.RemoveAll(dir)
	var r RunMemResult
	err = childResult(ctx, runMemEnv, "run memory client", runMemJob{URL: srv.URL, Requests: n, Dir: dir + "/run"}, &r)
	if err == nil && r.Err != "" {
		err = fmt.Errorf("run memory client: %s", r.Err)
	}
	return r, err
}

// LongRun runs n requests of the benchmark's plan (Plan) against the
// server at url into the run directory dir through the whole harness,
// calling observe with each finished attempt. perfbench supplies it: the
// harness sits on perf's own floor.
type LongRun func(ctx context.Context, url string, n int, dir string, observe func(*runrecord.Attempt)) (*runrecord.Run, error)

// LongRunShape is the long-run benchmark's load: its plan, closed-loop
// users and seed, for a LongRun to apply.
func LongRunShape() (workloads.Plan, load.Closed, uint64) {
	return plan(runMemTokens), load.Closed{Users: runMemUsers}, 1
}

// RunMemChildIfAsked does the long run's client work with run and returns
// true when this process was started as that child; main calls it first.
func RunMemChildIfAsked(run LongRun) (bool, error) {
	spec := os.Getenv(runMemEnv)
	if spec == "" {
		return false, nil
	}
	var job runMemJob
	if err := json.Unmarshal([]byte(spec), &job); err != nil {
		return true, err
	}
	var done atomic.Int64
	r := RunMemResult{Requests: job.Requests}
	start := time.Now()
	stop := make(chan struct{})
	sampled := make(chan []MemPoint)
	go func() { sampled <- sampleMemory(start, &done, stop) }()
	restore := load.RaiseGC() // as the tcobench command runs the engine
	res, err := run(context.Background(), job.URL, job.Requests, job.Dir, func(*runrecord.Attempt) { done.Add(1) })
	restore()
	close(stop)
	r.Points = <-sampled
	r.Seconds = time.Since(start).Seconds()
	r.PeakRSS = rss("VmHWM")
	r.PerRequest = growth(r.Points)
	if err != nil {
		r.Err = err.Error()
	} else {
		r.Exact = res.Summary.ITLApprox == nil && len(res.Summary.Approx) == 0
	}
	return true, json.NewEncoder(os.Stdout).Encode(r)
}

// sampleMemory reads the memory figures once a second until stop closes.
func sampleMemory(start time.Time, done *atomic.Int64, stop <-chan struct{}) []MemPoint {
	ms := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}
	var pts []MemPoint
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return pts
		case <-t.C:
		}
		metrics.Read(ms)
		pts = append(pts, MemPoint{Seconds: time.Since(start).Seconds(), Done: done.Load(), RSS: rss("VmRSS"),
			Live: int64(ms[0].Value.Uint64()), Heap: int64(ms[1].Value.Uint64())})
	}
}

// growth is the live heap's growth per finished request over the run:
// from the first sample to the highest live heap seen (bytes), so that a
// collection just before the end does not flatter it.
func growth(pts []MemPoint) float64 {
	if len(pts) < 2 {
		return 0
	}
	top := pts[0].Live
	for _, p := range pts {
		top = max(top, p.Live)
	}
	n := pts[len(pts)-1].Done - pts[0].Done
	if n <= 0 {
		return 0
	}
	return float64(top-pts[0].Live) / float64(n)
}

// MemTable picks about rows points spread over the run, the last included.
func (r RunMemResult) MemTable(rows int) []MemPoint {
	if len(r.Points) <= rows {
		return r.Points
	}
	var out []MemPoint
	for i := 1; i <= rows; i++ {
		out = append(out, r.Points[i*(len(r.Points)-1)/rows])
	}
	return out
}
