package livemetrics

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/host"
	"github.com/tcobench/tcobench/collectors/server"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/internal/promtest"
	"github.com/tcobench/tcobench/runrecord"
)

func TestListenAddr(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{":9100", "127.0.0.1:9100", ""},
		{"9100", "127.0.0.1:9100", ""},
		{"0.0.0.0:9100", "0.0.0.0:9100", ""},
		{"[::1]:0", "[::1]:0", ""},
		{"10.1.2.3:80", "10.1.2.3:80", ""},
		{"", "", "empty"},
		{"localhost", "", "want [host]:port"},
	}
	for _, tc := range tests {
		got, err := ListenAddr(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ListenAddr(%q) err = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func scrape(t *testing.T, h http.Handler) map[string]*dto.MetricFamily {
	t.Helper()
	ts := httptest.NewServer(h)
	defer ts.Close()
	resp, err := http.Get(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	fams, err := server.Parse(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return fams
}

func TestObserveAndReadings(t *testing.T) {
	e := New(map[string]string{"run_id": "r1"})
	e.Observe(&runrecord.Attempt{Phase: "measure", OK: true, SentNS: 1e9, FirstTokenNS: 1.2e9, EndNS: 3e9, Tokens: runrecord.Tokens{Input: 100, Output: 20}})
	e.Observe(&runrecord.Attempt{Phase: "measure", ErrorClass: runrecord.ErrTimeout, SentNS: 1e9, EndNS: 9e9})
	lbl := map[string]string{"gpu": "0", "uuid": "GPU-x"}
	e.Reading(collectors.Reading{Collector: "nvml", Metric: "power_instant_w", Labels: lbl, Value: 312.5})
	e.Reading(collectors.Reading{Collector: "host", Metric: "cpu_util_pct", Value: 40})
	e.Reading(collectors.Reading{Collector: "host", Metric: "cpu_util_pct", Value: 42})
	fams := scrape(t, e.Handler())
	checks := map[string]float64{
		"tcobench_nvml_power_instant_w": 312.5,
		"tcobench_host_cpu_util_pct":    42,
		"tcobench_request_errors_total": 1,
	}
	for name, want := range checks {
		f := fams[name]
		if f == nil || len(f.Metric) != 1 {
			t.Errorf("%s: %v", name, f)
			continue
		}
		m := f.Metric[0]
		got := m.GetGauge().GetValue() + m.GetCounter().GetValue()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
		if !hasLabel(m, "run_id", "r1") {
			t.Errorf("%s lacks run_id label: %v", name, m.Label)
		}
	}
	if h := fams["tcobench_ttft_seconds"]; h == nil || h.Metric[0].GetHistogram().GetSampleSum() != 0.2 {
		t.Errorf("ttft histogram %v", h)
	}
}

func hasLabel(m *dto.Metric, k, v string) bool {
	for _, l := range m.Label {
		if l.GetName() == k && l.GetValue() == v {
			return true
		}
	}
	return false
}

// generate sends one streaming request to Ollama's native API and returns
// the attempt as the load engine would record it.
func generate(ctx context.Context, base, model string, zero time.Time) (*runrecord.Attempt, error) {
	body, _ := json.Marshal(map[string]any{"model": model, "prompt": "Say hello.", "stream": true, "options": map[string]any{"num_predict": 8}})
	a := &runrecord.Attempt{Phase: runrecord.PhaseMeasure, Backend: "ollama", Model: model, SentNS: time.Since(zero).Nanoseconds()}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/generate", bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var chunk struct {
			Response        string `json:"response"`
			Done            bool   `json:"done"`
			PromptEvalCount int    `json:"prompt_eval_count"`
			EvalCount       int    `json:"eval_count"`
		}
		if err := json.Unmarshal(sc.Bytes(), &chunk); err != nil {
			return nil, err
		}
		if a.FirstTokenNS == 0 && chunk.Response != "" {
			a.FirstTokenNS = time.Since(zero).Nanoseconds()
		}
		if chunk.Done {
			a.OK = true
			a.Tokens = runrecord.Tokens{Input: chunk.PromptEvalCount, Output: chunk.EvalCount, Source: runrecord.TokensFromUsage}
		}
	}
	a.EndNS = time.Since(zero).Nanoseconds()
	return a, sc.Err()
}

// TestPrometheusScrapesExporter: a real Prometheus scrapes tcobench's
// /metrics while requests go to the real local Ollama and the host
// collector samples its process; the test reads the figures back from
// Prometheus over HTTP.
func TestPrometheusScrapesExporter(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	u, _ := url.Parse(srv.URL())
	port, _ := strconv.Atoi(u.Port())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e := New(map[string]string{"run_id": "live-test"})
	addr, stop, err := e.Serve(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	reg := collectors.NewRegistry()
	if err := reg.Register(host.New(host.Options{Port: port, Interval: 200 * time.Millisecond})); err != nil {
		t.Fatal(err)
	}
	sess := reg.Start(ctx, collectors.WithListener(e.Reading))
	defer sess.Stop(context.Background())

	prom := promtest.Prometheus(t, time.Second, addr)
	zero := time.Now()
	const n = 3
	for i := 0; i < n; i++ {
		a, err := generate(ctx, srv.URL(), srv.Model(), zero)
		if err != nil {
			t.Fatal(err)
		}
		e.Observe(a)
	}
	prom.WaitForSeries(t, fmt.Sprintf(`tcobench_requests_total{run_id="live-test",phase="measure",outcome="ok"} == %d`, n))
	prom.WaitForSeries(t, `tcobench_host_proc_rss_bytes{run_id="live-test"} > 1e6`)
	prom.WaitForSeries(t, `tcobench_tokens_total{kind="output"} == 24`)
	prom.WaitForSeries(t, `tcobench_e2e_seconds_count{phase="measure"} == 3`)
}

// TestPushgateway pushes a run's summary to a real Pushgateway and reads it back.
func TestPushgateway(t *testing.T) {
	pg := promtest.Pushgateway(t)
	run := &runrecord.Run{ID: "run-42", Name: "nightly", EndedAt: time.Unix(1_800_000_000, 0), Window: runrecord.Window{EndNS: 60e9},
		Summary: &runrecord.Summary{Requests: runrecord.RequestCounts{OK: 100, Failed: 2}, Throughput: runrecord.Throughput{RequestsPerS: 1.7, OutputTokensPerS: 210},
			LatencyMS: map[string]runrecord.Dist{runrecord.MetricTTFT: {P50: 120, P90: 300, P99: 800}}},
		Energy: &runrecord.Energy{Measured: true, GPUEnergyJ: 36000, Boundaries: []runrecord.EnergyBoundary{
			{Name: "gpu", EnergyJ: 36000, Provenance: runrecord.Measured, Factor: 1, Fleet: runrecord.EnergyIntensity{JPerOutputToken: 2.5, WhPer1kRequests: 100}},
		}},
	}
	live := New(map[string]string{"run_id": "run-42"})
	live.Observe(&runrecord.Attempt{Phase: "measure", OK: true, SentNS: 1, EndNS: 2e9})
	if err := Push(context.Background(), pg.URL, "", run, live.Registry()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(pg.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(resp.Body)
	fams, err := server.Parse(bytes.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"tcobench_run_gpu_energy_joules":              36000,
		"tcobench_run_throughput_requests_per_second": 1.7,
		"tcobench_run_energy_measured":                1,
		"tcobench_requests_total":                     1,
	}
	for name, v := range want {
		f := fams[name]
		if f == nil {
			t.Errorf("%s not on the Pushgateway:\n%s", name, text)
			continue
		}
		m := f.Metric[0]
		if got := m.GetGauge().GetValue() + m.GetCounter().GetValue() + m.GetUntyped().GetValue(); got != v {
			t.Errorf("%s = %v, want %v", name, got, v)
		}
		if !hasLabel(m, "job", DefaultJob) || !hasLabel(m, "run_name", "nightly") {
			t.Errorf("%s labels %v", name, m.Label)
		}
	}
	if !strings.Contains(string(text), `tcobench_run_latency_seconds{instance="",job="tcobench",metric="ttft",quantile="0.99",run_id="run-42",run_name="nightly"} 0.8`) {
		t.Errorf("TTFT p99 not pushed:\n%s", text)
	}
}
