package harness

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/promdcgm"
	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/livemetrics"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
)

// gpuSource is a collector that reads GPU energy (nvml with a GPU selected,
// the Prometheus/DCGM collector).
type gpuSource interface{ MeasuresGPU() bool }

// gpuDescriber describes the GPUs a collector measures for the energy record.
type gpuDescriber interface {
	GPURecords() (driver, nvmlVersion string, gpus []runrecord.GPUEnergy)
}

// cpuEnergyNoter says why CPU package energy is not read (the host collector).
type cpuEnergyNoter interface{ CPUEnergyNote() string }

// telemetry is the state of the collectors during one run: load hooks that
// start the collectors and take the idle baseline (Prepare), mark clock
// zero (Start), feed the live exporter (Observe), and at the end write
// telemetry.jsonl and fill the run's energy, collector health and warnings,
// then push the summary (Finish).
type telemetry struct {
	spec     Telemetry
	log      io.Writer
	reg      *collectors.Registry
	down     []runrecord.CollectorHealth // collectors whose source is not on this node
	sess     *collectors.Session
	exp      *livemetrics.Exporter
	stopHTTP func()
	energy   energy.Config

	mu       sync.Mutex
	zero     time.Time
	idle     [2]time.Time
	attempts []runrecord.Attempt
	finished bool
}

// newTelemetry builds the collectors the spec names.
func newTelemetry(ctx context.Context, spec Telemetry, target string, log io.Writer) (*telemetry, error) {
	facs := spec.Factories
	if facs == nil {
		facs = DefaultFactories()
	}
	reg, down, err := facs.Build(spec.Collectors, collectors.Env{Target: target, Interval: spec.Interval})
	if err != nil {
		return nil, settingError("collectors", nil, err)
	}
	t := &telemetry{spec: spec, log: log, reg: reg, down: down, exp: livemetrics.New(nil), energy: spec.Energy}
	if err := t.describe(); err != nil {
		reg.Close()
		return nil, err
	}
	if err := preflight(ctx, reg); err != nil {
		reg.Close()
		return nil, err
	}
	if spec.MetricsAddr != "" {
		bound, stop, err := t.exp.Serve(ctx, spec.MetricsAddr)
		if err != nil {
			reg.Close()
			return nil, settingError("metrics-addr", spec.MetricsAddr, err)
		}
		t.stopHTTP = stop
		fmt.Fprintf(log, "live metrics on http://%s/metrics\n", bound)
		if w := livemetrics.ExposureWarning(spec.MetricsAddr); w != "" {
			fmt.Fprintf(log, "warning: %s\n", w)
		}
	}
	return t, nil
}

// describe fills the energy configuration from what the collectors know,
// and says why GPU energy is not measured when no source reads it.
func (t *telemetry) describe() error {
	for _, h := range t.down {
		fmt.Fprintf(t.log, "note: %s; %s will not be measured (run.json says so)\n", h.Message, whatOf(h.Name))
	}
	gpu := t.measuresGPU()
	if t.spec.RequireGPU && !gpu {
		return &GPURequiredError{Reason: t.gpuNote()}
	}
	if !gpu {
		t.energy.NotMeasuredReason = "GPU energy not measured: " + t.gpuNote()
	}
	for _, c := range t.reg.Collectors() {
		if d, ok := c.(gpuDescriber); ok {
			drv, nv, gpus := d.GPURecords()
			t.energy.DriverVersion, t.energy.NVMLVersion = drv, nv
			if t.energy.GPUInfo == nil {
				t.energy.GPUInfo = map[string]runrecord.GPUEnergy{}
			}
			for _, g := range gpus {
				t.energy.GPUInfo[g.UUID] = g
			}
		}
	}
	return nil
}

// gpuNote says why no GPU energy is read.
func (t *telemetry) gpuNote() string {
	for _, h := range t.down {
		if h.Name == "nvml" {
			return h.Message
		}
	}
	if _, ok := t.reg.Get("nvml"); ok {
		return "no GPU selected (gpus, CUDA_VISIBLE_DEVICES)"
	}
	return "the nvml collector is off (collectors)"
}

func whatOf(collector string) string {
	if collector == "nvml" {
		return "GPU energy"
	}
	return collector + " readings"
}

// measuresGPU says whether a GPU energy source is running.
func (t *telemetry) measuresGPU() bool {
	for _, c := range t.reg.Collectors() {
		if g, ok := c.(gpuSource); ok && g.MeasuresGPU() {
			return true
		}
	}
	return false
}

func (t *telemetry) hooks() load.Hooks {
	return load.Hooks{Prepare: t.prepare, Start: t.start, Observe: t.observe, Finish: t.finish}
}

// prepare starts the collectors and, when GPU energy is measured, waits
// out the idle baseline.
func (t *telemetry) prepare(ctx context.Context) error {
	t.sess = t.reg.Start(context.WithoutCancel(ctx), collectors.WithListener(t.exp.Reading))
	idle := t.spec.IdleBaseline
	if idle <= 0 || !t.measuresGPU() {
		return nil
	}
	fmt.Fprintf(t.log, "measuring idle GPU power for %s before the load\n", idle)
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
	if _, ok := t.reg.Get("prometheus"); ok {
		fmt.Fprintf(t.log, "waiting %s for Prometheus to scrape past the run's end\n", t.spec.PrometheusSettle)
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
		errs = append(errs, fmt.Errorf("telemetry not written: %w", err))
	}
	if len(attempts) == 0 {
		if all, err := runrecord.LoadAttempts(dir); err == nil {
			attempts = all
		}
	}
	run.Energy = energy.Account(run, attempts, samples, t.energyConfig(zero, idle))
	run.Collectors = append(append([]runrecord.CollectorHealth(nil), t.down...), t.sess.Health()...)
	run.Warnings = append(run.Warnings, energyWarnings(run.Energy)...)
	if t.spec.Pushgateway != "" {
		if err := livemetrics.Push(ctx, t.spec.Pushgateway, t.spec.PushgatewayJob, run, t.exp.Registry()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// energyConfig is the accounting's configuration for the run's clock.
func (t *telemetry) energyConfig(zero time.Time, idle [2]time.Time) energy.Config {
	cfg := t.energy
	if !idle[1].IsZero() {
		cfg.Idle = runrecord.Window{StartNS: idle[0].Sub(zero).Nanoseconds(), EndNS: idle[1].Sub(zero).Nanoseconds()}
	}
	for _, c := range t.reg.Collectors() {
		if n, ok := c.(cpuEnergyNoter); ok {
			cfg.CPUEnergyNote = n.CPUEnergyNote()
		}
	}
	return cfg
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

// close stops the collectors, the metrics listener and whatever the
// collectors hold. After an aborted run it does not wait for window reads
// (Prometheus settle time).
func (t *telemetry) close() {
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
	t.reg.Close()
}

// preflight checks, before the load, that the cluster's energy series are
// there and that the settle time outlasts their update interval (else the
// run's end would go unmeasured).
func preflight(ctx context.Context, reg *collectors.Registry) error {
	c, ok := reg.Get(promdcgm.Name)
	if !ok {
		return nil
	}
	pc, ok := c.(*promdcgm.Collector)
	if !ok {
		return nil
	}
	_, err := pc.Preflight(ctx)
	var se *promdcgm.SettleError
	if errors.As(err, &se) {
		return badinput.Field("prometheus-settle", se.Settle, "%v", err)
	}
	return err
}
