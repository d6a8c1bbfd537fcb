package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/host"
	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/collectors/promdcgm"
	"github.com/tcobench/tcobench/collectors/server"
	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/livemetrics"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// addCollectorFlags registers the telemetry, energy and live-export flags
// of `tcobench run` (and sweep).
func addCollectorFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("collectors", "nvml,host,server", "collectors to run, comma-separated (nvml, host, server; \"none\" for none); --prometheus-url adds prometheus")
	f.String("gpus", "all", "GPUs to measure: all, or indices/UUIDs (comma-separated; CUDA_VISIBLE_DEVICES is honoured)")
	f.Bool("require-gpu", false, "fail when GPU energy cannot be measured (no driver, no GPU selected)")
	f.Float64("power-sample-hz", 10, "instant GPU power sampling rate in Hz")
	f.Duration("energy-interval", time.Second, "GPU energy counter reading period")
	f.Duration("sample-interval", time.Second, "period of the host, server and GPU context readings")
	f.Duration("idle-baseline", 30*time.Second, "idle power measured before the load when GPU energy is measured (0: none)")
	f.Duration("min-energy-window", energy.DefaultMinWindow, "energy windows shorter than this are reported as unreliable")
	f.Float64("node-factor", 0, "node energy per GPU energy (0: assumed 1.82, DGX H100)")
	f.Float64("pue", 0, "facility power usage effectiveness (0: assumed 1.58, industry average)")
	f.Int("server-pid", 0, "model-server process id for host readings (0: find it by the target's port)")
	f.String("server-kind", "auto", "server kind for /metrics series: auto, "+strings.Join(server.Kinds(), ", "))
	f.String("server-metrics-url", "", "model server's Prometheus endpoint (default: target + /metrics)")
	f.String("server-series", "", "extra or replacement /metrics series: name=metric[|metric],...")
	f.String("prometheus-url", "", "Prometheus server scraping dcgm-exporter, to read cluster GPU energy from")
	f.String("prometheus-nodes", "", "node names (dcgm-exporter Hostname label) to read, comma-separated (default: all)")
	f.String("prometheus-node-label", "Hostname", "label naming the node in the DCGM series")
	f.String("prometheus-matchers", "", "extra label matchers for the DCGM series, e.g. job=\"dcgm\"")
	f.Duration("prometheus-settle", 20*time.Second, "wait after the run so that Prometheus has scraped past its end (longer than its scrape interval)")
	f.String("metrics-addr", "", "serve live Prometheus metrics on [host]:port (a bare :port binds loopback)")
	f.String("pushgateway", "", "Pushgateway URL to push the run's final summary to")
	f.String("pushgateway-job", livemetrics.DefaultJob, "Pushgateway job name")
}

// telemetry is the state of the collectors during one run.
type telemetry struct {
	a        *app
	reg      *collectors.Registry
	sess     *collectors.Session
	exp      *livemetrics.Exporter
	stopHTTP func()
	nvml     *nvml.Collector
	host     *host.Collector
	down     []runrecord.CollectorHealth // collectors that could not start
	gpuNote  string                      // why GPU energy is not measured
	energy   energy.Config

	mu       sync.Mutex
	zero     time.Time
	idle     [2]time.Time
	attempts []runrecord.Attempt
	finished bool
}

// collectorHooks builds the run hooks from the merged configuration: they
// start the collectors (Prepare, with the idle baseline), mark clock zero
// (Start), feed the live exporter (Observe), and at the end write
// telemetry.jsonl and fill run.Energy, run.Collectors and run.Warnings
// (Finish). cleanup stops whatever is still running; call it once the run
// is over, whatever happened.
func (a *app) collectorHooks(ctx context.Context, target string) (load.Hooks, func(), error) {
	t, err := a.newTelemetry(target)
	if err != nil {
		return load.Hooks{}, func() {}, err
	}
	if addr := a.v.GetString("metrics-addr"); addr != "" {
		bound, stop, err := t.exp.Serve(ctx, addr)
		if err != nil {
			t.cleanup()
			return load.Hooks{}, func() {}, usageErrorf("%v", err)
		}
		t.stopHTTP = stop
		fmt.Fprintf(a.errOut, "live metrics on http://%s/metrics\n", bound)
	}
	return load.Hooks{Prepare: t.prepare, Start: t.start, Observe: t.observe, Finish: t.finish}, t.cleanup, nil
}

func (a *app) newTelemetry(target string) (*telemetry, error) {
	t := &telemetry{a: a, reg: collectors.NewRegistry(), exp: livemetrics.New(nil)}
	enabled, err := collectorSet(a.v.GetString("collectors"))
	if err != nil {
		return nil, err
	}
	if enabled["nvml"] {
		if err := t.addNVML(); err != nil {
			return nil, err
		}
	} else {
		t.gpuNote = "GPU energy not measured: the nvml collector is off (--collectors)"
	}
	if enabled["host"] {
		t.addHost(target)
	}
	if enabled["server"] {
		if err := t.addServer(target); err != nil {
			return nil, err
		}
	}
	if u := a.v.GetString("prometheus-url"); u != "" {
		if err := t.addPrometheus(u); err != nil {
			return nil, err
		}
	}
	t.energy = energy.Config{
		MinWindow:  a.v.GetDuration("min-energy-window"),
		NodeFactor: a.v.GetFloat64("node-factor"), NodeFactorSet: a.v.GetFloat64("node-factor") > 0,
		PUE: a.v.GetFloat64("pue"), PUESet: a.v.GetFloat64("pue") > 0,
		NotMeasuredReason: t.gpuNote,
	}
	if t.energy.PUESet && t.energy.PUE < 1 {
		return nil, usageErrorf("--pue %.2f: a PUE is at least 1", t.energy.PUE)
	}
	return t, nil
}

func collectorSet(s string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		switch n = strings.TrimSpace(n); n {
		case "", "none":
		case nvml.Name, host.Name, server.Name:
			out[n] = true
		default:
			return nil, usageErrorf("--collectors: unknown collector %q (nvml, host, server, none)", n)
		}
	}
	return out, nil
}

func (t *telemetry) addNVML() error {
	v := t.a.v
	hz := v.GetFloat64("power-sample-hz")
	if hz <= 0 {
		return usageErrorf("--power-sample-hz %g: must be above 0", hz)
	}
	visible, set := os.LookupEnv("CUDA_VISIBLE_DEVICES")
	c, err := nvml.New(nvml.Options{
		GPUs: v.GetString("gpus"), CUDAVisibleDevices: visible, CUDAVisibleSet: set,
		PowerInterval:  time.Duration(float64(time.Second) / hz),
		EnergyInterval: v.GetDuration("energy-interval"), ContextInterval: v.GetDuration("sample-interval"),
	})
	switch {
	case errors.Is(err, nvml.ErrUnavailable):
		if v.GetBool("require-gpu") {
			return withExit(1, fmt.Errorf("%v (--require-gpu)", err))
		}
		t.gpuNote = "GPU energy not measured: " + err.Error()
		fmt.Fprintf(t.a.errOut, "note: %v; GPU energy will not be measured (run.json says so)\n", err)
		t.down = append(t.down, runrecord.CollectorHealth{Name: nvml.Name, Message: err.Error()})
		return nil
	case err != nil:
		return usageErrorf("%v", err)
	}
	if len(c.Selected()) == 0 && v.GetBool("require-gpu") {
		c.Close()
		return withExit(1, errors.New("no GPU selected (--gpus, CUDA_VISIBLE_DEVICES) and --require-gpu given"))
	}
	t.nvml = c
	inv := c.Inventory()
	t.energy.DriverVersion, t.energy.NVMLVersion = inv.DriverVersion, inv.NVMLVersion
	t.energy.GPUInfo = map[string]runrecord.GPUEnergy{}
	for _, g := range c.Selected() {
		t.energy.GPUInfo[g.UUID] = runrecord.GPUEnergy{Index: g.Index, UUID: g.UUID, Name: g.Name, Architecture: g.Architecture, MIGEnabled: g.MIG, PowerLimitW: g.PowerLimitW}
	}
	return t.reg.Register(c)
}

func (t *telemetry) addHost(target string) {
	o := host.Options{PID: int32(t.a.v.GetInt("server-pid")), Interval: t.a.v.GetDuration("sample-interval")}
	if o.PID == 0 {
		o.Port = localPort(target)
	}
	t.host = host.New(o)
	_ = t.reg.Register(t.host)
}

// localPort is the target's port when the target runs on this machine (0 otherwise).
func localPort(target string) int {
	u, err := url.Parse(target)
	if err != nil {
		return 0
	}
	h := u.Hostname()
	name, _ := os.Hostname()
	ip := net.ParseIP(h)
	if h != "localhost" && h != name && (ip == nil || !ip.IsLoopback()) {
		return 0
	}
	p, err := strconv.Atoi(u.Port())
	if err != nil {
		switch u.Scheme {
		case "https":
			return 443
		case "http":
			return 80
		}
	}
	return p
}

func (t *telemetry) addServer(target string) error {
	v := t.a.v
	u := v.GetString("server-metrics-url")
	if u == "" {
		if target == "" {
			return nil
		}
		u = strings.TrimRight(target, "/") + "/metrics"
	}
	series, err := server.ParseSeries(v.GetString("server-series"))
	if err != nil {
		return usageErrorf("%v", err)
	}
	kind := v.GetString("server-kind")
	if kind != "auto" && kind != "" && server.SeriesFor(kind, nil)[server.RunningRequests] == nil {
		return usageErrorf("--server-kind %q: want auto or one of %s", kind, strings.Join(server.Kinds(), ", "))
	}
	return t.reg.Register(server.New(server.Options{URL: u, Kind: kind, Series: series, Interval: v.GetDuration("sample-interval")}))
}

func (t *telemetry) addPrometheus(u string) error {
	v := t.a.v
	var nodes []string
	for _, n := range strings.Split(v.GetString("prometheus-nodes"), ",") {
		if n = strings.TrimSpace(n); n != "" {
			nodes = append(nodes, n)
		}
	}
	c, err := promdcgm.New(promdcgm.Options{URL: u, Nodes: nodes, NodeLabel: v.GetString("prometheus-node-label"),
		Matchers: v.GetString("prometheus-matchers"), Settle: v.GetDuration("prometheus-settle")})
	if err != nil {
		return usageErrorf("--prometheus-url: %v", err)
	}
	if t.nvml == nil {
		t.gpuNote = ""
	}
	return t.reg.Register(c)
}

// measuresGPU says whether a GPU energy source is running.
func (t *telemetry) measuresGPU() bool {
	_, prom := t.reg.Get(promdcgm.Name)
	return prom || (t.nvml != nil && len(t.nvml.Selected()) > 0)
}

// prepare starts the collectors and, when GPU energy is measured, waits
// out the idle baseline.
func (t *telemetry) prepare(ctx context.Context) error {
	t.sess = t.reg.Start(context.WithoutCancel(ctx), collectors.WithListener(t.exp.Reading))
	idle := t.a.v.GetDuration("idle-baseline")
	if idle <= 0 || !t.measuresGPU() {
		return nil
	}
	fmt.Fprintf(t.a.errOut, "measuring idle GPU power for %s before the load\n", idle)
	t.sess.Mark() // counter readings at both edges of the idle span
	t.mu.Lock()
	t.idle[0] = time.Now()
	t.mu.Unlock()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(idle):
	}
	t.mu.Lock()
	t.idle[1] = time.Now()
	t.mu.Unlock()
	t.sess.Mark()
	return nil
}

func (t *telemetry) start(_ context.Context, start time.Time) error {
	t.mu.Lock()
	t.zero = start
	t.mu.Unlock()
	if t.sess != nil {
		t.sess.Mark()
	}
	return nil
}

// observe feeds the live exporter and keeps what the energy shares need.
func (t *telemetry) observe(a *runrecord.Attempt) {
	t.exp.Observe(a)
	lite := runrecord.Attempt{TaskID: a.TaskID, TaskName: a.TaskName, Phase: a.Phase, SentNS: a.SentNS, EndNS: a.EndNS,
		OK: a.OK, ErrorClass: a.ErrorClass, Tokens: runrecord.Tokens{Output: a.Tokens.Output}}
	t.mu.Lock()
	t.attempts = append(t.attempts, lite)
	t.mu.Unlock()
}

// finish stops the collectors, writes telemetry.jsonl and fills the run's
// energy, collector health and warnings; then pushes the summary.
func (t *telemetry) finish(ctx context.Context, dir string, run *runrecord.Run) error {
	if t.sess == nil {
		t.sess = t.reg.Start(ctx) // Prepare was not called: nothing was sampled
	}
	t.sess.Mark()
	if _, ok := t.reg.Get(promdcgm.Name); ok {
		fmt.Fprintf(t.a.errOut, "waiting %s for Prometheus to scrape past the run's end\n", t.a.v.GetDuration("prometheus-settle"))
	}
	t.sess.Stop(ctx)
	t.mu.Lock()
	zero, idle, attempts := t.zero, t.idle, t.attempts
	t.finished = true
	t.mu.Unlock()
	if zero.IsZero() {
		zero = t.sess.Started()
	}
	samples := t.sess.Samples(zero)
	var errs []error
	if err := collectors.WriteTelemetry(dir, samples); err != nil {
		errs = append(errs, err)
	}
	if len(attempts) == 0 {
		if all, err := runrecord.LoadAttempts(dir); err == nil {
			attempts = all
		}
	}
	cfg := t.energy
	if !idle[1].IsZero() {
		cfg.Idle = runrecord.Window{StartNS: idle[0].Sub(zero).Nanoseconds(), EndNS: idle[1].Sub(zero).Nanoseconds()}
	}
	if t.host != nil {
		cfg.CPUEnergyNote = t.host.CPUEnergyNote()
	}
	run.Energy = energy.Account(run, attempts, samples, cfg)
	run.Collectors = append(append([]runrecord.CollectorHealth(nil), t.down...), t.sess.Health()...)
	run.Warnings = append(run.Warnings, energyWarnings(run.Energy)...)
	if pg := t.a.v.GetString("pushgateway"); pg != "" {
		if err := livemetrics.Push(ctx, pg, t.a.v.GetString("pushgateway-job"), run, t.exp.Registry()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func energyWarnings(e *runrecord.Energy) []string {
	if !e.Measured {
		return []string{"energy: " + e.Reason}
	}
	out := make([]string, 0, len(e.Warnings))
	for _, w := range e.Warnings {
		out = append(out, "energy: "+w)
	}
	return out
}

// cleanup stops the collectors, the metrics listener and NVML. After an
// aborted run it does not wait for window reads (Prometheus settle time).
func (t *telemetry) cleanup() {
	if t.sess != nil {
		ctx, cancel := context.WithCancel(context.Background())
		t.mu.Lock()
		if !t.finished {
			cancel()
		}
		t.mu.Unlock()
		t.sess.Stop(ctx)
		cancel()
	}
	if t.stopHTTP != nil {
		t.stopHTTP()
	}
	if t.nvml != nil {
		t.nvml.Close()
	}
}
