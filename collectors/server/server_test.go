package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tcobench/tcobench/collectors/internal/sinktest"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
)

func TestFixtures(t *testing.T) {
	tests := []struct {
		file, kind  string
		want        map[string]float64
		unsupported []string
	}{
		{"vllm.txt", "vllm", map[string]float64{RunningRequests: 12, WaitingRequests: 3, KVCacheUsageRatio: 0.42, PrefixCacheHits: 150000, PrefixCacheQueries: 200000, PromptTokens: 250000, GenerationTokens: 64000, Preemptions: 2}, []string{PrefixCacheHitRate}},
		{"vllm_legacy.txt", "vllm", map[string]float64{RunningRequests: 8, WaitingRequests: 0, KVCacheUsageRatio: 0.25, PrefixCacheHitRate: 0.6, PromptTokens: 1000, GenerationTokens: 500}, []string{PrefixCacheHits}},
		{"llamacpp.txt", "llama.cpp", map[string]float64{RunningRequests: 4, WaitingRequests: 1, KVCacheUsageRatio: 0.3, PromptTokens: 48000, GenerationTokens: 9600}, nil},
		{"tgi.txt", "tgi", map[string]float64{RunningRequests: 16, WaitingRequests: 5, PromptTokens: 595000, GenerationTokens: 152320}, nil},
		{"sglang.txt", "sglang", map[string]float64{RunningRequests: 24, WaitingRequests: 7, KVCacheUsageRatio: 0.55, PrefixCacheHitRate: 0.71, PromptTokens: 880000, GenerationTokens: 210000}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fams, err := Parse(f)
			if err != nil {
				t.Fatal(err)
			}
			if k := DetectKind(fams); k != tc.kind {
				t.Fatalf("kind %q, want %q", k, tc.kind)
			}
			got := Extract(fams, SeriesFor(tc.kind, nil))
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v", k, got[k], v)
				}
			}
			for _, k := range tc.unsupported {
				if _, ok := got[k]; ok {
					t.Errorf("%s present, want absent (unsupported, not zero)", k)
				}
			}
		})
	}
}

func TestSeriesOverride(t *testing.T) {
	ov, err := ParseSeries("kv_cache_tokens=llamacpp:kv_cache_tokens, running_requests=nope|llamacpp:requests_processing")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open("testdata/llamacpp.txt")
	defer f.Close()
	fams, _ := Parse(f)
	got := Extract(fams, SeriesFor("llama.cpp", ov))
	if got["kv_cache_tokens"] != 4915 || got[RunningRequests] != 4 {
		t.Errorf("got %v", got)
	}
	if _, err := ParseSeries("bad"); err == nil {
		t.Error("ParseSeries(bad) succeeded")
	}
}

// TestLiveEndpoint scrapes a live client_golang exporter publishing
// vLLM-named series whose values change between scrapes.
func TestLiveEndpoint(t *testing.T) {
	reg := prometheus.NewRegistry()
	running := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "vllm:num_requests_running"}, []string{"model_name"})
	gen := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "vllm:generation_tokens_total"}, []string{"model_name"})
	reg.MustRegister(running, gen)
	running.WithLabelValues("m").Set(5)
	gen.WithLabelValues("m").Add(100)
	ts := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer ts.Close()

	c := New(Options{URL: ts.URL, Interval: 20 * time.Millisecond})
	s := &sinktest.Sink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Run(ctx, s) }()
	waitFor := func(v float64) {
		for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
			if r, ok := s.Last(GenerationTokens); ok && r.Value == v {
				return
			}
		}
	}
	waitFor(100)
	gen.WithLabelValues("m").Add(50)
	waitFor(150)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if c.Kind() != "vllm" {
		t.Errorf("kind %q", c.Kind())
	}
	var first, last float64 = -1, -1
	for _, r := range s.Readings() {
		if r.Metric == GenerationTokens {
			if first < 0 {
				first = r.Value
			}
			last = r.Value
		}
	}
	if first != 100 || last != 150 {
		t.Errorf("generation tokens first %v last %v, want 100 then 150", first, last)
	}
	h := c.Health()
	if !h.OK || h.Samples == 0 || !slices.Contains(h.Unsupported, KVCacheUsageRatio) {
		t.Errorf("health %+v", h)
	}
}

// TestOllamaHasNoMetrics: the real local Ollama has no /metrics; the
// collector stops with one plain message and the run goes on.
func TestOllamaHasNoMetrics(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	c := New(Options{URL: srv.URL() + "/metrics"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Run(ctx, &sinktest.Sink{}); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("collector kept polling a server without /metrics")
	}
	h := c.Health()
	if h.OK || !strings.Contains(h.Message, "publishes no Prometheus metrics") {
		t.Errorf("health %+v", h)
	}
}

func TestUnknownKind(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("# TYPE foo gauge\nfoo 1\n"))
	}))
	defer ts.Close()
	c := New(Options{URL: ts.URL})
	_ = c.Run(context.Background(), &sinktest.Sink{})
	if h := c.Health(); h.OK || !strings.Contains(h.Message, "--server-kind") {
		t.Errorf("health %+v", h)
	}
}
