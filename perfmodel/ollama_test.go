package perfmodel

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"

	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// Calibration on the real local server: Ollama on this machine's CPU with
// the generated small model and 4 parallel slots, closed-loop runs of the
// synthetic workload at 1, 2 and 4 users.
const (
	ollamaParallel = 4
	calPrompt      = 192
	calOutput      = 24
	// calFactor is how far the predicted throughput may be from the
	// measured one in the test (the median of the rounds within a factor
	// of 2 either way: −50 % to +100 %): generous, since a 2-core machine
	// running other tests moves throughput by tens of percent between runs
	// and the client competes with the server for the same cores. The
	// benchmark prints the actual errors.
	calFactor = 2.0
)

// hostDevice describes this machine's CPU to the model. The peak is a
// nominal figure (2 FLOP per FMA × 4 SSE lanes × 2.5 GHz per core: the
// Ollama build targets baseline x86-64); calibration absorbs its error.
func hostDevice() Device {
	peak := float64(runtime.NumCPU()) * 2.5e9 * 8
	return Device{Name: "this host's CPU", Kind: KindCPU, PerNode: 1, PeakFLOPS: map[string]float64{"f32": peak, "bf16": peak}, MemBytes: 8 * GiB, MemBW: 10e9}
}

// distinctPrompts is the synthetic workload with a different prompt for
// every request, so that no server prompt cache serves one from another.
func distinctPrompts(prompt, output int) workloads.Plan {
	p := load.SimplePlan(prompt, output)
	p.Instance = func(i int) (workloads.Instance, bool) {
		text := workloads.SynthText(uint64(i)+1, prompt, workloads.EstimatedTokensPerChar)
		return workloads.Instance{ID: fmt.Sprintf("t%d", i), Name: "synthetic", AtNS: -1,
			Steps: []workloads.Step{{ID: "s0", MaxTokens: output, PromptTokens: prompt, Messages: []modelapi.Message{{Role: "user", Content: text}}}}}, true
	}
	return p
}

type calRun struct {
	users int
	run   *runrecord.Run
	atts  []runrecord.Attempt
}

// measureOllama runs the synthetic workload at each user count against a
// fresh local Ollama and returns the runs.
func measureOllama(tb testing.TB, users []int) ([]calRun, *modelarch.Arch) {
	srv := localservertest.ForTest(tb, localserver.Options{Size: "small", Parallel: ollamaParallel})
	path, _, err := localserver.ModelFile("small")
	if err != nil {
		tb.Fatal(err)
	}
	arch, err := modelarch.FromGGUFFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var out []calRun
	for _, u := range users {
		dir := filepath.Join(tb.TempDir(), fmt.Sprintf("c%d", u))
		cfg := load.Config{OutDir: dir, Target: modelapi.Target{URL: srv.URL(), API: modelapi.KindOllama, Model: srv.Model()},
			Plan:     distinctPrompts(calPrompt, calOutput),
			Schedule: load.Closed{Users: u},
			Limits:   load.Limits{Count: 12 * u, Warmup: 500 * time.Millisecond, RequestTimeout: 2 * time.Minute}}
		run, err := load.Run(context.Background(), cfg)
		if err != nil {
			tb.Fatal(err)
		}
		atts, err := runrecord.LoadAttempts(dir)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, calRun{users: u, run: run, atts: atts})
	}
	return out, arch
}

// predictRun replays a measured run's requests with factors f and returns
// the predicted and measured output tokens per second.
func predictRun(tb testing.TB, c calRun, arch *modelarch.Arch, f Factors) (pred, meas float64) {
	var measured []runrecord.Attempt
	for _, a := range c.atts {
		if a.Phase == runrecord.PhaseMeasure {
			measured = append(measured, a)
		}
	}
	w := FromAttempts("synthetic", measured)
	res, err := Simulate(NewReplica(arch, hostDevice(), 1, f), OllamaEngine(ollamaParallel, 8192), w, replayLoad(c.run), SimOptions{Tasks: w.Len, WarmupFraction: -1})
	if err != nil {
		tb.Fatal(err)
	}
	return observe(res.Attempts, "").OutputTokensPerS, observe(c.atts, runrecord.PhaseMeasure).OutputTokensPerS
}

// rounds is how many rounds of load points the calibration check runs.
const rounds = 3

// calibrationErrors measures rounds of runs at 2, 1 and 4 users (after a
// discarded warm-up run), calibrates on each round's 2-user run and
// predicts that round's 1- and 4-user runs: calibrating and predicting
// within a round keeps a change in what else the machine does from
// weighing on one point more than another. Each error is the median over
// the rounds.
func calibrationErrors(tb testing.TB) (cal *Calibration, errs map[int]float64) {
	users := []int{1}
	for r := 0; r < rounds; r++ {
		users = append(users, 2, 1, 4)
	}
	runs, arch := measureOllama(tb, users)
	runs = runs[1:]
	ratios := map[int][]float64{}
	for round := 0; round < rounds; round++ {
		rr := runs[3*round : 3*round+3]
		c, err := Calibrate(context.Background(), CalibrateRequest{Run: rr[0].run, Attempts: rr[0].atts, Model: arch,
			Hardware: "this-host", Device: hostDevice(), Engine: OllamaEngine(ollamaParallel, 8192)})
		if err != nil {
			tb.Fatal(err)
		}
		cal = c
		tb.Logf("round %d: %s", round+1, c.Describe())
		for _, r := range rr[1:] {
			pred, meas := predictRun(tb, r, arch, c.Factors)
			tb.Logf("round %d, %d users: measured %.1f output tok/s, predicted %.1f (%+.1f %%)", round+1, r.users, meas, pred, 100*(pred/meas-1))
			ratios[r.users] = append(ratios[r.users], pred/meas)
		}
	}
	errs = map[int]float64{}
	for u, rs := range ratios {
		sort.Float64s(rs)
		errs[u] = rs[len(rs)/2] - 1
	}
	return cal, errs
}

// busy reports whether other work loads the machine so much (a load
// average above four per core) that a throughput measurement says more
// about it than about the server.
func busy() (string, bool) {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "", false
	}
	var l1 float64
	if _, err := fmt.Sscan(string(b), &l1); err != nil {
		return "", false
	}
	return fmt.Sprintf("load average %.1f on %d cores", l1, runtime.NumCPU()), l1 > 4*float64(runtime.NumCPU())
}

// maxSteal is the share of CPU time the hypervisor may take during the
// rounds before the machine's speed, not the model, explains a miss: on a
// shared virtual machine the measured throughput at 1 user moved 8-fold
// between rounds minutes apart (60 and 7.5 tok/s) while the load average
// stayed low.
const maxSteal = 0.10

// stealTime is the machine's CPU time stolen and in all (seconds).
func stealTime() [2]float64 {
	ts, err := cpu.Times(false)
	if err != nil || len(ts) == 0 {
		return [2]float64{}
	}
	return [2]float64{ts[0].Steal, ts[0].Total()}
}

// stealShare is the share of CPU time stolen between a and b (0 unknown).
func stealShare(a, b [2]float64) float64 {
	if b[1] <= a[1] {
		return 0
	}
	return (b[0] - a[0]) / (b[1] - a[1])
}

// TestCalibrateOnLocalOllama: factors fitted on the run at 2 users predict
// the measured throughput at 1 and 4 users within a factor of calFactor
// (skipped when other work overloads the machine, or when it missed while
// the hypervisor took more than maxSteal of the CPU time).
func TestCalibrateOnLocalOllama(t *testing.T) {
	if testing.Short() {
		t.Skip("real server: skipped in -short")
	}
	if why, ok := busy(); ok {
		t.Skipf("the machine is too busy for a throughput comparison (%s); BenchmarkOllamaCalibration prints the errors on a quiet one", why)
	}
	localservertest.Exclusive(t)
	if why, ok := busy(); ok { // the lock may have waited minutes
		t.Skipf("the machine is too busy for a throughput comparison (%s)", why)
	}
	before := stealTime()
	cal, errs := calibrationErrors(t)
	stolen := stealShare(before, stealTime())
	t.Logf("calibration: %s; factors %+v; %.0f %% of the CPU time stolen by the hypervisor", cal.Describe(), cal.Factors, 100*stolen)
	for u, e := range errs {
		if why, ok := busy(); ok && math.Abs(math.Log1p(e)) > math.Log(calFactor) {
			t.Skipf("%d users off by %+.0f %%, but the machine became too busy during the rounds (%s)", u, 100*e, why)
		}
		if stolen > maxSteal && math.Abs(math.Log1p(e)) > math.Log(calFactor) {
			t.Skipf("%d users off by %+.0f %%, but the hypervisor took %.0f %% of the CPU time during the rounds (the load average does not show it)", u, 100*e, 100*stolen)
		}
		if math.Abs(math.Log1p(e)) > math.Log(calFactor) {
			t.Errorf("%d users: predicted throughput %+.0f %% off the measured one (tolerance: within a factor %g)", u, 100*e, calFactor)
		}
	}
}

// BenchmarkOllamaCalibration prints the calibration's actual prediction
// errors on this machine (make bench).
func BenchmarkOllamaCalibration(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cal, errs := calibrationErrors(b)
		fmt.Printf("perfmodel calibration on local Ollama (CPU, small model, %d slots), calibrated at 2 users (last fit error %.1f %%):\n", ollamaParallel, 100*cal.ErrorBand)
		for _, u := range []int{1, 4} {
			fmt.Printf("  %d users: throughput error %+.1f %% (median of %d rounds)\n", u, 100*errs[u], rounds)
		}
	}
}
