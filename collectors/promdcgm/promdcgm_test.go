package promdcgm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/internal/sinktest"
	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/internal/promtest"
	"github.com/tcobench/tcobench/runrecord"
)

// dcgmExporter serves dcgm-exporter-style series with known values: each
// GPU draws a constant power, and its energy counter grows accordingly. A
// GPU in MIG mode is published once per GPU instance (label GPU_I_ID), as
// dcgm-exporter does, each series carrying the whole GPU's counter as read
// for that instance (the later instance's read lags by 200 ms).
type dcgmExporter struct {
	t0   time.Time
	gpus []fakeGPU
}

type fakeGPU struct {
	node, gpu, uuid string
	powerW          float64
	migInstances    int
}

func (e *dcgmExporter) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	el := time.Since(e.t0).Seconds()
	fmt.Fprintln(w, "# TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter")
	for _, g := range e.gpus {
		for i, inst := range g.instances() {
			fmt.Fprintf(w, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=%q,UUID=%q,Hostname=%q%s,modelName=\"NVIDIA H100 80GB HBM3\"} %.0f\n", g.gpu, g.uuid, g.node, inst, 8e9+g.powerW*(el-0.2*float64(i))*1000)
		}
	}
	fmt.Fprintln(w, "# TYPE DCGM_FI_DEV_POWER_USAGE gauge")
	for _, g := range e.gpus {
		for _, inst := range g.instances() {
			fmt.Fprintf(w, "DCGM_FI_DEV_POWER_USAGE{gpu=%q,UUID=%q,Hostname=%q%s,modelName=\"NVIDIA H100 80GB HBM3\"} %.3f\n", g.gpu, g.uuid, g.node, inst, g.powerW)
		}
	}
}

// instances are the extra labels of each series of g: none, or one
// GPU_I_ID per MIG instance.
func (g fakeGPU) instances() []string {
	if g.migInstances == 0 {
		return []string{""}
	}
	var out []string
	for i := 1; i <= g.migInstances; i++ {
		out = append(out, fmt.Sprintf(",GPU_I_ID=\"%d\",GPU_I_PROFILE=\"3g.40gb\"", i))
	}
	return out
}

// TestRealPrometheus: a real Prometheus scrapes the exporter every second;
// the collector reads the series back and the accounting recovers the
// known energy, a MIG GPU's instances counted as the one GPU they are.
func TestRealPrometheus(t *testing.T) {
	exp := &dcgmExporter{t0: time.Now(), gpus: []fakeGPU{
		{"node-a", "0", "GPU-a0", 300, 0}, {"node-a", "1", "GPU-a1", 500, 0}, {"node-b", "0", "GPU-b0", 250, 0},
		{"node-a", "2", "GPU-a2", 400, 2},
	}}
	ts := httptest.NewServer(exp)
	defer ts.Close()
	prom := promtest.Prometheus(t, time.Second, strings.TrimPrefix(ts.URL, "http://"))

	prom.WaitForSeries(t, "DCGM_FI_DEV_POWER_USAGE")
	start := time.Now()
	time.Sleep(5 * time.Second)
	end := time.Now()

	c, err := New(Options{URL: prom.URL, Nodes: []string{"node-a"}, Margin: 2 * time.Second, Settle: 1500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := &sinktest.Sink{}
	if err := c.CollectWindow(context.Background(), start, end, s); err != nil {
		t.Fatal(err)
	}
	h := c.Health()
	if !h.OK || h.Samples < 10 || h.Errors != 0 {
		t.Fatalf("health %+v\nprometheus log:\n%s", h, prom.Log())
	}
	// The window is the middle of the span, inside the scraped samples.
	win := runrecord.Window{StartNS: int64(500 * time.Millisecond), EndNS: int64(5 * time.Second)}
	e := energy.Account(&runrecord.Run{Window: win}, nil, s.Samples(start, Name), energy.Config{})
	if !e.Measured || e.Source != Name || len(e.GPUs) != 3 {
		t.Fatalf("energy %+v", e)
	}
	want := (300 + 500 + 400) * win.Seconds()
	if d := e.GPUEnergyJ/want - 1; d > 0.03 || d < -0.03 {
		t.Errorf("GPUEnergyJ = %.1f, want %.1f (±3%%)", e.GPUEnergyJ, want)
	}
	if e.GPUs[0].Key != "node-a/GPU-a0" || e.GPUs[0].Node != "node-a" {
		t.Errorf("gpu key %+v", e.GPUs[0])
	}
	if e.CrossCheckDiffPct > 5 {
		t.Errorf("counter vs power integral differ by %.1f%%", e.CrossCheckDiffPct)
	}
	if w := strings.Join(e.Warnings, "\n"); !strings.Contains(w, "node-a/GPU-a2") || !strings.Contains(w, "MIG") {
		t.Errorf("warnings %q do not say the MIG GPU was counted once, whole", e.Warnings)
	}
	if !slices.Contains(h.Unsupported, collectors.MetricPowerInstantW) {
		t.Errorf("unsupported %v lacks the instant power series the exporter does not publish", h.Unsupported)
	}
}

func TestNoSeries(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, `{"status":"success","data":{"resultType":"matrix","result":[]}}`)
	}))
	defer ts.Close()
	c, _ := New(Options{URL: ts.URL, Nodes: []string{"gpu-node-1"}})
	if got := c.Selector(); got != `{Hostname=~"gpu-node-1"}` {
		t.Errorf("selector %s", got)
	}
	_ = c.CollectWindow(context.Background(), time.Now().Add(-time.Minute), time.Now(), &sinktest.Sink{})
	if h := c.Health(); h.OK || !strings.Contains(h.Message, "no DCGM series") {
		t.Errorf("health %+v", h)
	}
}

func TestAPIError(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"status":"error","errorType":"bad_data","error":"parse error"}`)
	}))
	defer ts.Close()
	cl, _ := NewClient(ts.URL, nil)
	if _, err := cl.QueryMatrix(context.Background(), "x[", time.Now()); err == nil || !strings.Contains(err.Error(), "bad_data: parse error") {
		t.Errorf("err %v", err)
	}
	if _, err := NewClient("localhost:9090", nil); err == nil {
		t.Error("NewClient accepted a URL without scheme")
	}
}

// TestStaleScrapeDoesNotCoverTheEnd: dcgm-exporter reads the GPU every
// 30 s, Prometheus scrapes every 15 s and the run waited 20 s after its end.
// The scrape after the end repeats a reading from before it: the window's
// end is not measured, and the energy must not read as reliable.
func TestStaleScrapeDoesNotCoverTheEnd(t *testing.T) {
	t0 := time.Unix(1_750_000_000, 0)
	labels := map[string]string{"Hostname": "node-a", "gpu": "0", "UUID": "GPU-a0"}
	start, end := t0, t0.Add(80*time.Second)
	energySeries := exporterCounter(labels, 300, t0.Add(5*time.Second), 30*time.Second, 15*time.Second, t0.Add(-60*time.Second), end.Add(20*time.Second))
	api := fakeAPI(t, map[string][]fakeSeries{"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": {energySeries}})
	c, err := New(Options{URL: api.URL, Nodes: []string{"node-a"}})
	if err != nil {
		t.Fatal(err)
	}
	s := &sinktest.Sink{}
	if err := c.CollectWindow(context.Background(), start, end, s); err != nil {
		t.Fatal(err)
	}
	e := energy.Account(&runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: end.Sub(start).Nanoseconds()}}, nil, s.Samples(start, Name), energy.Config{})
	if !e.Measured || e.Reliable {
		t.Errorf("measured=%v reliable=%v energy %.0f J (true 24000 J) warnings %q", e.Measured, e.Reliable, e.GPUEnergyJ, e.Warnings)
	}
	if h := c.Health(); !strings.Contains(h.Message, "settle") {
		t.Errorf("health message %q does not say to wait longer", h.Message)
	}
}

// TestNodesRequired: no node names would sum every GPU of the cluster
// into the run's energy; that takes an explicit choice.
func TestNodesRequired(t *testing.T) {
	if _, err := New(Options{URL: "http://127.0.0.1:9090"}); err == nil || !strings.Contains(err.Error(), "nodes") {
		t.Errorf("no nodes: err %v, want one naming the nodes", err)
	}
	c, err := New(Options{URL: "http://127.0.0.1:9090", AllNodes: true})
	if err != nil || c.Selector() != "{}" {
		t.Errorf("all nodes: %v, selector %q", err, c.Selector())
	}
	if _, err := New(Options{URL: "http://127.0.0.1:9090", AllNodes: true, Nodes: []string{"a"}}); err == nil {
		t.Error("nodes and all nodes together accepted")
	}
}

// TestPreflight: before any load, the settle time is checked against how
// often the DCGM energy counter really changes (the exporter's collect
// interval behind Prometheus's scrapes).
func TestPreflight(t *testing.T) {
	now := time.Now()
	labels := map[string]string{"Hostname": "node-a", "gpu": "0", "UUID": "GPU-a0"}
	energySeries := exporterCounter(labels, 300, now.Add(-10*time.Minute), 30*time.Second, 15*time.Second, now.Add(-10*time.Minute), now)
	api := fakeAPI(t, map[string][]fakeSeries{"DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": {energySeries}})
	for _, tc := range []struct {
		settle time.Duration
		err    string
	}{
		{20 * time.Second, "settle 20s is not longer than the DCGM energy counter's update interval (30s"},
		{45 * time.Second, ""},
	} {
		c, err := New(Options{URL: api.URL, Nodes: []string{"node-a"}, Settle: tc.settle})
		if err != nil {
			t.Fatal(err)
		}
		pf, err := c.Preflight(context.Background())
		if pf.Interval != 30*time.Second || pf.Series != 1 {
			t.Errorf("settle %s: preflight %+v", tc.settle, pf)
		}
		var se *SettleError
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("settle %s: %v", tc.settle, err)
		case tc.err != "" && (!errors.As(err, &se) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("settle %s: err %v, want %q", tc.settle, err, tc.err)
		}
	}
	empty := fakeAPI(t, nil)
	c, _ := New(Options{URL: empty.URL, Nodes: []string{"node-z"}})
	if _, err := c.Preflight(context.Background()); err == nil || !strings.Contains(err.Error(), "no DCGM energy series") {
		t.Errorf("no series: err %v", err)
	}
}
