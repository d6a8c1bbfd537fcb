package metrics

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

func TestDistExactPercentiles(t *testing.T) {
	xs := make([]float64, 0, 1001)
	for i := 1000; i >= 0; i-- {
		xs = append(xs, float64(i))
	}
	d := Dist(xs)
	want := runrecord.Dist{Count: 1001, Mean: 500, Min: 0, Max: 1000, P50: 500, P90: 900, P95: 950, P99: 990, P999: 999}
	d.Stddev = 0
	if d != want {
		t.Fatalf("got %+v\nwant %+v", d, want)
	}
	if q := Quantile([]float64{1, 2}, 0.5); q != 1.5 {
		t.Fatalf("interpolated median %v, want 1.5", q)
	}
	if (Dist(nil) != runrecord.Dist{}) {
		t.Fatal("empty dist not zero")
	}
}

const ms = int64(time.Millisecond)

// attempt is an OK measured attempt sent at sent ms, first token at +ttft,
// then out-1 more one-token chunks every itl ms.
func attempt(task string, sched, sent, ttft, itl int64, out int) runrecord.Attempt {
	a := runrecord.Attempt{TaskID: task, Phase: runrecord.PhaseMeasure, OK: true, ScheduledNS: sched * ms, SentNS: sent * ms,
		FirstTokenNS: (sent + ttft) * ms, FirstContentNS: (sent + ttft) * ms,
		Tokens: runrecord.Tokens{Input: 10, Output: out, StreamOutput: out, Source: runrecord.TokensFromUsage}}
	for i := 0; i < out; i++ {
		a.ChunkNS = append(a.ChunkNS, (sent+ttft+int64(i)*itl)*ms)
		a.ChunkTokens = append(a.ChunkTokens, 1)
	}
	a.EndNS = a.ChunkNS[len(a.ChunkNS)-1]
	return a
}

func TestSummarize(t *testing.T) {
	atts := []runrecord.Attempt{
		attempt("t1", 0, 0, 100, 10, 11),    // ttft 100, e2e 200, tpot 10
		attempt("t2", 100, 150, 300, 20, 6), // ttft 300 (350 from schedule), e2e 400, tpot 20
		{TaskID: "t3", Phase: runrecord.PhaseMeasure, ScheduledNS: 200 * ms, SentNS: 200 * ms, EndNS: 250 * ms,
			ErrorClass: runrecord.ErrHTTPStatus, HTTPStatus: 500, Tokens: runrecord.Tokens{Source: runrecord.TokensEstimated}},
		{TaskID: "w", Phase: runrecord.PhaseWarmup, OK: true, SentNS: 1, EndNS: 2},
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 1000 * ms},
		Config: runrecord.RunConfig{SLOs: []runrecord.SLO{{Metric: "ttft", Max: runrecord.Duration(200 * time.Millisecond)}}}}
	s, warns := Summarize(run, atts)
	if s.Requests.Scheduled != 4 || s.Requests.Measured != 3 || s.Requests.OK != 3 || s.Requests.Failed != 1 {
		t.Fatalf("counts %+v", s.Requests)
	}
	check := func(metric string, field, want float64) {
		t.Helper()
		if math.Abs(field-want) > 1e-9 {
			t.Errorf("%s: %v, want %v", metric, field, want)
		}
	}
	l := s.LatencyMS
	check("ttft max", l[runrecord.MetricTTFT].Max, 300)
	check("ttft_sched max", l[runrecord.MetricTTFTSched].Max, 350)
	check("e2e min", l[runrecord.MetricE2E].Min, 200)
	check("tpot max", l[runrecord.MetricTPOT].Max, 20)
	check("itl min", l[runrecord.MetricITL].Min, 10)
	check("dispatch lag max", l[runrecord.MetricDispatchLag].Max, 50)
	// The warm-up request finished inside the window (which starts at 0): it counts.
	check("requests/s", s.Throughput.RequestsPerS, 3)
	check("output tokens/s", s.Throughput.OutputTokensPerS, 17)
	check("goodput fraction", s.Goodput.Fraction, 1.0/3)
	check("goodput tasks/s", s.Goodput.TasksPerS, 1)
	if s.ITLBasis != "per_token" || s.ErrorsByClass[runrecord.ErrHTTPStatus] != 1 || s.Tasks.Succeeded != 2 || s.Tasks.Failed != 1 {
		t.Fatalf("basis %q errors %v tasks %+v", s.ITLBasis, s.ErrorsByClass, s.Tasks)
	}
	if len(warns) == 0 || !contains(warns, "harness fell behind") {
		t.Fatalf("warnings %q: want the 50 ms dispatch lag flagged", warns)
	}
}

func contains(ws []string, sub string) bool {
	for _, w := range ws {
		if strings.Contains(w, sub) {
			return true
		}
	}
	return false
}

func TestUsageDisagreementMakesITLPerChunk(t *testing.T) {
	a := attempt("t", 0, 0, 10, 10, 4)
	a.Tokens.Output = 6 // the server counted more tokens than chunks
	s, warns := Summarize(&runrecord.Run{}, []runrecord.Attempt{a})
	if s.ITLBasis != "per_chunk" || s.TokenTotals.Disagreements != 1 || s.TokenTotals.MaxDisagreement != 2 {
		t.Fatalf("basis %q totals %+v", s.ITLBasis, s.TokenTotals)
	}
	if !contains(warns, "disagreed") {
		t.Fatalf("warnings %q", warns)
	}
}

func TestSummarizeDirMatchesInMemory(t *testing.T) {
	dir := t.TempDir()
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	atts := []runrecord.Attempt{attempt("a", 0, 1, 5, 2, 3), attempt("b", 10, 12, 7, 3, 5)}
	for i := range atts {
		if err := w.Write(&atts[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	run := &runrecord.Run{ID: "x", Window: runrecord.Window{EndNS: 100 * ms}}
	if err := runrecord.WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	_, got, _, err := SummarizeDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Summarize(run, atts)
	if got.LatencyMS[runrecord.MetricTTFT] != want.LatencyMS[runrecord.MetricTTFT] || got.Throughput != want.Throughput {
		t.Fatalf("from disk %+v\nin memory %+v", got, want)
	}
}

// Without a usage report one token per chunk cannot be checked: ITL is
// labelled per chunk, with a warning that says why.
func TestITLWithoutUsageIsPerChunk(t *testing.T) {
	a := attempt("t", 0, 0, 10, 10, 4)
	a.Tokens.Source = runrecord.TokensEstimated
	s, warns := Summarize(&runrecord.Run{}, []runrecord.Attempt{a})
	if s.ITLBasis != "per_chunk" || !contains(warns, "could not be checked") {
		t.Fatalf("basis %q warnings %q: want per_chunk, unchecked", s.ITLBasis, warns)
	}
	b := attempt("t", 0, 0, 10, 10, 4)
	if s, _ := Summarize(&runrecord.Run{}, []runrecord.Attempt{b}); s.ITLBasis != "per_token" {
		t.Fatalf("usage matching the chunks: basis %q, want per_token", s.ITLBasis)
	}
}

// TPOT divides the time after the first token (of any kind: reasoning
// included) by the usage's output count less one, not by the chunk count;
// TTFC is measured beside TTFT from the first content token.
func TestTPOTUsesUsageCountAndFirstTokenOfAnyKind(t *testing.T) {
	a := attempt("t", 0, 0, 10, 10, 5) // chunks at 10..50 ms, end 50 ms
	a.Tokens.Output = 9                // the server counted 9 tokens in 5 chunks
	a.FirstContentNS = 30 * ms         // the first two chunks were reasoning
	s, _ := Summarize(&runrecord.Run{}, []runrecord.Attempt{a})
	l := s.LatencyMS
	if got, want := l[runrecord.MetricTPOT].Max, (50.0-10.0)/8; math.Abs(got-want) > 1e-9 {
		t.Errorf("tpot %v ms, want (e2e 50 − ttft 10)/(9−1) = %v", got, want)
	}
	if l[runrecord.MetricTTFT].Max != 10 || l[runrecord.MetricTTFC].Max != 30 {
		t.Errorf("ttft %v ttfc %v, want 10 and 30", l[runrecord.MetricTTFT].Max, l[runrecord.MetricTTFC].Max)
	}
	if s.TokenTotals.Output != 9 || s.TokenTotals.Disagreements != 1 {
		t.Errorf("totals %+v: want usage's 9 output tokens and the disagreement counted", s.TokenTotals)
	}
}

// Task latency from the scheduled time runs from the task's arrival (the
// first step's scheduled time less its own delay), from the send from the
// first send; warm-up attempts are outside the figures.
func TestTaskLatencyFromArrival(t *testing.T) {
	a := attempt("t", 105, 106, 10, 1, 2) // arrival 100 + delay 5; ends 117
	a.DelayNS = 5 * ms
	b := attempt("t", 127, 130, 10, 1, 2) // scheduled at a's end + 10 ms delay; ends 141
	b.DelayNS = 10 * ms
	w := attempt("w", 0, 0, 500, 1, 2)
	w.Phase = runrecord.PhaseWarmup
	s, _ := Summarize(&runrecord.Run{Window: runrecord.Window{StartNS: 100 * ms, EndNS: 200 * ms}}, []runrecord.Attempt{a, b, w})
	l := s.LatencyMS
	if l[runrecord.MetricTaskLatencySched].Max != 41 || l[runrecord.MetricTaskLatency].Max != 35 {
		t.Errorf("task latency from arrival %v, from send %v: want 41 and 35", l[runrecord.MetricTaskLatencySched].Max, l[runrecord.MetricTaskLatency].Max)
	}
	if l[runrecord.MetricTTFT].Max != 10 || s.Requests.Measured != 2 || s.Throughput.OutputTokensPerS != 40 {
		t.Errorf("ttft max %v measured %d output tok/s %v: the warm-up attempt leaked in", l[runrecord.MetricTTFT].Max, s.Requests.Measured, s.Throughput.OutputTokensPerS)
	}
}

// Dispatch lag is the harness's own delay: the queue wait and the time to
// open a connection are not in it.
func TestDispatchLagExcludesQueueAndConnect(t *testing.T) {
	a := attempt("t", 100, 160, 10, 1, 2)
	a.QueuedNS, a.ConnectNS = 30*ms, 25*ms
	s, warns := Summarize(&runrecord.Run{}, []runrecord.Attempt{a})
	if got := s.LatencyMS[runrecord.MetricDispatchLag].Max; got != 5 {
		t.Fatalf("dispatch lag %v ms, want 60 − 30 queued − 25 connecting = 5", got)
	}
	if contains(warns, "harness fell behind") {
		t.Fatalf("connection setup reported as harness lag: %q", warns)
	}
}

// TestTrendWarningIgnoresGrowingContext: in multi-step tasks later steps are
// slower by design (their context grows); only the first steps, which stay
// flat here, decide whether the server fell behind. When the first steps
// slow down too, the warning is given.
func TestTrendWarningIgnoresGrowingContext(t *testing.T) {
	build := func(spacing int64, firstTTFT func(task int) int64) []string {
		var atts []runrecord.Attempt
		for task := 0; task < 12; task++ {
			at := int64(task) * spacing
			for step := 0; step < 4; step++ {
				ttft := int64(50 + 400*step) // later steps: longer prompts
				if step == 0 {
					ttft = firstTTFT(task)
				}
				a := attempt("t"+string(rune('a'+task)), at, at, ttft, 5, 4)
				a.StepIndex = step
				atts = append(atts, a)
				at += ttft + 20
			}
		}
		run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20000 * ms}}
		_, warns := Summarize(run, atts)
		return warns
	}
	// Twelve users start together: sorted by schedule, the early third is
	// mostly first steps and the late third last steps.
	if w := build(10, func(int) int64 { return 50 }); contains(w, "latency grew") || contains(w, "did not keep up") {
		t.Errorf("growing context flagged as overload: %v", w)
	}
	if w := build(1000, func(task int) int64 { return 50 + 300*int64(task) }); !contains(w, "latency grew") {
		t.Errorf("first steps slowing down not flagged: %v", w)
	}
}

// A tool-call-only turn (the tool-call deltas are its chunks, usage counts
// the tokens the server's parser held back) has TTFT, TPOT and ITL like
// any other, meets a TTFT SLO and raises no usage disagreement; its ITL is
// per chunk.
func TestToolCallTurnIsTimed(t *testing.T) {
	a := attempt("t", 0, 0, 40, 5, 14) // first tool-call delta at 40 ms, 14 deltas
	a.FirstToolCallNS = a.FirstTokenNS
	a.FirstContentNS = 0
	a.Tokens.Output = 27
	a.ToolCalls = []runrecord.ToolCall{{Name: "get_weather", ArgumentBytes: 36}}
	run := &runrecord.Run{Config: runrecord.RunConfig{SLOs: []runrecord.SLO{{Metric: "ttft", Max: runrecord.Duration(100 * time.Millisecond)}}}}
	s, warns := Summarize(run, []runrecord.Attempt{a})
	l := s.LatencyMS
	if l[runrecord.MetricTTFT].Max != 40 || l[runrecord.MetricTPOT].Count != 1 || l[runrecord.MetricITL].Count != 13 {
		t.Fatalf("ttft %+v tpot %+v itl %+v: want a TTFT of 40 ms, one TPOT, 13 gaps", l[runrecord.MetricTTFT], l[runrecord.MetricTPOT], l[runrecord.MetricITL])
	}
	if _, ok := l[runrecord.MetricTTFC]; ok {
		t.Errorf("ttfc %+v for a turn without content", l[runrecord.MetricTTFC])
	}
	if s.Goodput.Fraction != 1 || s.TokenTotals.Disagreements != 0 || contains(warns, "disagreed") {
		t.Fatalf("goodput %v totals %+v warnings %q: want the SLO met and no disagreement", s.Goodput.Fraction, s.TokenTotals, warns)
	}
	if s.ITLBasis != "per_chunk" {
		t.Fatalf("itl basis %q, want per_chunk", s.ITLBasis)
	}
}

// Beyond ExactCap samples a request metric moves into the histogram: its
// percentiles are within the stated error, its count, min and max exact,
// and the summary names it.
func TestRequestMetricApproxBeyondCap(t *testing.T) {
	as, _ := itlAttempts(3000, 2)
	c := NewAccumulator(nil)
	c.m[mE2E].limit = 1000
	var e2e []float64
	for i := range as {
		c.Add(&as[i])
		e2e = append(e2e, nsToMS(as[i].EndNS-as[i].SentNS))
	}
	s := c.Summary(runrecord.Window{})
	a, ok := s.Approx[runrecord.MetricE2E]
	if !ok || a.ExactCap != 1000 || len(s.Approx) != 1 || s.ITLApprox != nil {
		t.Fatalf("approx %+v itl %+v: want e2e alone named, cap 1000", s.Approx, s.ITLApprox)
	}
	got, want := s.LatencyMS[runrecord.MetricE2E], Dist(e2e)
	if got.Count != want.Count || got.Min != want.Min || got.Max != want.Max || math.Abs(got.P99-want.P99) > histRelErr*want.P99 {
		t.Fatalf("e2e %+v, want %+v within %v", got, want, histRelErr)
	}
	if len(c.m[mE2E].xs) != 0 || s.LatencyMS[runrecord.MetricTTFT].Count != 3000 {
		t.Fatal("exact e2e samples kept past the cap, or ttft affected")
	}
	if w := c.Warnings(s); !contains(w, "percentiles of e2e are approximate") {
		t.Fatalf("warnings %q", w)
	}
}

// A task declared done leaves only its latencies behind, and the figures
// are those of a run whose tasks are all taken at the end.
func TestTaskDoneKeepsNoTaskState(t *testing.T) {
	a := attempt("t", 105, 106, 10, 1, 2)
	a.DelayNS = 5 * ms
	b := attempt("t", 127, 130, 10, 1, 2)
	b.DelayNS = 10 * ms
	b.StepIndex = 1
	slos := []runrecord.SLO{{Metric: "task_latency", Max: runrecord.Duration(time.Second)}}
	late := NewAccumulator(slos)
	done := NewAccumulator(slos)
	for _, x := range []*runrecord.Attempt{&a, &b} {
		late.Add(x)
		done.Add(x)
	}
	done.TaskDone("t")
	if len(done.tasks) != 0 {
		t.Fatalf("%d task records kept after TaskDone", len(done.tasks))
	}
	w := runrecord.Window{StartNS: 100 * ms, EndNS: 200 * ms}
	sl, sd := late.Summary(w), done.Summary(w)
	if sl.Tasks != sd.Tasks || sl.LatencyMS[runrecord.MetricTaskLatencySched] != sd.LatencyMS[runrecord.MetricTaskLatencySched] ||
		sl.Goodput.TasksPerS != sd.Goodput.TasksPerS || sd.Tasks.Succeeded != 1 {
		t.Fatalf("done early %+v %+v, at the end %+v %+v", sd.Tasks, sd.Goodput, sl.Tasks, sl.Goodput)
	}
}

// The trend sample stays bounded and even in a long run, and still finds
// a server falling behind.
func TestTrendBoundedInLongRun(t *testing.T) {
	var tr trend
	n := 10 * trendCap
	for i := range n {
		e2e := float32(100)
		sched := e2e
		if i > 2*n/3 {
			sched = 5000
		}
		tr.add(trendPoint{sched: int64(i), e2eSched: sched, e2e: e2e})
	}
	if len(tr.pts) > trendCap || len(tr.pts) < trendCap/4 {
		t.Fatalf("%d trend points kept, want at most %d and an even sample", len(tr.pts), trendCap)
	}
	if w := tr.warning(); !strings.Contains(w, "queued before being sent") {
		t.Fatalf("warning %q", w)
	}
}

// A stall shown by reused connections and not by fresh ones is detected
// and warned of; one that fresh connections show as often (a server whose
// first token simply takes 41 ms, streamed in a burst) is not.
func TestTCPStallNeedsReusedConnections(t *testing.T) {
	stream := func(fresh bool) runrecord.Attempt {
		a := attempt("t", 0, 0, 42, 0, 4) // first token 42 ms after the send, then a burst
		a.HeadersNS = 1 * ms
		if fresh {
			a.ConnectNS = ms
		}
		return a
	}
	var reusedOnly, both []runrecord.Attempt
	for i := 0; i < 10; i++ {
		reusedOnly = append(reusedOnly, stream(false))
		both = append(both, stream(false), stream(true))
	}
	plain := attempt("t", 0, 0, 5, 0, 4)
	plain.HeadersNS, plain.ConnectNS = 1*ms, ms
	reusedOnly = append(reusedOnly, plain)
	s, warns := Summarize(&runrecord.Run{}, reusedOnly)
	if st := s.TCPStall; st == nil || !st.Detected || st.ReusedStalled != 10 || st.Fresh != 1 || !contains(warns, "TCP stall") {
		t.Fatalf("reused only: tcp_stall %+v, warnings %q", s.TCPStall, warns)
	}
	s, warns = Summarize(&runrecord.Run{}, both)
	if st := s.TCPStall; st == nil || st.Detected || contains(warns, "TCP stall") {
		t.Fatalf("fresh as well: tcp_stall %+v, warnings %q; want counted, not detected", s.TCPStall, warns)
	}
}
