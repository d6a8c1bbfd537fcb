package perfmodel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
	"github.com/tcobench/tcobench/workloads"
)

var ideal = Factors{ComputeEff: 1, BandwidthEff: 1, MoEEff: 1, LinkEff: 1}

func arch(t *testing.T, name string) *modelarch.Arch {
	t.Helper()
	a, err := modelarch.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got/want-1) > tol {
		t.Errorf("%s = %.6g, want %.6g (±%.0f %%)", what, got, want, 100*tol)
	}
}

// TestStepTimeRoofline checks the step cost against hand arithmetic:
// decode reads the weights and the KV cache once (memory bound); a long
// prefill is compute bound.
func TestStepTimeRoofline(t *testing.T) {
	a := arch(t, "llama-3.1-8b")
	h100 := PublishedGPUs["h100"]
	r := NewReplica(a, h100, 1, ideal)
	// One sequence at 1,000 tokens of context: 16.06 GB of BF16 weights and
	// 1,000 × 128 KiB of KV read, 128 KiB written, at 3.35 TB/s.
	kv := 2.0 * 32 * 8 * 128 * 2
	want := a.WeightBytes()/3.35e12 + (1000+1)*kv/3.35e12
	near(t, "decode step", r.StepTime(Batch{Decodes: 1, DecodeCtx: 1000, DecodeCtxWin: 1000, Seqs: 1}), want, 0.01)
	// 4,096 prompt tokens: 2 FLOPs per weight per token (logits once) plus
	// attention, at 989 TFLOP/s.
	full, _ := chunkAttn(0, 4096, 0)
	s := a.Shape()
	logits := float64(a.Vocab * a.Hidden)
	flops := 2*4096*(s.DenseLinear-logits) + 2*logits + 2*float64(a.Heads)*a.AttnDims()*float64(a.Layers)*full
	got := r.StepTime(Batch{PrefillTokens: 4096, PrefillAttn: full, PrefillAttnWin: full, PrefillDone: 1, Seqs: 1})
	near(t, "prefill step", got, flops/989e12, 0.02)
	// Tensor parallelism halves the work and adds two all-reduces a layer.
	r2 := NewReplica(a, h100, 2, ideal)
	comm := 2 * 32 * (2 * 0.5 * 4096 * 4096 * 2 / 450e9)
	near(t, "TP2 prefill step", r2.StepTime(Batch{PrefillTokens: 4096, PrefillAttn: full, PrefillAttnWin: full, PrefillDone: 1, Seqs: 1}), got/2+comm, 0.02)
}

// TestKVShard: KV heads split across devices until there is one each, then replicate.
func TestKVShard(t *testing.T) {
	a := arch(t, "qwen3-235b-a22b") // 4 KV heads
	for tp, want := range map[int]float64{1: 1, 4: 0.25, 8: 0.25} {
		r := NewReplica(a, PublishedGPUs["h200"], tp, ideal)
		near(t, "KV shard at TP"+strconv.Itoa(tp), r.KVBytes(1000)/(1000*a.KVBytesPerToken()), want, 1e-9)
	}
}

func fixedPlanWorkload(isl, osl int) *Workload { return fixedWorkload(isl, osl) }

// TestKVCacheBoundsBatch: with room for 10 requests' KV cache, no more
// than 10 run at once however many wait, and every request completes.
func TestKVCacheBoundsBatch(t *testing.T) {
	a := arch(t, "llama-3.1-8b")
	dev := PublishedGPUs["h100"]
	r := NewReplica(a, dev, 1, gpuDefaults)
	per := r.KVBytes(2000)
	e := Engine{Name: "t", MaxSeqs: 256, TokenBudget: 8192, MemFraction: 1, ReserveBytes: dev.MemBytes - a.WeightBytes() - 10.5*per}
	res, err := Simulate(r, e, fixedPlanWorkload(1000, 1000), Load{Mode: runrecord.ArrivalClosed, Users: 100}, SimOptions{Tasks: 100})
	if err != nil {
		t.Fatal(err)
	}
	if res.MaxBatch != 10 || !res.KVBound {
		t.Errorf("max batch %d (KV bound %v), want 10", res.MaxBatch, res.KVBound)
	}
	if len(res.Attempts) != 100 || res.Summary.Requests.OK != 100 {
		t.Errorf("%d attempts, %d OK", len(res.Attempts), res.Summary.Requests.OK)
	}
}

// TestSimulationTimeline: a single request's TTFT is its prefill step, its
// TPOT the decode step; a closed loop never has more requests in flight
// than users; throughput rises with users until the batch is full.
func TestSimulationTimeline(t *testing.T) {
	a := arch(t, "llama-3.1-8b")
	r := NewReplica(a, PublishedGPUs["h100"], 1, gpuDefaults)
	res, err := Simulate(r, DefaultEngine(), fixedPlanWorkload(500, 100), Load{Mode: runrecord.ArrivalClosed, Users: 1}, SimOptions{Tasks: 3, WarmupFraction: -1})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := chunkAttn(0, 500, 0)
	prefill := r.StepTime(Batch{PrefillTokens: 500, PrefillAttn: full, PrefillAttnWin: full, PrefillDone: 1, Seqs: 1})
	at := res.Attempts[0]
	near(t, "TTFT", float64(at.FirstTokenNS-at.SentNS)/1e9, prefill, 0.01)
	decode := r.StepTime(Batch{Decodes: 1, DecodeCtx: 550, DecodeCtxWin: 550, Seqs: 1})
	near(t, "TPOT", float64(at.EndNS-at.FirstTokenNS)/1e9/99, decode, 0.02)
	prev := 0.0
	for _, u := range []int{1, 4, 16, 64} {
		res, err := Simulate(r, DefaultEngine(), fixedPlanWorkload(500, 100), Load{Mode: runrecord.ArrivalClosed, Users: u}, SimOptions{Tasks: 8 * u})
		if err != nil {
			t.Fatal(err)
		}
		if res.MaxBatch > u {
			t.Errorf("%d users: %d sequences in one step", u, res.MaxBatch)
		}
		tp := res.Summary.Throughput.OutputTokensPerS
		if tp <= prev {
			t.Errorf("%d users: %.0f tok/s, not above %.0f", u, tp, prev)
		}
		prev = tp
	}
}

// TestFromPlanCarriesContext: each step of the support ticket carries the
// conversation so far, and the prefix cache holds all but its new messages.
func TestFromPlanCarriesContext(t *testing.T) {
	p, err := workloads.Open("tier1-support-ticket", workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	task, ok := FromPlan(p).Task(0)
	if !ok || len(task.Steps) != 5 {
		t.Fatalf("task %+v", task)
	}
	for i := 1; i < len(task.Steps); i++ {
		s, prev := task.Steps[i], task.Steps[i-1]
		if s.Prompt <= prev.Prompt || s.Cached < prev.Prompt || s.Cached >= s.Prompt || len(s.Deps) != 1 {
			t.Errorf("step %d: prompt %d cached %d after prompt %d", i, s.Prompt, s.Cached, prev.Prompt)
		}
	}
	if task.Steps[3].Out != 320 {
		t.Errorf("draft output %d tokens, want its max_tokens 320", task.Steps[3].Out)
	}
}

// TestFittingSizes: Llama 3.1 405B (812 GB in BF16) fits eight A100s at
// no size; 70B fits H100s from TP2.
func TestFittingSizes(t *testing.T) {
	_, err := FittingSizes(arch(t, "llama-3.1-405b"), PublishedGPUs["a100"], "8xa100-80gb", DefaultEngine(), 4096, 0)
	var nf *NoFitError
	if !errors.As(err, &nf) || len(nf.Sizes) != 4 {
		t.Errorf("405B on A100: %v", err)
	}
	sizes, err := FittingSizes(arch(t, "llama-3.1-70b"), PublishedGPUs["h100"], "8xh100-sxm", DefaultEngine(), 4096, 0)
	if err != nil || len(sizes) != 3 || sizes[0] != 2 {
		t.Errorf("70B on H100: %v, %v", sizes, err)
	}
	if _, err := FittingSizes(arch(t, "llama-3.1-8b"), PublishedGPUs["h100"], "8xh100-sxm", DefaultEngine(), 4096, 3); err == nil {
		t.Error("TP3 on 8 GPUs accepted")
	}
}

// TestCapacityFollowsSLOs: a looser TTFT objective never gives less capacity.
func TestCapacityFollowsSLOs(t *testing.T) {
	r := NewReplica(arch(t, "llama-3.1-8b"), PublishedGPUs["h100"], 1, gpuDefaults)
	w := fixedPlanWorkload(2000, 200)
	var last float64
	for _, ms := range []float64{200, 1000, 5000} {
		slo := []runrecord.SLO{{Metric: runrecord.MetricTTFT, Max: runrecord.Duration(ms * 1e6)}}
		c, err := FindCapacity(r, DefaultEngine(), w, Load{Mode: runrecord.ArrivalPoisson, Seed: 1}, Search{SLOs: slo, Tasks: 200})
		if err != nil || c.Reason != "" {
			t.Fatalf("%v ms: %v %s", ms, err, c.Reason)
		}
		if c.Best.TasksPerS < last || c.Best.TasksPerS > c.Saturation.TasksPerS*1.1 {
			t.Errorf("TTFT ≤ %v ms: capacity %.2f tasks/s (previous %.2f, saturation %.2f)", ms, c.Best.TasksPerS, last, c.Saturation.TasksPerS)
		}
		last = c.Best.TasksPerS
	}
}

// TestCalibrateRecoversFactors: a run simulated with known factors is fitted
// back, and the fit predicts that hardware at another load.
func TestCalibrateRecoversFactors(t *testing.T) {
	a := arch(t, "llama-3.1-8b")
	dev := PublishedGPUs["h100"]
	truth := gpuDefaults
	truth.ComputeEff, truth.BandwidthEff, truth.StepOverheadS = 0.4, 0.6, 0.003
	runAt := func(users int) (*runrecord.Run, []runrecord.Attempt) {
		res, err := Simulate(NewReplica(a, dev, 1, truth), DefaultEngine(), fixedPlanWorkload(800, 200), Load{Mode: runrecord.ArrivalClosed, Users: users}, SimOptions{Tasks: 10 * users})
		if err != nil {
			t.Fatal(err)
		}
		return &runrecord.Run{ID: "sim", Config: runrecord.RunConfig{Load: runrecord.LoadConfig{Mode: runrecord.ArrivalClosed, Concurrency: users}}}, res.Attempts
	}
	run, atts := runAt(8)
	cal, err := Calibrate(context.Background(), CalibrateRequest{Run: run, Attempts: atts, Model: a, Hardware: "x", Device: dev, Engine: DefaultEngine()})
	if err != nil {
		t.Fatal(err)
	}
	if cal.ErrorBand > 0.03 {
		t.Errorf("fit error %.1f %%", 100*cal.ErrorBand)
	}
	run32, atts32 := runAt(32)
	var measured []runrecord.Attempt
	for _, at := range atts32 {
		if at.Phase == runrecord.PhaseMeasure {
			measured = append(measured, at)
		}
	}
	res, err := Simulate(NewReplica(a, dev, 1, cal.Factors), DefaultEngine(), FromAttempts("x", measured), replayLoad(run32), SimOptions{Tasks: len(measured), WarmupFraction: -1})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "throughput at 32 users from the fit at 8", observe(res.Attempts, "").OutputTokensPerS, observe(atts32, runrecord.PhaseMeasure).OutputTokensPerS, 0.08)
}

// TestMeasuredOn tells a run on another machine from one on the profile's hardware.
func TestMeasuredOn(t *testing.T) {
	h100, err := tco.LoadHardware("8xh100-sxm")
	if err != nil {
		t.Fatal(err)
	}
	cpu, _ := tco.LoadHardware("cpu-server")
	cpuRun := &runrecord.Run{Environment: runrecord.Environment{Host: runrecord.HostInfo{CPUModel: "AMD EPYC", CPUCores: 2}}}
	if same, why := MeasuredOn(cpuRun, h100); same || why == "" {
		t.Errorf("CPU run on 8xh100-sxm: same %v (%s)", same, why)
	}
	if same, why := MeasuredOn(cpuRun, cpu); same {
		t.Errorf("2-core run on the 32-core cpu-server profile: same (%s)", why)
	}
	gpuRun := &runrecord.Run{Energy: &runrecord.Energy{}}
	for i := 0; i < 8; i++ {
		gpuRun.Energy.GPUs = append(gpuRun.Energy.GPUs, runrecord.GPUEnergy{Name: "NVIDIA H100 80GB HBM3"})
	}
	if same, why := MeasuredOn(gpuRun, h100); !same {
		t.Errorf("8 × H100 run on 8xh100-sxm: %s", why)
	}
}

// TestProjectRun: a CPU run priced on 8×H100 gets the model's throughput
// for that node, labelled projected, never the CPU's.
func TestProjectRun(t *testing.T) {
	a := arch(t, "llama-3.1-8b")
	res, err := Simulate(NewReplica(a, Device{Name: "cpu", Kind: KindCPU, PerNode: 1, PeakFLOPS: map[string]float64{"bf16": 2e12}, MemBytes: 64 * GiB, MemBW: 100e9}, 1, cpuDefaults),
		CPUEngine(8192), fixedPlanWorkload(300, 100), Load{Mode: runrecord.ArrivalClosed, Users: 2}, SimOptions{Tasks: 20})
	if err != nil {
		t.Fatal(err)
	}
	run := &runrecord.Run{ID: "cpu-run", Config: runrecord.RunConfig{Model: "llama3.1:8b", Load: runrecord.LoadConfig{Mode: runrecord.ArrivalClosed, Concurrency: 2}},
		Environment: runrecord.Environment{Host: runrecord.HostInfo{CPUModel: "AMD EPYC", CPUCores: 2}}}
	h100, _ := tco.LoadHardware("8xh100-sxm")
	pt, err := ProjectRun(context.Background(), run, res.Attempts, h100, "")
	if err != nil {
		t.Fatal(err)
	}
	cpuTasks := res.Summary.Throughput.TasksPerS
	if pt.TasksPerS.Provenance != runrecord.Projected || pt.TasksPerS.Value < 50*cpuTasks {
		t.Errorf("projected %+v tasks/s on 8×H100; the CPU did %.3g", pt.TasksPerS, cpuTasks)
	}
	if pt.Note == "" {
		t.Error("no note")
	}
}

// TestPublishedRows: every row parses, names a known model, and has a unique id.
func TestPublishedRows(t *testing.T) {
	rows, err := PublishedRows()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 300 {
		t.Fatalf("%d rows", len(rows))
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.ID] {
			t.Errorf("duplicate row %s", r.ID)
		}
		seen[r.ID] = true
		if _, err := modelarch.Lookup(r.Model); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
		if r.Value <= 0 || r.TP < 1 {
			t.Errorf("%s: %+v", r.ID, r)
		}
	}
}

// BenchmarkPublishedValidation prints the model's errors on the published
// measurements and whether the targets are met (make bench; make
// projection writes the table into docs/projection.md).
func BenchmarkPublishedValidation(b *testing.B) {
	for i := 0; i < b.N; i++ {
		v, err := Validate(gpuDefaults)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Println("perfmodel validation on the published measurements:")
		for _, l := range v.Summary() {
			fmt.Println("  " + l)
		}
	}
}

func TestPassRateFromRun(t *testing.T) {
	run := &runrecord.Run{ID: "r", Summary: &runrecord.Summary{Tasks: runrecord.TaskCounts{Started: 40, Completed: 40, Succeeded: 36}}}
	p, err := PassRateFromRun(run)
	if err != nil || p.Value != 0.9 || p.Provenance != runrecord.Measured {
		t.Errorf("%+v, %v", p, err)
	}
	if _, err := PassRateFromRun(&runrecord.Run{ID: "empty", Summary: &runrecord.Summary{}}); err == nil {
		t.Error("a run without tasks gave a pass rate")
	}
	// A workload with checks: its checked outcomes, not the requests' success.
	run.Summary.Outcomes = &runrecord.Outcomes{Basis: runrecord.OutcomeChecked, Tasks: 40, Passed: 30}
	if p, err := PassRateFromRun(run); err != nil || p.Value != 0.75 || !strings.Contains(p.Source, "passed the workload's checks") {
		t.Errorf("checked run: %+v, %v; want 30 of 40", p, err)
	}
}

// TestProjectIfElsewhere: a CPU run priced on 8×H100 through tco.Request
// gets a projected throughput and the note; priced on matching hardware,
// nothing changes.
func TestProjectIfElsewhere(t *testing.T) {
	a := arch(t, "llama-3.1-8b")
	dir := t.TempDir()
	res, err := Simulate(NewReplica(a, PublishedGPUs["h100"], 1, gpuDefaults), DefaultEngine(), fixedPlanWorkload(300, 100), Load{Mode: runrecord.ArrivalClosed, Users: 4}, SimOptions{Tasks: 40})
	if err != nil {
		t.Fatal(err)
	}
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Attempts {
		if err := w.Write(&res.Attempts[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	run := &runrecord.Run{ID: "cpu", Config: runrecord.RunConfig{Model: "llama3.1:8b"}, Summary: res.Summary,
		Environment: runrecord.Environment{Host: runrecord.HostInfo{CPUModel: "AMD EPYC", CPUCores: 2}}}
	hw, _ := tco.LoadHardware("8xh100-sxm")
	site, _ := tco.LoadSite("us-colo")
	cat, _ := tco.LoadCatalog("api-2026")
	req := &tco.Request{Hardware: hw, Site: site, Catalog: cat, Options: tco.DefaultOptions()}
	projected, err := ProjectIfElsewhere(context.Background(), req, dir, run, "")
	if err != nil || !projected || req.Options.Projected == nil {
		t.Fatalf("projected %v, %v", projected, err)
	}
	c, err := req.Price(dir, run)
	if err != nil {
		t.Fatal(err)
	}
	if c.Run.TasksPerS.Provenance != runrecord.Projected || !strings.Contains(strings.Join(c.Notes, " "), "measured elsewhere") {
		t.Errorf("tasks/s %+v, notes %q", c.Run.TasksPerS, c.Notes)
	}
	run.Config.Model = "no-such-model"
	if _, err := ProjectIfElsewhere(context.Background(), &tco.Request{Hardware: hw}, dir, run, ""); err == nil || !strings.Contains(err.Error(), "cannot be projected there") {
		t.Errorf("unknown model: %v", err)
	}
}

// Plan figures never use an exponent.
func TestNumHasNoExponent(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 0.607: "0.607", 0.0000123: "0.0000123", 2.06: "2.06", 55.31: "55.3", 153870: "153870"} {
		if got := num(v); got != want {
			t.Errorf("num(%g) = %q, want %q", v, got, want)
		}
	}
}
