package load

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// These tests check the recorded schedule exactly: every assertion compares
// times the run recorded with each other, never with the wall clock.

const (
	step0Delay = 7 * time.Millisecond
	step1Delay = 20 * time.Millisecond
)

// twoStepPlan is a plan of n tasks of two steps (the second carrying the
// first), each step with a delay; AtNS is i×gap for trace replay.
func twoStepPlan(n int, gap time.Duration) workloads.Plan {
	msg := []modelapi.Message{{Role: "user", Content: "q"}}
	return workloads.Plan{Name: "two-step", Len: n, Instance: func(i int) (workloads.Instance, bool) {
		return workloads.Instance{ID: fmt.Sprintf("t%d", i), Name: "two", AtNS: int64(i) * int64(gap), Steps: []workloads.Step{
			{ID: "a", MaxTokens: 2, DelayNS: int64(step0Delay), Messages: msg},
			{ID: "b", MaxTokens: 2, DelayNS: int64(step1Delay), CarryAll: true, Messages: msg},
		}}, true
	}}
}

// runAttempts runs cfg and returns the run and its attempts by task and step.
func runAttempts(t *testing.T, cfg Config) (*runrecord.Run, map[string]map[string]runrecord.Attempt) {
	t.Helper()
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]map[string]runrecord.Attempt{}
	for _, a := range atts {
		if !a.OK {
			t.Fatalf("attempt %s/%s failed: %s", a.TaskID, a.StepID, a.Error)
		}
		if by[a.TaskID] == nil {
			by[a.TaskID] = map[string]runrecord.Attempt{}
		}
		by[a.TaskID][a.StepID] = a
	}
	return run, by
}

// checkSteps checks that each task's second step was scheduled at the first
// one's end plus its delay, with the delay recorded, and that the first
// step was scheduled at arrival(i) plus its delay.
func checkSteps(t *testing.T, by map[string]map[string]runrecord.Attempt, n int, arrival func(i int) int64) {
	t.Helper()
	if len(by) != n {
		t.Fatalf("%d tasks recorded, want %d", len(by), n)
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("t%d", i)
		a, b := by[id]["a"], by[id]["b"]
		if arrival != nil {
			if want := arrival(i) + int64(step0Delay); a.ScheduledNS != want {
				t.Errorf("%s step a scheduled at %d, want arrival %d + delay = %d", id, a.ScheduledNS, arrival(i), want)
			}
		}
		if want := a.EndNS + int64(step1Delay); b.ScheduledNS != want {
			t.Errorf("%s step b scheduled at %d, want step a's end %d + delay = %d", id, b.ScheduledNS, a.EndNS, want)
		}
		if a.DelayNS != int64(step0Delay) || b.DelayNS != int64(step1Delay) {
			t.Errorf("%s delays recorded %d, %d", id, a.DelayNS, b.DelayNS)
		}
		if b.SentNS < b.ScheduledNS {
			t.Errorf("%s step b sent at %d before it was due at %d", id, b.SentNS, b.ScheduledNS)
		}
	}
}

func TestOpenLoopScheduleIsTheArrivalTimes(t *testing.T) {
	srv := startFake(t, fakeServer{tokens: 2})
	cfg := testConfig(t, srv.URL, 4)
	cfg.Plan, cfg.Schedule = twoStepPlan(4, 0), Constant{Rate: 20}
	run, by := runAttempts(t, cfg)
	checkSteps(t, by, 4, func(i int) int64 { return int64(i) * int64(50*time.Millisecond) })
	checkLatencies(t, run, by)
}

func TestTraceScheduleIsTheScaledOffsets(t *testing.T) {
	srv := startFake(t, fakeServer{tokens: 2})
	cfg := testConfig(t, srv.URL, 0)
	cfg.Plan = twoStepPlan(3, 60*time.Millisecond)
	cfg.Schedule, cfg.Limits.Count = Trace{TimeScale: 0.5}, 0
	run, by := runAttempts(t, cfg)
	checkSteps(t, by, 3, func(i int) int64 { return int64(i) * int64(30*time.Millisecond) })
	checkLatencies(t, run, by)
}

// A closed-loop user is ready again when its task ended plus the think
// time: that, not the send, is the next task's scheduled time.
func TestClosedLoopScheduleIsPreviousEndPlusThink(t *testing.T) {
	const think = 15 * time.Millisecond
	srv := startFake(t, fakeServer{tokens: 2})
	cfg := testConfig(t, srv.URL, 0)
	cfg.Plan = twoStepPlan(4, 0)
	cfg.Schedule, cfg.Limits.Count = Closed{Users: 1, ThinkTime: think}, 4
	run, by := runAttempts(t, cfg)
	checkSteps(t, by, 4, nil)
	for i := 1; i < 4; i++ {
		prev, cur := by[fmt.Sprintf("t%d", i-1)]["b"], by[fmt.Sprintf("t%d", i)]["a"]
		if want := prev.EndNS + int64(think) + int64(step0Delay); cur.ScheduledNS != want {
			t.Errorf("task %d scheduled at %d, want previous end %d + think + delay = %d", i, cur.ScheduledNS, prev.EndNS, want)
		}
	}
	checkLatencies(t, run, by)
}

func TestDAGStepScheduledAtLastDependencyEnd(t *testing.T) {
	srv := startFake(t, fakeServer{tokens: 2})
	msg := []modelapi.Message{{Role: "user", Content: "q"}}
	const delay = 5 * time.Millisecond
	cfg := testConfig(t, srv.URL, 1)
	cfg.Plan = workloads.Plan{Name: "dag", Len: 1, Instance: func(i int) (workloads.Instance, bool) {
		return workloads.Instance{ID: "t0", AtNS: -1, Steps: []workloads.Step{
			{ID: "a", Messages: msg}, {ID: "b", DependsOn: []string{"a"}, Messages: msg},
			{ID: "c", DependsOn: []string{"a"}, DelayNS: int64(delay), Messages: msg},
			{ID: "d", DependsOn: []string{"b", "c"}, DelayNS: int64(delay), Messages: msg},
		}}, true
	}}
	run, by := runAttempts(t, cfg)
	s := by["t0"]
	if want := max(s["b"].EndNS, s["c"].EndNS) + int64(delay); s["d"].ScheduledNS != want {
		t.Errorf("d scheduled at %d, want the later of b's and c's ends + delay = %d", s["d"].ScheduledNS, want)
	}
	if want := s["a"].EndNS + int64(delay); s["c"].ScheduledNS != want {
		t.Errorf("c scheduled at %d, want a's end + delay = %d", s["c"].ScheduledNS, want)
	}
	checkLatencies(t, run, by)
}

// checkLatencies recomputes the request and task latencies from the
// recorded times and compares them with the run's summary: from the send
// and from the scheduled time, task latency from the task's arrival.
func checkLatencies(t *testing.T, run *runrecord.Run, by map[string]map[string]runrecord.Attempt) {
	t.Helper()
	want := map[string][]float64{}
	add := func(k string, ns int64) { want[k] = append(want[k], float64(ns)/1e6) }
	for _, steps := range by {
		arrival, sent, end := int64(math.MaxInt64), int64(math.MaxInt64), int64(0)
		for _, a := range steps {
			add(runrecord.MetricTTFT, a.FirstTokenNS-a.SentNS)
			add(runrecord.MetricTTFTSched, a.FirstTokenNS-a.ScheduledNS)
			add(runrecord.MetricE2E, a.EndNS-a.SentNS)
			add(runrecord.MetricE2ESched, a.EndNS-a.ScheduledNS)
			add(runrecord.MetricDispatchLag, a.SentNS-a.ScheduledNS-a.QueuedNS-a.ConnectNS)
			arrival, sent, end = min(arrival, a.ScheduledNS-a.DelayNS), min(sent, a.SentNS), max(end, a.EndNS)
		}
		add(runrecord.MetricTaskLatency, end-sent)
		add(runrecord.MetricTaskLatencySched, end-arrival)
	}
	for k, xs := range want {
		got := run.Summary.LatencyMS[k]
		if got.Count != len(xs) || math.Abs(got.Max-slices.Max(xs)) > 1e-9 || math.Abs(got.Min-slices.Min(xs)) > 1e-9 {
			t.Errorf("%s: summary count %d min %v max %v; recorded times give %d, %v, %v", k, got.Count, got.Min, got.Max, len(xs), slices.Min(xs), slices.Max(xs))
		}
	}
}

// Every scheduled attempt, dropped and canceled ones included, is in
// requests.jsonl after an interrupt, and the summary counts them.
func TestInterruptRecordsEveryScheduledAttempt(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultHang})
	cfg := testConfig(t, srv.URL, 0)
	cfg.Limits.Duration = time.Minute
	cfg.Schedule = Constant{Rate: 50, MaxInFlight: 2, MaxQueue: 3}
	cfg.Limits.RequestTimeout, cfg.Limits.Grace = 0, 50*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Hooks = []Hooks{{Observe: func(a *runrecord.Attempt) {
		if a.ErrorClass == runrecord.ErrDropped && strings.Contains(a.Error, "queue full") {
			cancel() // interrupt once the queue overflowed
		}
	}}}
	run, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[int64]bool{}
	classes := map[string]int{}
	for _, a := range atts {
		seqs[a.Seq] = true
		classes[a.ErrorClass]++
	}
	r := run.Summary.Requests
	if !run.Partial || len(atts) != r.Scheduled || len(seqs) != len(atts) || r.Dropped != classes[runrecord.ErrDropped] {
		t.Fatalf("partial %v, %d attempts (%d distinct seq), summary %+v, classes %v", run.Partial, len(atts), len(seqs), r, classes)
	}
	for i := range atts {
		if !seqs[int64(i)] {
			t.Fatalf("seq %d missing from requests.jsonl: a scheduled attempt was not recorded", i)
		}
	}
	if classes[runrecord.ErrCanceled] != 2 || classes[runrecord.ErrDropped] < 4 || run.Summary.ErrorsByClass[runrecord.ErrDropped] != r.Dropped {
		t.Fatalf("classes %v errors %v: want the 2 in flight canceled, the 3 queued and the overflow dropped", classes, run.Summary.ErrorsByClass)
	}
}

// requests.jsonl is flushed on a ticker: a finished attempt reaches the
// file while the others are still in flight and nothing else is written.
func TestRequestsFlushedWhileNothingFinishes(t *testing.T) {
	fast := startFake(t, fakeServer{tokens: 2})
	hang := startFake(t, fakeServer{f: faultHang})
	cfg := testConfig(t, fast.URL, 3)
	cfg.Client = &firstOnly{Backend: mustBackend(t, fast.URL), rest: mustBackend(t, hang.URL)}
	cfg.Limits.RequestTimeout = 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, cfg)
		done <- err
	}()
	path := filepath.Join(cfg.OutDir, runrecord.RequestsFile)
	deadline := time.Now().Add(10 * time.Second) // a bound on the test, not a measurement
	for {
		if b, _ := os.ReadFile(path); strings.Contains(string(b), "\n") {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("run ended (%v) before the finished attempt reached the file", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the finished attempt never reached requests.jsonl while the others were in flight: no periodic flush")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// firstOnly sends the first request to its Backend and the others to rest.
type firstOnly struct {
	modelapi.Backend
	rest modelapi.Backend
	mu   sync.Mutex
	n    int
}

func (f *firstOnly) Do(ctx context.Context, clk modelapi.Clock, req *modelapi.Request, a *runrecord.Attempt) []byte {
	f.mu.Lock()
	f.n++
	first := f.n == 1
	f.mu.Unlock()
	if first {
		return f.Backend.Do(ctx, clk, req, a)
	}
	return f.rest.Do(ctx, clk, req, a)
}

// An interrupt cancels a closed loop's requests in flight after the grace
// time: the users blocked in their requests do not hold the run open.
func TestClosedLoopInterruptCancelsAfterGrace(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultHang}) // answers only after 10 s
	cfg := testConfig(t, srv.URL, 0)
	cfg.Schedule, cfg.Limits.Count, cfg.Limits.Duration = Closed{Users: 3}, 0, time.Minute
	cfg.Limits.RequestTimeout, cfg.Limits.Grace = 0, 50*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	sent := 0
	cfg.Client = &onSend{Backend: mustBackend(t, srv.URL), f: func() {
		mu.Lock()
		defer mu.Unlock()
		if sent++; sent == 3 {
			cancel() // Ctrl-C once every user is in a request
		}
	}}
	run, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Partial || run.Summary.Requests.Scheduled != 3 || run.Summary.ErrorsByClass[runrecord.ErrCanceled] != 3 {
		t.Fatalf("partial %v requests %+v errors %v: want the 3 requests in flight canceled after the grace time",
			run.Partial, run.Summary.Requests, run.Summary.ErrorsByClass)
	}
}

// onSend calls f as each request is handed to the backend.
type onSend struct {
	modelapi.Backend
	f func()
}

func (o *onSend) Do(ctx context.Context, clk modelapi.Clock, req *modelapi.Request, a *runrecord.Attempt) []byte {
	o.f()
	return o.Backend.Do(ctx, clk, req, a)
}
