package energy

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

const sec = int64(time.Second)

// trace synthesises one GPU's readings: power w(t) sampled at 10 Hz and the
// energy counter at 1 Hz, from fromS to toS seconds on the run clock.
func trace(uuid string, fromS, toS int64, w func(t int64) float64, powerScale float64) []runrecord.Sample {
	labels := map[string]string{collectors.LabelGPU: "0", collectors.LabelUUID: uuid}
	var out []runrecord.Sample
	counter := 5e9 // mJ, arbitrary start
	step := sec / 10
	for t := fromS * sec; t <= toS*sec; t += step {
		if t > fromS*sec {
			counter += w(t-step) * 100 // W × 0.1 s = J ×1000 /1000... in mJ: W*0.1s*1000
		}
		out = append(out, runrecord.Sample{TNS: t, Collector: "nvml", Metric: collectors.MetricPowerInstantW, Labels: labels, Value: w(t) * powerScale})
		if t%sec == 0 {
			out = append(out, runrecord.Sample{TNS: t, Collector: "nvml", Metric: collectors.MetricEnergyMJ, Labels: labels, Value: counter})
		}
	}
	return out
}

func step(t int64) float64 {
	if t < 0 {
		return 100
	}
	return 300
}

// sequential makes n back-to-back measured requests of dur seconds, two per task.
func sequential(n int, durS int64) []runrecord.Attempt {
	var out []runrecord.Attempt
	for i := 0; i < n; i++ {
		out = append(out, runrecord.Attempt{
			Seq: int64(i), TaskID: "t" + string(rune('a'+i/2)), TaskName: "chat", Phase: runrecord.PhaseMeasure,
			SentNS: int64(i) * durS * sec, EndNS: int64(i+1) * durS * sec, OK: true,
			Tokens: runrecord.Tokens{Output: 100},
		})
	}
	return out
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestAccountSteadyWindow(t *testing.T) {
	samples := trace("GPU-a", -10, 20, step, 1)
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	cfg := Config{Idle: runrecord.Window{StartNS: -10 * sec, EndNS: 0}, PUE: 1.2, PUESet: true}
	e := Account(run, sequential(10, 2), samples, cfg)
	if !e.Measured || !e.Reliable {
		t.Fatalf("measured=%v reliable=%v warnings=%v", e.Measured, e.Reliable, e.Warnings)
	}
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 6000)
	near(t, "AvgGPUPowerW", e.AvgGPUPowerW, 300)
	near(t, "Idle.GPUPowerW", e.Idle.GPUPowerW, 100)
	near(t, "MarginalGPUEnergyJ", e.MarginalGPUEnergyJ, 4000)
	near(t, "Fleet.JPerRequest", e.Fleet.JPerRequest, 600)
	near(t, "Fleet.JPerOutputToken", e.Fleet.JPerOutputToken, 6)
	near(t, "Fleet.JPerTask", e.Fleet.JPerTask, 1200)
	near(t, "Fleet.WhPer1kRequests", e.Fleet.WhPer1kRequests, 600.0/3.6)
	near(t, "Marginal.JPerRequest", e.Marginal.JPerRequest, 400)
	near(t, "RequestShareJ.Mean", e.RequestShareJ.Mean, 600)
	near(t, "RequestShareMarginalJ.Mean", e.RequestShareMarginalJ.Mean, 400)
	near(t, "ByTaskName[chat].JPerTask", e.ByTaskName["chat"].JPerTask, 1200)
	if e.CrossCheckDiffPct > 1 {
		t.Errorf("cross-check %.2f%%, want ~0", e.CrossCheckDiffPct)
	}
	if len(e.Boundaries) != 3 {
		t.Fatalf("boundaries: %+v", e.Boundaries)
	}
	b := e.Boundaries
	if b[0].Provenance != runrecord.Measured || b[1].Provenance != runrecord.Assumed || b[2].Provenance != runrecord.Assumed {
		t.Errorf("provenance gpu/node/facility = %s/%s/%s", b[0].Provenance, b[1].Provenance, b[2].Provenance)
	}
	near(t, "node J", b[1].EnergyJ, 6000*DefaultNodeFactor)
	near(t, "facility J", b[2].EnergyJ, 6000*DefaultNodeFactor*1.2)
	near(t, "facility marginal J", b[2].MarginalEnergyJ, 4000*DefaultNodeFactor*1.2)
}

func TestAccountConcurrentShares(t *testing.T) {
	samples := trace("GPU-a", 0, 10, func(int64) float64 { return 200 }, 1)
	// Two requests overlap on [2 s, 4 s]: each gets half the energy there.
	att := []runrecord.Attempt{
		{TaskID: "a", Phase: runrecord.PhaseMeasure, SentNS: 1 * sec, EndNS: 4 * sec, OK: true, Tokens: runrecord.Tokens{Output: 10}},
		{TaskID: "b", Phase: runrecord.PhaseMeasure, SentNS: 2 * sec, EndNS: 5 * sec, OK: true, Tokens: runrecord.Tokens{Output: 10}},
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 10 * sec}}
	e := Account(run, att, samples, Config{})
	// request a: 1 s alone (200 J) + 2 s shared (200 J) = 400 J; b likewise.
	near(t, "share mean", e.RequestShareJ.Mean, 400)
	near(t, "share max", e.RequestShareJ.Max, 400)
	if e.Marginal != nil || e.Idle != nil {
		t.Errorf("no idle baseline taken, yet marginal figures present")
	}
}

func TestAccountWarnings(t *testing.T) {
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	tests := []struct {
		name       string
		samples    []runrecord.Sample
		run        *runrecord.Run
		wantWarn   string
		unreliable bool
	}{
		{"power integral 10% above counter", trace("GPU-a", 0, 20, step, 1.1), run, "differ by 10.0%", false},
		{"short window", trace("GPU-a", 0, 20, step, 1), &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 3 * sec}}, "shorter than the 5 s minimum", true},
		{"counter reset", withReset(trace("GPU-a", 0, 20, step, 1), 10*sec), run, "went backwards 1 time", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := Account(tc.run, sequential(2, 1), tc.samples, Config{})
			if !strings.Contains(strings.Join(e.Warnings, "\n"), tc.wantWarn) {
				t.Errorf("warnings %q lack %q", e.Warnings, tc.wantWarn)
			}
			if e.Reliable == tc.unreliable {
				t.Errorf("reliable = %v", e.Reliable)
			}
		})
	}
}

// withReset makes the counter restart from zero at t0 (a driver reload).
func withReset(s []runrecord.Sample, t0 int64) []runrecord.Sample {
	var base float64
	for i := range s {
		if s[i].Metric == collectors.MetricEnergyMJ && s[i].TNS == t0 {
			base = s[i].Value - 1000
		}
	}
	out := append([]runrecord.Sample(nil), s...)
	for i := range out {
		if out[i].Metric == collectors.MetricEnergyMJ && out[i].TNS >= t0 {
			out[i].Value -= base
		}
	}
	return out
}

func TestAccountCounterResetKeepsEnergy(t *testing.T) {
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), withReset(trace("GPU-a", 0, 20, step, 1), 10*sec), Config{})
	// The reset step itself counts 1,000 mJ instead of 300 J: 6000 - 300 + 1.
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 5701)
	if e.GPUs[0].CounterResets != 1 {
		t.Errorf("CounterResets = %d", e.GPUs[0].CounterResets)
	}
}

func TestAccountNotMeasured(t *testing.T) {
	e := Account(&runrecord.Run{}, sequential(2, 1), nil, Config{NotMeasuredReason: "no NVIDIA driver: NVML library not found"})
	if e.Measured || e.Reason != "no NVIDIA driver: NVML library not found" {
		t.Fatalf("got measured=%v reason=%q", e.Measured, e.Reason)
	}
	if e.GPUEnergyJ != 0 || e.Boundaries != nil {
		t.Errorf("figures present although not measured: %+v", e)
	}
	if e.CPUEnergyNote == "" {
		t.Errorf("no note on CPU energy")
	}
}

func TestAccountMultiGPU(t *testing.T) {
	a := trace("GPU-a", 0, 10, func(int64) float64 { return 100 }, 1)
	b := trace("GPU-b", 0, 10, func(int64) float64 { return 250 }, 1)
	for i := range b {
		b[i].Labels = map[string]string{collectors.LabelGPU: "1", collectors.LabelUUID: "GPU-b"}
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 10 * sec}}
	e := Account(run, sequential(5, 2), append(a, b...), Config{})
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 3500)
	if len(e.GPUs) != 2 || e.GPUs[1].Index != 1 {
		t.Fatalf("GPUs: %+v", e.GPUs)
	}
	near(t, "share mean", e.RequestShareJ.Mean, 700)
}

// A run without a window falls back to the measured attempts' span; a
// dropped attempt (never sent, SentNS 0) does not stretch it to zero.
func TestAccountFallbackWindowIgnoresDropped(t *testing.T) {
	samples := trace("GPU-a", 0, 20, func(int64) float64 { return 100 }, 1)
	att := sequential(4, 2) // 0..8 s
	for i := range att {
		att[i].SentNS += 6 * sec
		att[i].EndNS += 6 * sec // 6..14 s
	}
	att = append(att, runrecord.Attempt{TaskID: "x", Phase: runrecord.PhaseMeasure, EndNS: 12 * sec, ErrorClass: runrecord.ErrDropped})
	e := Account(&runrecord.Run{}, att, samples, Config{})
	if e.Window.StartNS != 6*sec || e.Window.EndNS != 14*sec {
		t.Fatalf("window %+v, want 6 s to 14 s", e.Window)
	}
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 800)
	if e.Requests != 4 {
		t.Errorf("requests %d: the dropped attempt counted as work", e.Requests)
	}
}

// Energy is split across every request in flight, whatever its phase: a
// cool-down request overlapping a measured one takes its half, and the
// measured request's share is only its own part.
func TestAccountSharesSplitWithOtherPhases(t *testing.T) {
	samples := trace("GPU-a", 0, 10, func(int64) float64 { return 200 }, 1)
	att := []runrecord.Attempt{
		{TaskID: "m", Phase: runrecord.PhaseMeasure, SentNS: 2 * sec, EndNS: 6 * sec, OK: true, Tokens: runrecord.Tokens{Output: 10}},
		{TaskID: "c", Phase: runrecord.PhaseCooldown, SentNS: 4 * sec, EndNS: 8 * sec, OK: true, Tokens: runrecord.Tokens{Output: 10}},
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 10 * sec}}
	e := Account(run, att, samples, Config{Idle: runrecord.Window{StartNS: 0, EndNS: 10 * sec}})
	// 2 s alone (400 J) + 2 s shared (200 J).
	near(t, "measured share", e.RequestShareJ.Max, 600)
	if e.RequestShareJ.Count != 1 || e.Requests != 1 {
		t.Errorf("share count %d, requests %d: the cool-down request entered the figures", e.RequestShareJ.Count, e.Requests)
	}
	// idle 200 W is all of the draw: nothing is marginal.
	near(t, "marginal share", e.RequestShareMarginalJ.Max, 0)
	near(t, "MarginalGPUEnergyJ", e.MarginalGPUEnergyJ, 0)
}

// TestAccountMIG: a GPU in MIG mode is measured whole. Selected whole, its
// energy stands with a warning; selected through a MIG device (the run
// used a slice), the whole GPU's energy is not the run's: unreliable.
func TestAccountMIG(t *testing.T) {
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	for _, tc := range []struct {
		name     string
		info     runrecord.GPUEnergy
		reliable bool
	}{
		{"whole GPU", runrecord.GPUEnergy{MIGEnabled: true, MIGInstances: 2}, true},
		{"one slice", runrecord.GPUEnergy{MIGEnabled: true, MIGInstances: 2, MIGDevices: []string{"MIG-1"}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{GPUInfo: map[string]runrecord.GPUEnergy{"GPU-a": tc.info}}
			e := Account(run, sequential(2, 1), trace("GPU-a", 0, 20, step, 1), cfg)
			if !strings.Contains(strings.Join(e.Warnings, "\n"), "GPU GPU-a is in MIG mode") || e.Reliable != tc.reliable {
				t.Errorf("reliable=%v warnings=%q", e.Reliable, e.Warnings)
			}
			near(t, "GPUEnergyJ", e.GPUEnergyJ, 6000)
		})
	}
}

// withoutCounter drops the energy-counter readings (a GPU or driver without one).
func withoutCounter(s []runrecord.Sample) []runrecord.Sample {
	var out []runrecord.Sample
	for _, x := range s {
		if x.Metric != collectors.MetricEnergyMJ {
			out = append(out, x)
		}
	}
	return out
}

// TestAccountPowerIntegralFallback: without an energy counter the energy is
// the power integral, and every place that names the source says so; the
// cross-check cannot be made and a warning says that too.
func TestAccountPowerIntegralFallback(t *testing.T) {
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), withoutCounter(trace("GPU-a", 0, 20, step, 1)), Config{})
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 6000)
	if src := e.Boundaries[0].FactorSource; !strings.HasPrefix(src, "NVML power integral") {
		t.Errorf("gpu boundary source %q hides the power-integral fallback", src)
	}
	if e.EnergySource != "power_integral" || e.GPUs[0].EnergySource != "power_integral" {
		t.Errorf("energy source %q / %q, want power_integral", e.EnergySource, e.GPUs[0].EnergySource)
	}
	if !strings.Contains(strings.Join(e.Warnings, "\n"), "no cross-check") {
		t.Errorf("warnings %q do not say the cross-check is missing", e.Warnings)
	}
	m := Account(run, sequential(2, 1), trace("GPU-a", 0, 20, step, 1), Config{})
	if m.EnergySource != "counter" || !strings.Contains(m.Boundaries[0].FactorSource, "energy counter") {
		t.Errorf("with the counter: source %q, boundary %q", m.EnergySource, m.Boundaries[0].FactorSource)
	}
}

// TestAccountUncoveredWindowIsUnreliable: readings that stop before the
// window's end give the energy of the covered part only, so the figure is
// unreliable, not just warned about (a cluster whose last scrape came
// before the run's end).
func TestAccountUncoveredWindowIsUnreliable(t *testing.T) {
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), trace("GPU-a", 0, 15, step, 1), Config{})
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 4500)
	if e.Reliable || !strings.Contains(strings.Join(e.Warnings, "\n"), "do not cover the whole energy window") {
		t.Errorf("reliable=%v warnings=%q", e.Reliable, e.Warnings)
	}
}

// TestAccountMIGInstanceSeries: dcgm-exporter publishes a MIG GPU's counter
// once per GPU instance; the series interleave, and the one read a little
// later is a little lower. Merged, each such step read as a counter reset
// adding the whole since-boot counter (5×10⁹ J for 15,000 J). They are one
// physical counter: counted once, with a warning.
func TestAccountMIGInstanceSeries(t *testing.T) {
	var samples []runrecord.Sample
	for _, inst := range []string{"1", "2"} {
		lag := int64(0)
		if inst == "2" {
			lag = sec / 5
		}
		labels := map[string]string{collectors.LabelNode: "n1", collectors.LabelGPU: "0", collectors.LabelUUID: "GPU-m", collectors.LabelGPUInstance: inst}
		for t := int64(-10); t <= 60; t += 5 {
			samples = append(samples,
				runrecord.Sample{TNS: t * sec, Collector: "prometheus", Metric: collectors.MetricEnergyMJ, Labels: labels, Value: 5e12 + 250*float64(t*sec-lag)/1e6},
				runrecord.Sample{TNS: t * sec, Collector: "prometheus", Metric: collectors.MetricPowerAvg1sW, Labels: labels, Value: 250})
		}
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 60 * sec}}
	e := Account(run, sequential(2, 1), samples, Config{})
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 15000)
	if len(e.GPUs) != 1 || e.GPUs[0].CounterResets != 0 || !e.Reliable || e.GPUs[0].MIGInstances != 2 {
		t.Errorf("gpus %+v reliable %v", e.GPUs, e.Reliable)
	}
	if !strings.Contains(strings.Join(e.Warnings, "\n"), "2 MIG instances") {
		t.Errorf("warnings %q", e.Warnings)
	}
}

// TestAccountImplausibleReset: a backward step to a value no GPU could
// have drawn since the reading before (two series' readings interleaved,
// not a driver reload) adds nothing, instead of the whole counter.
func TestAccountImplausibleReset(t *testing.T) {
	s := trace("GPU-a", 0, 20, step, 1)
	var before float64
	for i := range s {
		if s[i].Metric != collectors.MetricEnergyMJ {
			continue
		}
		if s[i].TNS == 9*sec {
			before = s[i].Value
		}
		if s[i].TNS == 10*sec {
			s[i].Value = before - 5000 // 5 J lower, yet 5×10⁶ J "since a reset" 1 s ago
		}
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), s, Config{})
	if math.Abs(e.GPUEnergyJ-6000) > 60 || e.Reliable || e.GPUs[0].CounterResets != 1 {
		t.Errorf("energy %.0f J (want 6000 ± 1 %%), reliable %v, resets %d", e.GPUEnergyJ, e.Reliable, e.GPUs[0].CounterResets)
	}
}

// TestAccountSameGPUTwoSources: the nvml collector and the prometheus one
// read the same GPU (same UUID) when the run's node is also scraped; it is
// counted once, from the local counter.
func TestAccountSameGPUTwoSources(t *testing.T) {
	local := trace("GPU-a", 0, 20, step, 1)
	remote := trace("GPU-a", 0, 20, step, 1)
	for i := range remote {
		remote[i].Collector = "prometheus"
		remote[i].Labels = map[string]string{collectors.LabelNode: "node-a", collectors.LabelGPU: "0", collectors.LabelUUID: "GPU-a"}
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), append(local, remote...), Config{})
	near(t, "GPUEnergyJ", e.GPUEnergyJ, 6000)
	if len(e.GPUs) != 1 || e.Source != "nvml" || !strings.Contains(strings.Join(e.Warnings, "\n"), "read by both nvml and prometheus") {
		t.Errorf("gpus %d source %q warnings %q", len(e.GPUs), e.Source, e.Warnings)
	}
}

// TestAccountIdleMissingGPU: a GPU without readings in the idle span would
// leave its idle power out of the sum, making the marginal figures too
// large; the baseline is dropped instead, with a warning naming the GPU.
func TestAccountIdleMissingGPU(t *testing.T) {
	a := trace("GPU-a", -10, 20, step, 1)
	b := trace("GPU-b", 0, 20, step, 1) // started after the idle span
	for i := range b {
		b[i].Labels = map[string]string{collectors.LabelGPU: "1", collectors.LabelUUID: "GPU-b"}
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), append(a, b...), Config{Idle: runrecord.Window{StartNS: -10 * sec, EndNS: -sec}})
	if e.Idle != nil || e.Marginal != nil || !strings.Contains(strings.Join(e.Warnings, "\n"), "GPU GPU-b has no readings in the idle span") {
		t.Errorf("idle %+v marginal %+v warnings %q", e.Idle, e.Marginal, e.Warnings)
	}
}

// TestAccountThrottled: clock-event reasons seen during the window (not
// before it) are recorded per GPU, and throttling flags the run.
func TestAccountThrottled(t *testing.T) {
	s := trace("GPU-a", -5, 20, step, 1)
	labels := map[string]string{collectors.LabelGPU: "0", collectors.LabelUUID: "GPU-a"}
	for ts := int64(-5); ts <= 20; ts++ {
		mask := 1.0 // gpu_idle
		switch {
		case ts < 0:
			mask = 64 // hw_thermal_slowdown before the window: not the run's
		case ts >= 8 && ts < 12:
			mask = 4 | 32 // sw_power_cap and sw_thermal_slowdown
		}
		s = append(s, runrecord.Sample{TNS: ts * sec, Collector: "nvml", Metric: collectors.MetricClockEventReasons, Labels: labels, Value: mask})
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 20 * sec}}
	e := Account(run, sequential(2, 1), s, Config{})
	g := e.GPUs[0]
	if !e.Throttled || !g.Throttled || !slices.Equal(g.ClockEventReasons, []string{"sw_power_cap", "sw_thermal_slowdown"}) {
		t.Errorf("throttled %v/%v reasons %v", e.Throttled, g.Throttled, g.ClockEventReasons)
	}
	if !strings.Contains(strings.Join(e.Warnings, "\n"), "throttled") {
		t.Errorf("warnings %q", e.Warnings)
	}
	calm := Account(run, sequential(2, 1), trace("GPU-a", 0, 20, step, 1), Config{})
	if calm.Throttled {
		t.Error("throttled without any reason reading")
	}
}
