package server

import (
	"context"
	"math"
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
		// Two data-parallel engines at 0.36 KV-cache usage each read as 0.36.
		{"vllm-005a810/metrics.txt", "vllm", map[string]float64{RunningRequests: 5, WaitingRequests: 1, KVCacheUsageRatio: 0.36, PrefixCacheHits: 150000, PrefixCacheQueries: 200000, PromptTokens: 250000, GenerationTokens: 64000, Preemptions: 2}, []string{PrefixCacheHitRate}},
		{"vllm_legacy.txt", "vllm", map[string]float64{RunningRequests: 8, WaitingRequests: 0, KVCacheUsageRatio: 0.25, PrefixCacheHitRate: 0.6, PromptTokens: 1000, GenerationTokens: 500}, []string{PrefixCacheHits}},
		// Two ranks: KV-cache usage weighted by each rank's pool (0.6 of
		// 300k, 0.4 of 150k), hit ratio averaged, requests summed.
		{"sglang-00ae9c1/metrics.txt", "sglang", map[string]float64{RunningRequests: 24, WaitingRequests: 7, KVCacheUsageRatio: 240000.0 / 450000, PrefixCacheHitRate: 0.7, PromptTokens: 880000, GenerationTokens: 210000}, nil},
		{"llamacpp-03d4bcc/metrics.txt", "llama.cpp", map[string]float64{RunningRequests: 4, WaitingRequests: 1, KVCacheUsageRatio: 0.3, PromptTokens: 48000, GenerationTokens: 9600}, nil},
		{"llamacpp-fb40266/metrics.txt", "llama.cpp", map[string]float64{RunningRequests: 4, WaitingRequests: 1, PromptTokens: 1.23457e+06, GenerationTokens: 9600}, []string{KVCacheUsageRatio}},
		{"tgi.txt", "tgi", map[string]float64{RunningRequests: 16, WaitingRequests: 5, PromptTokens: 595000, GenerationTokens: 152320}, nil},
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
				if math.Abs(got[k]-v) > 1e-12 {
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

// Counters and request gauges add up over label sets; ratios are averaged,
// weighted when the weight series covers every label set; NaNs are left out.
func TestAggregation(t *testing.T) {
	text := `# TYPE sglang:token_usage gauge
sglang:token_usage{dp_rank="0"} 0.5
sglang:token_usage{dp_rank="1"} 0.5
sglang:token_usage{dp_rank="2"} NaN
# TYPE sglang:max_total_num_tokens gauge
sglang:max_total_num_tokens{dp_rank="0"} 100
# TYPE sglang:cache_hit_rate gauge
sglang:cache_hit_rate{dp_rank="0"} 0.2
sglang:cache_hit_rate{dp_rank="1"} 0.6
# TYPE sglang:num_running_reqs gauge
sglang:num_running_reqs{dp_rank="0"} 3
sglang:num_running_reqs{dp_rank="1"} NaN
# TYPE sglang:num_queue_reqs gauge
sglang:num_queue_reqs{dp_rank="0"} NaN
# TYPE my_cache_perc gauge
my_cache_perc{a="1"} 0.2
my_cache_perc{a="2"} 0.4
`
	fams, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	got := Extract(fams, SeriesFor("sglang", map[string][]string{"my_cache_perc": {"my_cache_perc"}}))
	want := map[string]float64{KVCacheUsageRatio: 0.5, PrefixCacheHitRate: 0.4, RunningRequests: 3, "my_cache_perc": 0.3}
	for k, v := range want {
		if math.Abs(got[k]-v) > 1e-12 {
			t.Errorf("%s = %v, want %v (got %v)", k, got[k], v, got)
		}
	}
	if _, ok := got[WaitingRequests]; ok {
		t.Errorf("waiting requests %v from NaN only: want absent", got[WaitingRequests])
	}
	for std, agg := range map[string]Aggregation{KVCacheUsageRatio: Ratio, RunningRequests: Gauge, PromptTokens: Counter, "x_usage": Ratio, "x_total": Counter, "x": Gauge} {
		if AggregationOf(std) != agg {
			t.Errorf("AggregationOf(%s) = %v, want %v", std, AggregationOf(std), agg)
		}
	}
	if h := Help(KVCacheUsageRatio); !strings.Contains(h, "0..1") || !strings.Contains(h, "averaged") {
		t.Errorf("help %q: want the unit and the averaging", h)
	}
	if h := Help(RunningRequests); !strings.Contains(h, "summed") {
		t.Errorf("help %q: want summed", h)
	}
}

// The collector scraping vLLM with two data-parallel engines, each at 0.36
// KV-cache usage, records 0.36.
func TestCollectorReadsDataParallelVLLM(t *testing.T) {
	s, c := scrapeFile(t, "testdata/vllm-005a810/metrics.txt")
	if r, ok := s.Last(KVCacheUsageRatio); !ok || r.Value != 0.36 || c.Kind() != "vllm" {
		t.Fatalf("kv-cache usage %+v (kind %q), want 0.36", r, c.Kind())
	}
	if r, _ := s.Last(RunningRequests); r.Value != 5 {
		t.Fatalf("running requests %v, want 3+2", r.Value)
	}
}

// scrapeFile serves a fixture on loopback and scrapes it once.
func scrapeFile(t *testing.T, path string) (*sinktest.Sink, *Collector) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		w.Write(b)
	}))
	t.Cleanup(ts.Close)
	c := New(Options{URL: ts.URL})
	s := &sinktest.Sink{}
	if err := c.scrape(context.Background(), s, time.Now()); err != nil {
		t.Fatal(err)
	}
	return s, c
}

// A current llama.cpp has no KV-cache ratio: the collector reports it
// unsupported, with the hint that builds before PR #13660 published it.
func TestAbsentSeriesNamesTheVersions(t *testing.T) {
	s, c := scrapeFile(t, "testdata/llamacpp-fb40266/metrics.txt")
	h := c.Health()
	if !h.OK || !slices.Contains(h.Unsupported, KVCacheUsageRatio) || !strings.Contains(h.Message, "#13660") || !strings.Contains(h.Message, "llamacpp:kv_cache_usage_ratio") {
		t.Fatalf("health %+v: want kv_cache_usage_ratio absent with the PR #13660 hint", h)
	}
	if _, ok := s.Last(KVCacheUsageRatio); ok {
		t.Fatal("a KV-cache reading from a server that publishes none")
	}
	if r, ok := s.Last(PromptTokens); !ok || r.Value != 1.23457e+06 {
		t.Fatalf("prompt tokens %+v", r)
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
