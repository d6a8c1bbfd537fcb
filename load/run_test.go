package load

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// testConfig is a short open-loop run of count single-step tasks.
func testConfig(t *testing.T, target string, count int) Config {
	return Config{
		OutDir: t.TempDir(), Target: modelapi.Target{URL: target, API: modelapi.KindOpenAIChat, Model: "fake"},
		Plan:     SimplePlan(16, 4),
		Schedule: Constant{Rate: 50},
		Limits:   Limits{Count: count, RequestTimeout: 400 * time.Millisecond, Grace: time.Second}, Version: "test",
	}
}

func refusedTarget(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestFaultsAreClassified(t *testing.T) {
	cases := []struct {
		f      fault
		ok     bool
		class  string
		status int
		source string
	}{
		{faultNone, true, "", 200, runrecord.TokensFromUsage},
		{fault500, false, runrecord.ErrHTTPStatus, 500, ""},
		{fault429, false, runrecord.ErrHTTPStatus, 429, ""},
		{faultCut, false, runrecord.ErrStreamCut, 200, ""},
		{faultSlowFirst, true, "", 200, runrecord.TokensFromUsage},
		{faultMalformed, false, runrecord.ErrMalformed, 200, ""},
		{faultNoUsage, true, "", 200, runrecord.TokensEstimated},
		{faultHang, false, runrecord.ErrTimeout, 0, ""},
		{faultStreamErr, false, runrecord.ErrStreamError, 200, ""},
		{faultHugeLine, false, runrecord.ErrMalformed, 200, ""},
		{"refused", false, runrecord.ErrRefused, 0, ""},
	}
	for _, c := range cases {
		t.Run(string(c.f), func(t *testing.T) {
			t.Parallel()
			target := refusedTarget(t)
			if c.f != "refused" {
				target = startFake(t, fakeServer{f: c.f}).URL
			}
			const n = 3
			cfg := testConfig(t, target, n)
			if c.f != faultHang {
				cfg.Limits.RequestTimeout = 10 * time.Second
			}
			run, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			atts, err := runrecord.LoadAttempts(cfg.OutDir)
			if err != nil {
				t.Fatal(err)
			}
			if len(atts) != n || run.Summary.Requests.Scheduled != n {
				t.Fatalf("attempts in record %d, summary scheduled %d, want %d", len(atts), run.Summary.Requests.Scheduled, n)
			}
			for _, a := range atts {
				if a.OK != c.ok || a.ErrorClass != c.class || a.HTTPStatus != c.status {
					t.Errorf("attempt %d: ok=%v class=%q status=%d (%s); want ok=%v class=%q status=%d",
						a.Seq, a.OK, a.ErrorClass, a.HTTPStatus, a.Error, c.ok, c.class, c.status)
				}
				if c.source != "" && a.Tokens.Source != c.source {
					t.Errorf("token source %q, want %q", a.Tokens.Source, c.source)
				}
				if c.ok && (a.Tokens.Output != 4 || a.Tokens.StreamOutput != 4 || len(a.ChunkNS) != 4) {
					t.Errorf("tokens %+v chunks %d, want 4", a.Tokens, len(a.ChunkNS))
				}
				if c.f == faultSlowFirst && a.FirstTokenNS-a.SentNS < int64(290*time.Millisecond) {
					t.Errorf("slow first byte: ttft %v, want >= 300ms", time.Duration(a.FirstTokenNS-a.SentNS))
				}
			}
			if _, err := runrecord.ReadRun(cfg.OutDir); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// The server sleeps 50 ms between the reasoning token and the content
// (faultReasoning); the test asks for 15 ms of it, room for late reads.
func TestReasoningCountsAsFirstToken(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultReasoning, tokens: 3})
	cfg := testConfig(t, srv.URL, 1)
	cfg.Limits.RequestTimeout = 5 * time.Second
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	atts, _ := runrecord.LoadAttempts(cfg.OutDir)
	a := atts[0]
	if !a.OK || a.FirstTokenNS == 0 || a.FirstContentNS-a.FirstTokenNS < int64(15*time.Millisecond) {
		t.Fatalf("first token %d, first content %d: want reasoning first, content >= 15ms later", a.FirstTokenNS, a.FirstContentNS)
	}
	if a.Tokens.StreamOutput != 4 || a.Tokens.Reasoning != 1 {
		t.Fatalf("stream tokens %d reasoning %d, want 4 and 1", a.Tokens.StreamOutput, a.Tokens.Reasoning)
	}
}

// With a concurrency ceiling of one and a server slower than the arrival
// rate, latency from the scheduled time grows (requests queue) while
// latency from the send does not, and the run's warnings say so.
func TestSlowServerLatencyFromScheduleGrows(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultSlowServer, service: 60 * time.Millisecond, tokens: 2})
	cfg := testConfig(t, srv.URL, 15)
	cfg.Schedule = Constant{Rate: 30, MaxInFlight: 1}
	cfg.Limits.RequestTimeout = 5 * time.Second
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s := run.Summary
	e2e, sched, queue := s.LatencyMS[runrecord.MetricE2E], s.LatencyMS[runrecord.MetricE2ESched], s.LatencyMS[runrecord.MetricQueue]
	// Medians, not maxima: one request late on a loaded machine must not
	// decide it. The queue grows to about 15 × (60 − 33) ms ≈ 400 ms.
	if sched.Max < 3*e2e.P50 || e2e.P50 > 150 || queue.Max < 200 {
		t.Fatalf("e2e from send p50 %.0f ms, from schedule max %.0f ms, queue max %.0f ms: want schedule ≫ send", e2e.P50, sched.Max, queue.Max)
	}
	if !hasWarning(run.Warnings, "did not keep up") {
		t.Fatalf("no warning about the server not keeping up: %q", run.Warnings)
	}
	// Queueing at the ceiling is not the harness's lag: waiting for a slot
	// would put hundreds of ms into it.
	if lag := s.LatencyMS[runrecord.MetricDispatchLag]; lag.P50 > 10 {
		t.Fatalf("dispatch lag p50 %.1f ms: queueing at the ceiling counted as harness lag (%q)", lag.P50, run.Warnings)
	}
}

func hasWarning(ws []string, sub string) bool {
	for _, w := range ws {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

func TestInterruptWritesPartialRun(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultHang})
	cfg := testConfig(t, srv.URL, 0)
	cfg.Limits.Duration = time.Minute
	cfg.Limits.RequestTimeout, cfg.Limits.Grace = 0, 100*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg.Hooks = []Hooks{{Start: func(context.Context, time.Time) error {
		time.AfterFunc(300*time.Millisecond, cancel) // Ctrl-C 300 ms into the run
		return nil
	}}}
	run, err := Run(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Partial {
		t.Fatal("interrupted run not marked partial")
	}
	onDisk, _, _, err := metrics.SummarizeDir(cfg.OutDir)
	if err != nil || !onDisk.Partial {
		t.Fatalf("run.json: partial=%v err=%v", onDisk != nil && onDisk.Partial, err)
	}
	if run.Summary.ErrorsByClass[runrecord.ErrCanceled] == 0 {
		t.Fatalf("no canceled attempts: %+v %+v", run.Summary.ErrorsByClass, run.Summary.Requests)
	}
}

func TestClosedLoopMultiStepCarriesContext(t *testing.T) {
	var got []int
	srv := startFake(t, fakeServer{tokens: 2})
	plan := workloads.Plan{Name: "two-step", ReplayMode: workloads.ReplayLive, Len: 2,
		Instance: func(i int) (workloads.Instance, bool) {
			return workloads.Instance{ID: "", Name: "t", AtNS: -1, Steps: []workloads.Step{
				{ID: "a", MaxTokens: 2, Messages: []modelapi.Message{{Role: "user", Content: "q1"}}},
				{ID: "b", MaxTokens: 2, DelayNS: int64(20 * time.Millisecond), CarryAll: true,
					Messages: []modelapi.Message{{Role: "user", Content: "q2"}}},
			}}, true
		}}
	cfg := testConfig(t, srv.URL, 2)
	cfg.Plan, cfg.Schedule, cfg.Limits.Count = plan, Closed{Users: 1}, 5
	rec := &recordingBackend{Backend: mustBackend(t, srv.URL), msgs: &got}
	cfg.Client = rec
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if run.Summary.Tasks.Succeeded != 2 || run.Summary.Requests.Scheduled != 4 {
		t.Fatalf("tasks %+v requests %+v: want 2 tasks, 4 requests (plan of 2)", run.Summary.Tasks, run.Summary.Requests)
	}
	if len(got) != 4 || got[0] != 1 || got[1] != 3 {
		t.Fatalf("message counts per request %v: want step b to carry step a's message and output (1, 3, ...)", got)
	}
	if tl := run.Summary.LatencyMS[runrecord.MetricTaskLatency]; tl.Min < 20 {
		t.Fatalf("task latency min %.1f ms, want >= the 20 ms step delay", tl.Min)
	}
}

func TestDependenciesRunStepsInParallel(t *testing.T) {
	srv := startFake(t, fakeServer{tokens: 2, gap: 20 * time.Millisecond})
	msg := []modelapi.Message{{Role: "user", Content: "q"}}
	plan := workloads.Plan{Name: "dag", Len: 1, Instance: func(i int) (workloads.Instance, bool) {
		return workloads.Instance{ID: "x", AtNS: -1, Steps: []workloads.Step{
			{ID: "a", Messages: msg}, {ID: "b", DependsOn: []string{"a"}, Messages: msg},
			{ID: "c", DependsOn: []string{"a"}, Messages: msg}, {ID: "d", DependsOn: []string{"b", "c"}, Messages: msg},
		}}, true
	}}
	cfg := testConfig(t, srv.URL, 1)
	cfg.Plan = plan
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	atts, _ := runrecord.LoadAttempts(cfg.OutDir)
	by := map[string]runrecord.Attempt{}
	for _, a := range atts {
		by[a.StepID] = a
	}
	if len(by) != 4 {
		t.Fatalf("steps run: %d, want 4", len(by))
	}
	b, c, d := by["b"], by["c"], by["d"]
	if b.SentNS >= c.EndNS || c.SentNS >= b.EndNS {
		t.Errorf("b and c did not overlap: b %d-%d, c %d-%d", b.SentNS, b.EndNS, c.SentNS, c.EndNS)
	}
	if d.ScheduledNS < max(b.EndNS, c.EndNS) {
		t.Errorf("d scheduled at %d before b and c ended (%d, %d)", d.ScheduledNS, b.EndNS, c.EndNS)
	}
}
