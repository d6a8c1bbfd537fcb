package doctor

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/modelapi"
)

func TestGPUReason(t *testing.T) {
	cases := map[string]error{
		"no NVIDIA driver: NVML library not found": errors.Join(nvml.ErrUnavailable, errors.New("no NVIDIA driver: NVML library not found")),
		"no NVIDIA driver: libnvidia-ml.so.1":      fmt.Errorf("%w: no NVIDIA driver: libnvidia-ml.so.1", nvml.ErrUnavailable),
		"NVML unavailable":                         nvml.ErrUnavailable,
		"other; failure":                           errors.New("other\nfailure"),
	}
	for want, err := range cases {
		if got := gpuReason(err); got != want {
			t.Errorf("gpuReason(%q) = %q, want %q", err, got, want)
		}
	}
}

func TestWriteText(t *testing.T) {
	r := Report{
		GPU: GPUReport{Available: true, Inventory: &nvml.Inventory{DriverVersion: "550.54", NVMLVersion: "12.550", CUDAVersion: "12.4",
			GPUs:  []nvml.GPUInfo{{Index: 0, UUID: "GPU-1", Name: "NVIDIA H100", MemoryBytes: 80 << 30, PowerLimitW: 700}, {Index: 1, Unreachable: "NVML: GPU is lost"}},
			Notes: []string{"the NVIDIA driver lacks nvmlDeviceGetCurrentClocksEventReasons (before R535)"}}},
		Host:   HostReport{OS: "linux", Platform: "debian 12", Arch: "x86_64", Kernel: "6.1", CPUModel: "EPYC", PhysicalCores: 2, LogicalCPUs: 4, MemTotalBytes: 8 << 30, MemAvailBytes: 4 << 30},
		Target: &modelapi.TargetReport{URL: "http://h:1", Answers: true, APIs: []string{"openai"}, OpenAI: &modelapi.OpenAIInfo{Models: []string{"m"}}},
	}
	var b strings.Builder
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"NVIDIA driver 550.54, NVML 12.550, CUDA 12.4, 2 GPU(s)",
		"GPU 0: NVIDIA H100, 80.0 GiB memory, power limit 700 W, MIG off",
		"GPU 1: unreachable (NVML: GPU is lost)",
		"note: the NVIDIA driver lacks nvmlDeviceGetCurrentClocksEventReasons (before R535)",
		"debian 12, x86_64, kernel 6.1",
		"EPYC, 2 physical cores, 4 logical CPUs",
		"8.0 GiB total, 4.0 GiB available",
		"http://h:1 answers: OpenAI-compatible API",
		"/v1/models: m",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
	r.GPU = GPUReport{Reason: "no NVIDIA driver: NVML library not found"}
	r.Target = &modelapi.TargetReport{URL: "http://h:1", Error: "connection refused"}
	b.Reset()
	_ = WriteText(&b, r)
	for _, want := range []string{"GPU:     none usable (no NVIDIA driver: NVML library not found)", "http://h:1 does not answer: connection refused"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestProbeHost(t *testing.T) {
	h := ProbeHost(context.Background())
	if h.LogicalCPUs < 1 || h.MemTotalBytes == 0 || h.Arch == "" {
		t.Errorf("host report %+v", h)
	}
}
