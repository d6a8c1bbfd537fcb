package perf

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tcobench/tcobench/compare"
	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
)

// synthTokens is the output length of every synthetic attempt.
const synthTokens = 16

// ReportTimes are the seconds each step took for runs of N attempts.
type ReportTimes struct {
	N int
	// Write is writing one run (requests.jsonl through runrecord.JSONLWriter,
	// the engine's writer, plus the summary and run.json).
	Write time.Duration
	// Summary is metrics.SummarizeDir: recomputing the figures from the files.
	Summary time.Duration
	// Report is report.Load plus its Markdown and HTML output.
	Report time.Duration
	// Compare is compare.Dirs of two such runs plus its text output.
	Compare time.Duration
	// Bytes is the size of one requests.jsonl.
	Bytes int64
}

// ReportCompare writes two synthetic runs of n attempts into dir (removed
// afterwards when it was created here: pass "" for a temporary one) and
// times the summary, report and comparison of them.
func ReportCompare(ctx context.Context, n int, dir string) (ReportTimes, error) {
	t := ReportTimes{N: n}
	if dir == "" {
		d, err := os.MkdirTemp("", "tcobench-perf-report-")
		if err != nil {
			return t, err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	base, cand := filepath.Join(dir, "base"), filepath.Join(dir, "cand")
	start := time.Now()
	if err := SyntheticRun(base, n, 1, 1.0); err != nil {
		return t, err
	}
	t.Write = time.Since(start)
	if err := SyntheticRun(cand, n, 2, 1.05); err != nil {
		return t, err
	}
	if fi, err := os.Stat(filepath.Join(base, runrecord.RequestsFile)); err == nil {
		t.Bytes = fi.Size()
	}
	var err error
	if t.Summary, err = timed(func() error { _, _, _, err := metrics.SummarizeDir(base); return err }); err != nil {
		return t, err
	}
	if t.Report, err = timed(func() error { return reportOnce(base) }); err != nil {
		return t, err
	}
	t.Compare, err = timed(func() error {
		r, err := compare.Dirs(base, cand, compare.DefaultConfig())
		if err != nil {
			return err
		}
		return r.Text(io.Discard)
	})
	return t, err
}

func reportOnce(dir string) error {
	r, err := report.Load(dir)
	if err != nil {
		return err
	}
	if err := r.Markdown(io.Discard); err != nil {
		return err
	}
	return r.HTML(io.Discard)
}

func timed(f func() error) (time.Duration, error) {
	t := time.Now()
	err := f()
	return time.Since(t), err
}

// SyntheticRun writes a run directory of n successful 16-token attempts
// arriving at 1,000 per second, with latencies scaled by slow, as the
// engine would (runrecord.JSONLWriter, the metrics accumulator, WriteRun).
func SyntheticRun(dir string, n int, seed uint64, slow float64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.RequestsFile))
	if err != nil {
		return err
	}
	acc := metrics.NewAccumulator(nil)
	rng := rand.New(rand.NewPCG(seed, 7))
	a := runrecord.Attempt{Phase: runrecord.PhaseMeasure, Backend: "openai-chat", Model: "fake", StepID: "s0", TaskName: "synthetic",
		ChunkNS: make([]int64, synthTokens), ChunkTokens: make([]int, synthTokens), OK: true, HTTPStatus: 200, FinishReason: "length"}
	for i := 0; i < n; i++ {
		synthAttempt(&a, i, rng, slow)
		if err := w.Write(&a); err != nil {
			w.Close()
			return err
		}
		acc.Add(&a)
	}
	if err := w.Close(); err != nil {
		return err
	}
	start := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	win := runrecord.Window{StartNS: 0, EndNS: int64(n) * int64(time.Millisecond)}
	run := &runrecord.Run{Schema: runrecord.SchemaVersion, ID: fmt.Sprintf("synthetic-%d", seed), Name: "synthetic",
		StartedAt: start, EndedAt: start.Add(time.Duration(win.EndNS)), Window: win,
		Config: runrecord.RunConfig{Target: "http://127.0.0.1:1", Backend: "openai-chat", Model: "fake", Workload: "synthetic",
			Load: runrecord.LoadConfig{Mode: runrecord.ArrivalPoisson, RatePerS: 1000, Duration: runrecord.Duration(win.EndNS)}, Seed: seed},
		Workload: runrecord.WorkloadInfo{Name: "synthetic", Tasks: n}}
	run.Summary = acc.Summary(win)
	run.Warnings = acc.Warnings(run.Summary)
	return runrecord.WriteRun(dir, run)
}

func synthAttempt(a *runrecord.Attempt, i int, rng *rand.Rand, slow float64) {
	sched := int64(i) * int64(time.Millisecond)
	a.Seq, a.TaskID = int64(i), "t"+strconv.Itoa(i)
	a.ScheduledNS, a.SentNS = sched, sched+50_000+int64(rng.IntN(100_000))
	a.HeadersNS = a.SentNS + 200_000
	a.FirstTokenNS = a.SentNS + int64(slow*float64(20_000_000+rng.IntN(30_000_000)))
	a.FirstContentNS = a.FirstTokenNS
	t := a.FirstTokenNS
	for k := range a.ChunkNS {
		if k > 0 {
			t += int64(slow * float64(8_000_000+rng.IntN(4_000_000)))
		}
		a.ChunkNS[k], a.ChunkTokens[k] = t, 1
	}
	a.EndNS = t + 100_000
	a.Tokens = runrecord.Tokens{Input: 500, Output: synthTokens, Source: runrecord.TokensFromUsage, StreamOutput: synthTokens}
}
