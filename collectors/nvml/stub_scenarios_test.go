//go:build cgo

package nvml

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/runrecord"
)

// The scenarios run in child processes (see stub_test.go), each against the
// stub library in the mode its parent set.

func init() {
	stubScenarios["healthy"] = scenarioHealthy
	stubScenarios["old-driver"] = scenarioOldDriver
	stubScenarios["handle-fails"] = scenarioHandleFails
	stubScenarios["mig"] = scenarioMIG
	stubScenarios["no-energy-counter"] = scenarioNoEnergyCounter
}

// counts tallies readings by metric.
func counts(rs []collectors.Reading) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.Metric]++
	}
	return out
}

func newStubCollector(t *testing.T, lib Library, o Options) *Collector {
	t.Helper()
	o.Lib = lib
	c, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// sampleAll reads every kind of reading n times.
func sampleAll(c *Collector, sink *clockSink, n int) {
	for i := 0; i < n; i++ {
		sink.now += 100 * time.Millisecond
		c.ReadEnergy(sink)
		c.readPower(sink)
		c.readContext(sink)
	}
}

func scenarioHealthy(t *testing.T, lib Library) {
	inv, err := ProbeLibrary(lib)
	if err != nil {
		t.Fatal(err)
	}
	if inv.DriverVersion != "525.147.05" || inv.CUDAVersion != "12.0" || len(inv.GPUs) != 2 {
		t.Fatalf("inventory %+v", inv)
	}
	g := inv.GPUs[1]
	if g.Architecture != "ampere" || g.PowerLimitW != 700 || g.MemoryBytes != 80<<30 || g.MIG || g.UUID != "GPU-57ab0001-0000-0000-0000-000000000000" {
		t.Errorf("GPU 1 = %+v", g)
	}
	c := newStubCollector(t, lib, Options{})
	sink := &clockSink{base: time.Now()}
	sampleAll(c, sink, 3)
	got := counts(sink.got)
	for _, m := range []string{collectors.MetricEnergyMJ, collectors.MetricPowerInstantW, "gpu_util_pct", "mem_used_bytes", "sm_clock_mhz", "temp_c", "power_limit_w", "clocks_event_reasons"} {
		if got[m] != 6 {
			t.Errorf("%d %s readings, want 6 (2 GPUs × 3)", got[m], m)
		}
	}
	for _, r := range sink.got {
		if r.Metric == collectors.MetricPowerInstantW && r.Labels[collectors.LabelGPU] == "1" && math.Abs(r.Value-300) > 1e-9 {
			t.Errorf("GPU 1 instant power %v W, want 300 (the stub's)", r.Value)
		}
	}
	if h := c.Health(); !h.OK || h.Errors != 0 || len(h.Unsupported) != 0 {
		t.Errorf("health %+v", h)
	}
}

// scenarioOldDriver: a driver before R535 lacks
// nvmlDeviceGetCurrentClocksEventReasons; calling it anyway kills the
// process. The collector must look the symbol up first and read the
// reasons through the older name.
func scenarioOldDriver(t *testing.T, lib Library) {
	inv, err := ProbeLibrary(lib)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Notes) != 1 || !strings.Contains(inv.Notes[0], "before R535") {
		t.Errorf("inventory notes %q: doctor must say what this driver lacks", inv.Notes)
	}
	c := newStubCollector(t, lib, Options{})
	sink := &clockSink{base: time.Now()}
	sampleAll(c, sink, 2)
	if got := counts(sink.got); got["clocks_event_reasons"] != 4 || got[collectors.MetricEnergyMJ] != 4 {
		t.Errorf("readings %v: want clock-event reasons through the older call", got)
	}
	if h := c.Health(); !h.OK || h.Errors != 0 || !strings.Contains(h.Message, "ThrottleReasons") {
		t.Errorf("health %+v", h)
	}
}

// scenarioHandleFails: GPU 1 of 3 has fallen off the bus (its handle
// answers GPU_IS_LOST). doctor lists it as unreachable; a run measures the
// others; naming it alone is "NVML unavailable" (the run goes on without
// GPU energy), not bad usage.
func scenarioHandleFails(t *testing.T, lib Library) {
	inv, err := ProbeLibrary(lib)
	if err != nil {
		t.Fatalf("probe: %v", err)
	}
	if len(inv.GPUs) != 3 || !strings.Contains(inv.GPUs[1].Unreachable, "GPU is lost") || inv.GPUs[0].Unreachable != "" {
		t.Fatalf("inventory %+v", inv.GPUs)
	}
	for _, tc := range []struct {
		gpus string
		want []int
	}{{"0", []int{0}}, {"0,2", []int{0, 2}}, {"all", []int{0, 2}}} {
		c := newStubCollector(t, lib, Options{GPUs: tc.gpus})
		var got []int
		for _, g := range c.Selected() {
			got = append(got, g.Index)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("--gpus %s selected %v, want %v", tc.gpus, got, tc.want)
		}
		if h := c.Health(); tc.gpus == "all" && (h.Errors != 1 || !strings.Contains(h.Message, "GPU 1 unreachable")) {
			t.Errorf("--gpus all: health %+v does not name the unreachable GPU", h)
		}
		c.Close()
	}
	_, err = New(Options{Lib: lib, GPUs: "1"})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "GPU 1 unreachable") {
		t.Errorf("--gpus 1: err %v, want ErrUnavailable naming GPU 1", err)
	}
}

// stubMIG1 is the UUID of the stub's first MIG device on GPU 0.
const stubMIG1 = "MIG-5a1e0000-0000-0000-0000-000000000001"

// scenarioMIG: GPU 0 is in MIG mode with two MIG devices, seen from a
// container given one slice: CUDA_VISIBLE_DEVICES names the slice, the
// parent's memory query is not permitted, and the energy counter is the
// whole GPU's.
func scenarioMIG(t *testing.T, lib Library) {
	c := newStubCollector(t, lib, Options{CUDAVisibleDevices: stubMIG1, CUDAVisibleSet: true})
	sel := c.Selected()
	if len(sel) != 1 || sel[0].Index != 0 || !sel[0].MIG {
		t.Fatalf("CUDA_VISIBLE_DEVICES=%s selected %+v, want GPU 0 (the slice's parent)", stubMIG1, sel)
	}
	if len(sel[0].MIGDevices) != 2 || sel[0].MIGDevices[1].GPUInstanceID != 2 || !slices.Equal(sel[0].SelectedMIG, []string{stubMIG1}) {
		t.Errorf("MIG devices %+v, selected through %v", sel[0].MIGDevices, sel[0].SelectedMIG)
	}
	sink := &clockSink{base: time.Now()}
	sampleAll(c, sink, 3)
	h := c.Health()
	if h.Errors != 0 || !slices.Contains(h.Unsupported, "mem_used_bytes") {
		t.Errorf("health %+v: a query the slice may not make is unsupported, not an error every second", h)
	}
	if !strings.Contains(h.Message, "MIG") {
		t.Errorf("health message %q does not warn about MIG", h.Message)
	}
	if got := counts(sink.got); got[collectors.MetricEnergyMJ] != 3 || got["mem_used_bytes"] != 0 {
		t.Errorf("readings %v", got)
	}
	_, _, recs := c.GPURecords()
	if len(recs) != 1 || !recs[0].MIGEnabled || recs[0].MIGInstances != 2 || !slices.Equal(recs[0].MIGDevices, []string{stubMIG1}) {
		t.Errorf("GPU records %+v: the run's energy record must know the slice", recs)
	}
	info := EnergyInfo(sel)
	e := energy.Account(&runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: int64(300 * time.Millisecond)}}, nil, sink.samples(), energy.Config{GPUInfo: info, MinWindow: time.Millisecond})
	w := strings.Join(e.Warnings, "\n")
	if !strings.Contains(w, "MIG mode") || e.Reliable {
		t.Errorf("reliable=%v warnings %q: whole-GPU energy for one slice of two must be flagged", e.Reliable, e.Warnings)
	}
}

// scenarioNoEnergyCounter: the GPU has no energy counter (NOT_SUPPORTED).
// The collector lists it as unsupported, and the accounting falls back to
// the power integral and says so wherever the source is named.
func scenarioNoEnergyCounter(t *testing.T, lib Library) {
	c := newStubCollector(t, lib, Options{})
	sink := &clockSink{base: time.Now()}
	sampleAll(c, sink, 11)
	h := c.Health()
	if !slices.Contains(h.Unsupported, collectors.MetricEnergyMJ) || h.Errors != 0 || !h.OK {
		t.Errorf("health %+v", h)
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: int64(100 * time.Millisecond), EndNS: int64(time.Second)}}
	e := energy.Account(run, nil, sink.samples(), energy.Config{MinWindow: time.Millisecond})
	if e.EnergySource != "power_integral" || !strings.HasPrefix(e.Boundaries[0].FactorSource, "NVML power integral") {
		t.Errorf("energy source %q, boundary %q", e.EnergySource, e.Boundaries[0].FactorSource)
	}
	if math.Abs(e.GPUEnergyJ-550*0.9) > 1e-6 || e.CrossCheckDiffPct != 0 {
		t.Errorf("energy %.3f J (want 495: 250 W + 300 W for 0.9 s), cross-check %.2f%%", e.GPUEnergyJ, e.CrossCheckDiffPct)
	}
}
