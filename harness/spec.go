// Package harness is tcobench as a library: Run does all that `tcobench
// run` does (the load engine, the collectors with the idle baseline, energy
// accounting, pricing, the results store, the live export and the
// Pushgateway push) for a typed Spec; Sweep runs it at several load points
// and finds the highest meeting the SLOs; RunSuite runs a suite file; Gate
// compares runs and fails on regression. The tcobench command is a thin
// layer of flags over it: RunSettings are the settings by name, as flags,
// environment, config and suite files give them.
//
// Errors are typed: *badinput.Error or *badinput.FieldError (unusable
// input: nothing was sent), *NoSuccessError (no request succeeded),
// *PartialError (the run was cut short), *GPURequiredError,
// *SLOsNotMetError (no sweep point met the SLOs), *SuiteError (runs of a
// suite failed), *RegressionError (a figure regressed). Run returns its
// Result beside *NoSuccessError and *PartialError, since a record was
// written; Sweep its sweep beside *SLOsNotMetError.
package harness

import (
	"io"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Spec is one run: what to send and how (the engine's configuration), what
// to measure beside it, and what to do with the result.
type Spec struct {
	// Load is the engine's configuration: target, workload plan, schedule,
	// limits, SLOs and the run directory.
	Load load.Config
	// Telemetry says which collectors run and how energy is accounted.
	Telemetry Telemetry
	// Pricing, when set, prices the run at its end into run.json.
	Pricing *tco.Request
	// Projection says how a run measured on other hardware than Pricing's is
	// priced there.
	Projection Projection
	// Save, when set, stores the run in a results store.
	Save *SaveSpec
	// Log receives notes for people ("measuring idle GPU power for 30s");
	// nil discards them.
	Log io.Writer
}

// Telemetry is what runs beside the load.
type Telemetry struct {
	// Collectors names the collectors to run, in order; none for none.
	Collectors []string
	// Factories builds them by name; nil: DefaultFactories().
	Factories collectors.Factories
	// Interval is the default sampling period of context readings (0: 1 s).
	Interval time.Duration
	// IdleBaseline is how long idle GPU power is measured before the load,
	// when a GPU energy source runs (0: none).
	IdleBaseline time.Duration
	// RequireGPU fails the run when no GPU energy can be measured.
	RequireGPU bool
	// Energy configures the accounting (window, node factor, PUE); the
	// harness fills in what the collectors know (GPUs, driver, idle span).
	Energy energy.Config
	// MetricsAddr serves live Prometheus metrics on [host]:port during the run.
	MetricsAddr string
	// Pushgateway, when set, receives the run's final summary under PushgatewayJob.
	Pushgateway, PushgatewayJob string
	// PrometheusSettle is how long the prometheus collector waits after the
	// run for the cluster's scrapes (said in the log).
	PrometheusSettle time.Duration
}

// SaveSpec names the results store a run is saved in.
type SaveSpec struct {
	// DSN is postgres://..., a SQLite file path, or "" for SQLite in the
	// user's data directory.
	DSN string
}

// Result is what a run produced.
type Result struct {
	// Run is the run record as written to Dir/run.json.
	Run *runrecord.Run
	Dir string
}

// Cost is the run's priced comparison, nil when it was not priced.
func (r *Result) Cost() *runrecord.Cost { return r.Run.Cost }

// Energy is the run's energy accounting (Measured false, with the reason,
// when no GPU energy source ran).
func (r *Result) Energy() *runrecord.Energy { return r.Run.Energy }

// DefaultFactories are the collectors tcobench knows, with default options.
func DefaultFactories() collectors.Factories {
	f, _ := Defaults().Telemetry.factories(nil)
	return f
}
