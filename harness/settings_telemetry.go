package harness

import (
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/host"
	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/collectors/promdcgm"
	"github.com/tcobench/tcobench/collectors/server"
	"github.com/tcobench/tcobench/energy"
)

// TelemetrySettings are the collector, energy and live-export settings of a run.
type TelemetrySettings struct {
	Collectors      string // comma-separated names; "none" for none
	GPUs            string
	RequireGPU      bool
	PowerSampleHz   float64
	EnergyInterval  time.Duration
	SampleInterval  time.Duration
	IdleBaseline    time.Duration
	MinEnergyWindow time.Duration
	NodeFactor      float64 // 0: assumed default
	PUE             float64 // 0: assumed default
	ServerPID       int
	ServerKind      string
	ServerMetrics   string
	ServerSeries    string
	PromURL         string
	PromNodes       string
	PromNodeLabel   string
	PromMatchers    string
	PromSettle      time.Duration
	MetricsAddr     string
	Pushgateway     string
	PushgatewayJob  string
}

// Bind registers the telemetry settings on fs.
func (t *TelemetrySettings) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&t.Collectors, "collectors", t.Collectors, "collectors to run, comma-separated (nvml, host, server; \"none\" for none); --prometheus-url adds prometheus")
	fs.StringVar(&t.GPUs, "gpus", t.GPUs, "GPUs to measure: all, or indices/UUIDs (comma-separated; CUDA_VISIBLE_DEVICES is honoured)")
	fs.BoolVar(&t.RequireGPU, "require-gpu", t.RequireGPU, "fail when GPU energy cannot be measured (no driver, no GPU selected)")
	fs.Float64Var(&t.PowerSampleHz, "power-sample-hz", t.PowerSampleHz, "instant GPU power sampling rate in Hz")
	fs.DurationVar(&t.EnergyInterval, "energy-interval", t.EnergyInterval, "GPU energy counter reading period")
	fs.DurationVar(&t.SampleInterval, "sample-interval", t.SampleInterval, "period of the host, server and GPU context readings")
	fs.DurationVar(&t.IdleBaseline, "idle-baseline", t.IdleBaseline, "idle power measured before the load when GPU energy is measured (0: none)")
	fs.DurationVar(&t.MinEnergyWindow, "min-energy-window", t.MinEnergyWindow, "energy windows shorter than this are reported as unreliable")
	fs.Float64Var(&t.NodeFactor, "node-factor", t.NodeFactor, "node energy per GPU energy (0: assumed 1.82, DGX H100)")
	fs.Float64Var(&t.PUE, "pue", t.PUE, "facility power usage effectiveness (0: assumed 1.58, industry average)")
	fs.IntVar(&t.ServerPID, "server-pid", t.ServerPID, "model-server process id for host readings (0: find it by the target's port)")
	fs.StringVar(&t.ServerKind, "server-kind", t.ServerKind, "server kind for /metrics series: auto, "+strings.Join(server.Kinds(), ", "))
	fs.StringVar(&t.ServerMetrics, "server-metrics-url", t.ServerMetrics, "model server's Prometheus endpoint (default: target + /metrics)")
	fs.StringVar(&t.ServerSeries, "server-series", t.ServerSeries, "extra or replacement /metrics series: name=metric[|metric],...")
	fs.StringVar(&t.PromURL, "prometheus-url", t.PromURL, "Prometheus server scraping dcgm-exporter, to read cluster GPU energy from")
	fs.StringVar(&t.PromNodes, "prometheus-nodes", t.PromNodes, "node names (dcgm-exporter Hostname label) to read, comma-separated, or all (needed with --prometheus-url: an empty list would sum every GPU of the cluster)")
	fs.StringVar(&t.PromNodeLabel, "prometheus-node-label", t.PromNodeLabel, "label naming the node in the DCGM series")
	fs.StringVar(&t.PromMatchers, "prometheus-matchers", t.PromMatchers, "extra label matchers for the DCGM series, e.g. job=\"dcgm\"")
	fs.DurationVar(&t.PromSettle, "prometheus-settle", t.PromSettle, "wait after the run so that Prometheus has scraped past its end (longer than dcgm-exporter's update interval: checked before the load)")
	fs.StringVar(&t.MetricsAddr, "metrics-addr", t.MetricsAddr, "serve live Prometheus metrics on [host]:port (a bare :port binds loopback)")
	fs.StringVar(&t.Pushgateway, "pushgateway", t.Pushgateway, "Pushgateway URL to push the run's final summary to")
	fs.StringVar(&t.PushgatewayJob, "pushgateway-job", t.PushgatewayJob, "Pushgateway job name")
}

// Spec checks the settings and builds the run's telemetry: the collectors
// by name over the default factories.
func (t TelemetrySettings) Spec() (Telemetry, error) {
	var out Telemetry
	names, err := collectorNames(t.Collectors)
	if err != nil {
		return out, err
	}
	if t.PromURL != "" {
		names = append(names, promdcgm.Name)
	}
	if !(t.PowerSampleHz > 0) {
		return out, badinput.Field("power-sample-hz", t.PowerSampleHz, "must be above 0")
	}
	if t.PUE != 0 && t.PUE < 1 {
		return out, badinput.Field("pue", t.PUE, "a PUE is at least 1")
	}
	series, err := server.ParseSeries(t.ServerSeries)
	if err != nil {
		return out, badinput.Field("server-series", t.ServerSeries, "%v", err)
	}
	if k := t.ServerKind; k != "auto" && k != "" && server.SeriesFor(k, nil)[server.RunningRequests] == nil {
		return out, badinput.Field("server-kind", k, "want auto or one of %s", strings.Join(server.Kinds(), ", "))
	}
	facs, err := t.factories(series)
	if err != nil {
		return out, err
	}
	out = Telemetry{Collectors: names, Factories: facs, Interval: t.SampleInterval, IdleBaseline: t.IdleBaseline,
		RequireGPU: t.RequireGPU, MetricsAddr: t.MetricsAddr, Pushgateway: t.Pushgateway, PushgatewayJob: t.PushgatewayJob,
		PrometheusSettle: t.PromSettle,
		Energy: energy.Config{MinWindow: t.MinEnergyWindow, NodeFactor: t.NodeFactor, NodeFactorSet: t.NodeFactor > 0,
			PUE: t.PUE, PUESet: t.PUE > 0}}
	return out, nil
}

// factories are the default collector factories with these settings.
func (t TelemetrySettings) factories(series map[string][]string) (collectors.Factories, error) {
	no := nvml.Options{GPUs: t.GPUs, PowerInterval: time.Duration(float64(time.Second) / t.PowerSampleHz),
		EnergyInterval: t.EnergyInterval, ContextInterval: t.SampleInterval}
	no.SetCUDAEnv(nvml.CUDAEnvFrom(os.LookupEnv))
	f := collectors.Factories{
		nvml.Name: nvml.Factory(no),
		host.Name: host.Factory(host.Options{PID: int32(t.ServerPID), Interval: t.SampleInterval}),
		server.Name: server.Factory(server.Options{URL: t.ServerMetrics, Kind: t.ServerKind, Series: series,
			Interval: t.SampleInterval}),
	}
	if t.PromURL != "" {
		opts := promdcgm.Options{URL: t.PromURL, NodeLabel: t.PromNodeLabel, Matchers: t.PromMatchers, Settle: t.PromSettle}
		if t.PromNodes == "all" {
			opts.AllNodes = true
		} else {
			opts.Nodes = splitList(t.PromNodes)
		}
		if _, err := promdcgm.New(opts); err != nil {
			return nil, badinput.Field("prometheus-url", t.PromURL, "%v", err)
		}
		f[promdcgm.Name] = promdcgm.Factory(opts)
	}
	return f, nil
}

// collectorNames reads "nvml,host,server" ("none" or "" for none).
func collectorNames(s string) ([]string, error) {
	var out []string
	for _, n := range splitList(s) {
		switch n {
		case "none":
		case nvml.Name, host.Name, server.Name:
			out = append(out, n)
		default:
			return nil, badinput.Field("collectors", nil, "unknown collector %q (nvml, host, server, none)", n)
		}
	}
	return out, nil
}

// splitList reads a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
