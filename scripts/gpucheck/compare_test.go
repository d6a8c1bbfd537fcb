package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

func TestSeriesIntegral(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var s series
	for i := 0; i <= 10; i++ {
		s.add(t0.Add(time.Duration(i)*time.Second), float64(100+10*i)) // 100 W rising 10 W/s
	}
	j, covered := s.integral(t0.Add(2500*time.Millisecond), t0.Add(7500*time.Millisecond))
	// mean power over [2.5 s, 7.5 s] is 150 W, for 5 s
	if math.Abs(j-750) > 1e-9 || !covered {
		t.Errorf("integral %v covered %v, want 750 J", j, covered)
	}
	if _, covered := s.integral(t0.Add(-time.Second), t0.Add(5*time.Second)); covered {
		t.Error("a span starting before the samples reads as covered")
	}
}

func TestReadSMI(t *testing.T) {
	in := "2026/01/02 03:04:05.100, 71.50, 70.25\n2026/01/02 03:04:05.200, [N/A], 300.5\n\n2026/01/02 03:04:05.300, 250.00, 251.00\n"
	draw, inst, err := readSMI(strings.NewReader(in), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(draw.at) != 2 || len(inst.at) != 3 || draw.w[1] != 250 || inst.at[1].Nanosecond() != 200e6 {
		t.Errorf("draw %+v instant %+v", draw, inst)
	}
	if _, _, err := readSMI(strings.NewReader("yesterday, 5\n"), time.UTC); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("err %v", err)
	}
}

// TestCompare: a run directory and an nvidia-smi log of a GPU drawing 300 W
// in a 10 s window after 60 W idle: the table shows the same energy three
// ways and the idle power twice.
func TestCompare(t *testing.T) {
	dir := t.TempDir()
	zero := time.Now().Truncate(time.Millisecond)
	sec := int64(time.Second)
	run := &runrecord.Run{Schema: runrecord.SchemaVersion, ID: "r", StartedAt: zero, EndedAt: zero.Add(12 * time.Second),
		Window: runrecord.Window{StartNS: sec, EndNS: 11 * sec},
		Energy: &runrecord.Energy{Measured: true, Reliable: true, Source: "nvml", EnergySource: "counter", PowerSource: "instant", DriverVersion: "550.54.15",
			Window: runrecord.Window{StartNS: sec, EndNS: 11 * sec}, WindowS: 10,
			Idle: &runrecord.IdleBaseline{Window: runrecord.Window{StartNS: -10 * sec, EndNS: 0}, WindowS: 10, GPUPowerW: 60},
			GPUs: []runrecord.GPUEnergy{{Index: 0, UUID: "GPU-x", Name: "NVIDIA H100", EnergyJ: 3000, EnergySource: "counter", PowerIntegralJ: 2970, IdlePowerW: 60}}}}
	if err := runrecord.WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	var samples []runrecord.Sample
	var csv strings.Builder
	for ms := int64(-11000); ms <= 13000; ms += 100 {
		w := 60.0
		if ms >= 500 {
			w = 300
		}
		at := zero.Add(time.Duration(ms) * time.Millisecond)
		fmt.Fprintf(&csv, "%s, %.2f\n", at.Local().Format(smiLayout), w)
		samples = append(samples, runrecord.Sample{TNS: ms * 1e6, Collector: "nvml", Metric: collectors.MetricPowerInstantW, Labels: map[string]string{"gpu": "0"}, Value: w})
	}
	if err := collectors.WriteTelemetry(dir, samples); err != nil {
		t.Fatal(err)
	}
	smi := filepath.Join(dir, "smi.csv")
	start := filepath.Join(dir, "load-start")
	_ = os.WriteFile(smi, []byte(csv.String()), 0o644)
	_ = os.WriteFile(start, []byte(zero.Add(-2*time.Second).Format(time.RFC3339Nano)+"\n"), 0o644)
	var out strings.Builder
	if err := compare(&out, dir, smi, 0, start); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"GPU 0 (NVIDIA H100, GPU-x), driver 550.54.15; energy window 10.0 s (reliable), energy from the counter",
		"tcobench: NVML energy counter (measured)                   3000.0  —",
		"tcobench: integral of instant power, sampled (measured)       2970.0  -1.0 %",
		"nvidia-smi: integral of power.draw, -lms 100               3000.0  +0.0 %",
		"tcobench 10.0 Hz (largest gap 100 ms), nvidia-smi 10.0 Hz",
		"idle power over 10.0 s before the load: tcobench 60.0 W, nvidia-smi power.draw 60.0 W (+0.0 %)",
		"WARNING: the load began 2.0 s before the idle span ended",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	run.Energy = &runrecord.Energy{Reason: "GPU energy not measured: no NVIDIA driver"}
	_ = runrecord.WriteRun(dir, run)
	if err := compare(&out, dir, smi, 0, ""); err == nil || !strings.Contains(err.Error(), "no NVIDIA driver") {
		t.Errorf("unmeasured run: err %v", err)
	}
}
