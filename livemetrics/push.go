package livemetrics

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"

	"github.com/tcobench/tcobench/runrecord"
)

// DefaultJob is the Pushgateway job name.
const DefaultJob = "tcobench"

// Push replaces the metrics of job (grouped by run_name) on the
// Pushgateway at url with run's final summary, plus the metrics of extra
// (the live exporter's registry) when given.
func Push(ctx context.Context, url, job string, run *runrecord.Run, extra prometheus.Gatherer) error {
	if job == "" {
		job = DefaultJob
	}
	name := run.Name
	if name == "" {
		name = "default"
	}
	var g prometheus.Gatherers = prometheus.Gatherers{SummaryRegistry(run)}
	if extra != nil {
		g = append(g, extra)
	}
	p := push.New(url, job).Grouping("run_name", name).Gatherer(g).Client(&http.Client{Timeout: 30 * time.Second})
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("push to %s: %w", url, err)
	}
	return nil
}

// SummaryRegistry holds run's final figures as gauges (units in names).
func SummaryRegistry(run *runrecord.Run) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	s := &summary{reg: reg, run: prometheus.Labels{"run_id": run.ID}}
	s.gauge("run_end_timestamp_seconds", "When the run ended (Unix time).", nil, float64(run.EndedAt.Unix()))
	s.gauge("run_window_seconds", "Length of the measurement window.", nil, run.Window.Seconds())
	if sm := run.Summary; sm != nil {
		for outcome, n := range map[string]int{"ok": sm.Requests.OK, "failed": sm.Requests.Failed, "dropped": sm.Requests.Dropped} {
			s.gauge("run_requests", "Requests of the run by outcome.", prometheus.Labels{"outcome": outcome}, float64(n))
		}
		s.gauge("run_throughput_requests_per_second", "Measured requests per second.", nil, sm.Throughput.RequestsPerS)
		s.gauge("run_throughput_output_tokens_per_second", "Measured output tokens per second.", nil, sm.Throughput.OutputTokensPerS)
		for metric, d := range sm.LatencyMS {
			for q, v := range map[string]float64{"0.5": d.P50, "0.9": d.P90, "0.99": d.P99} {
				s.gauge("run_latency_seconds", "Latency quantiles of the measured requests.", prometheus.Labels{"metric": metric, "quantile": q}, v/1000)
			}
		}
	}
	if e := run.Energy; e != nil {
		measured := 0.0
		if e.Measured {
			measured = 1
		}
		s.gauge("run_energy_measured", "1 when GPU energy was measured, 0 when not (see run.json for why).", nil, measured)
		if e.Measured {
			s.gauge("run_gpu_energy_joules", "GPU energy over the window (measured).", nil, e.GPUEnergyJ)
			for _, b := range e.Boundaries {
				s.intensity(b.Name, "fleet", b.Provenance, b.Fleet)
				if b.Marginal != nil {
					s.intensity(b.Name, "marginal", b.Provenance, *b.Marginal)
				}
			}
		}
	}
	return reg
}

type summary struct {
	reg  *prometheus.Registry
	run  prometheus.Labels
	vecs map[string]*prometheus.GaugeVec
}

func (s *summary) gauge(name, help string, labels prometheus.Labels, v float64) {
	if s.vecs == nil {
		s.vecs = map[string]*prometheus.GaugeVec{}
	}
	all := prometheus.Labels{}
	for k, x := range s.run {
		all[k] = x
	}
	for k, x := range labels {
		all[k] = x
	}
	vec := s.vecs[name]
	if vec == nil {
		names := make([]string, 0, len(all))
		for k := range all {
			names = append(names, k)
		}
		vec = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: Namespace, Name: name, Help: help}, names)
		s.reg.MustRegister(vec)
		s.vecs[name] = vec
	}
	vec.With(all).Set(v)
}

func (s *summary) intensity(boundary, view string, prov runrecord.Provenance, x runrecord.EnergyIntensity) {
	l := prometheus.Labels{"boundary": boundary, "view": view, "provenance": string(prov)}
	s.gauge("run_energy_joules_per_output_token", "Energy per output token.", l, x.JPerOutputToken)
	s.gauge("run_energy_joules_per_request", "Energy per successful request.", l, x.JPerRequest)
	s.gauge("run_energy_joules_per_task", "Energy per task.", l, x.JPerTask)
	s.gauge("run_energy_wh_per_1k_requests", "Energy in Wh per 1,000 requests.", l, x.WhPer1kRequests)
}
