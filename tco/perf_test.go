package tco

import (
	"strings"
	"testing"
)

// TestPerfFigures: every built-in profile states the performance model's
// figures (accelerators or CPU), with a source; a bad one names its line.
func TestPerfFigures(t *testing.T) {
	for _, name := range Names(KindHardware) {
		h, err := LoadHardware(name)
		if err != nil {
			t.Fatal(err)
		}
		fields := []string{"accelerator_bf16_dense_tflops", "accelerator_fp8_dense_tflops", "accelerator_memory_bandwidth_gb_per_s", "accelerator_link_bandwidth_gb_per_s"}
		if h.AcceleratorsPerNode.V() == 0 {
			fields = []string{"cpu_cores", "cpu_peak_fp32_tflops", "cpu_memory_bandwidth_gb_per_s", "host_memory_gb"}
		}
		for _, f := range fields {
			if _, err := h.PerfFigure(f); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			if s := h.PerfSourced(f); s == nil || s.Source == "" || s.Date == "" {
				t.Errorf("%s: %s has no source or date", name, f)
			}
		}
	}
	h, err := LoadHardware("8xh100-sxm")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := h.PerfFigure("accelerator_memory_bandwidth_gb_per_s"); v != 3350 {
		t.Errorf("H100 bandwidth %g GB/s, want 3350", v)
	}
	if _, err := h.PerfFigure("cpu_cores"); err == nil || !strings.Contains(err.Error(), "has no cpu_cores") {
		t.Errorf("missing figure: %v", err)
	}
	bad := strings.Replace(builtin(t, "../hardware-profiles/8xh100-sxm.yaml"), "value: 3350", "value: -3", 1)
	if _, err := ParseHardware("h.yaml", []byte(bad)); err == nil || !strings.Contains(err.Error(), "accelerator_memory_bandwidth_gb_per_s.value: negative") {
		t.Errorf("bad bandwidth: %v", err)
	}
}
