package doctor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/collectors/nvml"
)

// fakeServer answers the Ollama native API, the OpenAI-compatible API, or both.
func fakeServer(t *testing.T, ollama, openai bool) string {
	mux := http.NewServeMux()
	if ollama {
		mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"version":"0.17.4"}`)
		})
		mux.HandleFunc("GET /api/tags", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"models":[{"name":"m:latest","size":1048576,"details":{"family":"llama","parameter_size":"8B","quantization_level":"Q4_K_M"}}]}`)
		})
	}
	if openai {
		mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"object":"list","data":[{"id":"m:latest"},{"id":"other"}]}`)
		})
	}
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s.URL
}

func TestProbeTarget(t *testing.T) {
	cases := []struct {
		name           string
		ollama, openai bool
		apis           string
		answers        bool
	}{
		{"both", true, true, "ollama,openai", true},
		{"ollama only", true, false, "ollama", true},
		{"openai only (vLLM, TGI, SGLang)", false, true, "openai", true},
		{"neither", false, false, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := fakeServer(t, c.ollama, c.openai)
			r := ProbeTarget(context.Background(), u+"/v1/", nil)
			if got := strings.Join(r.APIs, ","); got != c.apis || r.Answers != c.answers {
				t.Fatalf("apis %q answers %v, want %q %v (error %q)", got, r.Answers, c.apis, c.answers, r.Error)
			}
			if r.URL != u {
				t.Errorf("URL %q, want %q", r.URL, u)
			}
			if c.ollama && (r.Ollama.Version != "0.17.4" || len(r.Ollama.Models) != 1 || r.Ollama.Models[0].Quantization != "Q4_K_M") {
				t.Errorf("ollama info %+v", r.Ollama)
			}
			if c.openai && len(r.OpenAI.Models) != 2 {
				t.Errorf("openai info %+v", r.OpenAI)
			}
			if !c.answers && !strings.Contains(r.Error, "404") {
				t.Errorf("error %q should say what each API answered", r.Error)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	good := map[string]string{
		"http://127.0.0.1:11434":     "http://127.0.0.1:11434",
		"127.0.0.1:8000":             "http://127.0.0.1:8000",
		"https://gpu-node:8000/v1":   "https://gpu-node:8000",
		"http://h:1/prefix/v1/?x=1":  "http://h:1/prefix",
		" http://127.0.0.1:11434/  ": "http://127.0.0.1:11434",
	}
	for in, want := range good {
		u, err := ParseTarget(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseTarget(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, in := range []string{"", "ftp://h", "http://", "://x"} {
		if _, err := ParseTarget(in); err == nil {
			t.Errorf("ParseTarget(%q): want an error", in)
		}
	}
}

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
		Target: &TargetReport{URL: "http://h:1", Answers: true, APIs: []string{"openai"}, OpenAI: &OpenAIInfo{Models: []string{"m"}}},
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
	r.Target = &TargetReport{URL: "http://h:1", Error: "connection refused"}
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
