// Package livemetrics publishes a run live as Prometheus metrics (client_golang,
// a private registry): the collectors' latest readings and the load
// engine's counters and histograms (requests, errors, tokens, TTFT, E2E).
// It serves them on --metrics-addr (loopback unless another interface is
// named) and pushes the run's final summary to a Pushgateway.
package livemetrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Namespace prefixes every exported metric.
const Namespace = "tcobench"

// Exporter holds the live metrics of one run.
type Exporter struct {
	reg      *prometheus.Registry
	readings *readings
	requests *prometheus.CounterVec
	errs     *prometheus.CounterVec
	tokens   *prometheus.CounterVec
	ttft     *prometheus.HistogramVec
	e2e      *prometheus.HistogramVec

	// in and out are the token counters; phases holds each phase's
	// children (*phaseMetrics), looked up once instead of per attempt.
	in, out prometheus.Counter
	phases  sync.Map
}

// phaseMetrics are one phase's children of the exporter's vectors for
// successful attempts, made on the phase's first success.
type phaseMetrics struct {
	ok        prometheus.Counter
	ttft, e2e prometheus.Observer
}

func (e *Exporter) phase(p string) *phaseMetrics {
	if m, ok := e.phases.Load(p); ok {
		return m.(*phaseMetrics)
	}
	m := &phaseMetrics{ok: e.requests.WithLabelValues(p, "ok"), ttft: e.ttft.WithLabelValues(p), e2e: e.e2e.WithLabelValues(p)}
	got, _ := e.phases.LoadOrStore(p, m)
	return got.(*phaseMetrics)
}

// latency buckets in seconds, 10 ms to 5 min.
var buckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60, 120, 300}

// New returns an exporter with its own registry; runLabels (for example
// run id, target) are attached to every metric.
func New(runLabels map[string]string) *Exporter {
	reg := prometheus.NewRegistry()
	wrapped := prometheus.WrapRegistererWith(prometheus.Labels(runLabels), reg)
	e := &Exporter{
		reg:      reg,
		readings: newReadings(runLabels),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "requests_total", Help: "Requests finished, by phase and outcome (ok, error)."}, []string{"phase", "outcome"}),
		errs:     prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "request_errors_total", Help: "Failed requests by error class."}, []string{"class"}),
		tokens:   prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: Namespace, Name: "tokens_total", Help: "Tokens of finished requests, by kind (input, output)."}, []string{"kind"}),
		ttft:     prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "ttft_seconds", Help: "Time to first token of successful requests, from send.", Buckets: buckets}, []string{"phase"}),
		e2e:      prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: Namespace, Name: "e2e_seconds", Help: "End-to-end latency of successful requests, from send.", Buckets: buckets}, []string{"phase"}),
	}
	e.in, e.out = e.tokens.WithLabelValues("input"), e.tokens.WithLabelValues("output")
	wrapped.MustRegister(e.requests, e.errs, e.tokens, e.ttft, e.e2e)
	reg.MustRegister(e.readings)
	return e
}

// Registry is the exporter's private registry (for tests and pushes).
func (e *Exporter) Registry() *prometheus.Registry { return e.reg }

// Observe counts a finished attempt. It is safe for concurrent use and
// does not keep a.
func (e *Exporter) Observe(a *runrecord.Attempt) {
	e.in.Add(float64(a.Tokens.Input))
	e.out.Add(float64(a.Tokens.Output))
	if !a.OK {
		e.requests.WithLabelValues(a.Phase, "error").Inc()
		e.errs.WithLabelValues(a.ErrorClass).Inc()
		return
	}
	m := e.phase(a.Phase)
	m.ok.Inc()
	if a.FirstTokenNS > a.SentNS {
		m.ttft.Observe(float64(a.FirstTokenNS-a.SentNS) / 1e9)
	}
	if a.EndNS > a.SentNS {
		m.e2e.Observe(float64(a.EndNS-a.SentNS) / 1e9)
	}
}

// Reading records a collector's reading as the latest value of its gauge
// tcobench_<collector>_<metric>. Use it as a collectors.WithListener.
func (e *Exporter) Reading(r collectors.Reading) { e.readings.set(r) }

// Handler serves the registry in the Prometheus exposition formats.
func (e *Exporter) Handler() http.Handler {
	return promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{Registry: e.reg})
}

// ListenAddr resolves --metrics-addr: a bare ":port" or "port" binds the
// loopback interface; any explicit host is kept.
func ListenAddr(addr string) (string, error) {
	if addr == "" {
		return "", errors.New("metrics address: empty")
	}
	if _, err := strconv.Atoi(addr); err == nil {
		addr = ":" + addr // a bare port
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("metrics address %q: want [host]:port: %w", addr, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// Serve listens on addr (see ListenAddr) and serves /metrics until ctx is
// done or stop is called. It returns the address bound (useful with port 0).
func (e *Exporter) Serve(ctx context.Context, addr string) (bound string, stop func(), err error) {
	addr, err = ListenAddr(addr)
	if err != nil {
		return "", nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return "", nil, fmt.Errorf("metrics address: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", e.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	stopped := make(chan struct{})
	stop = func() {
		select {
		case <-stopped:
			return
		default:
			close(stopped)
		}
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}
	go func() {
		select {
		case <-ctx.Done():
			stop()
		case <-stopped:
		}
	}()
	return ln.Addr().String(), stop, nil
}
