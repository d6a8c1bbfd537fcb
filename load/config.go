package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// Hooks let other parts of tcobench (collectors, cost, the results store)
// take part in a run. Any func may be nil.
type Hooks struct {
	// Prepare runs before the run clock starts (for an idle baseline). An
	// error aborts the run before anything is sent.
	Prepare func(ctx context.Context) error
	// Start runs at clock zero; start carries a monotonic reading. An error
	// aborts the run (the directory keeps what was written).
	Start func(ctx context.Context, start time.Time) error
	// Observe sees each finished attempt, from many goroutines at once; it
	// must be cheap and must not keep a.
	Observe func(a *runrecord.Attempt)
	// Finish runs after the load, with the summary computed, before run.json
	// is written; it may fill run.Energy, run.Collectors and run.Warnings.
	// Its error becomes a warning in the run record.
	Finish func(ctx context.Context, dir string, run *runrecord.Run) error
}

// Config is everything a run needs.
type Config struct {
	// Name labels the run; OutDir is the run directory to write (created;
	// refused if it already holds a run.json).
	Name   string
	OutDir string

	// Target is the server's base URL, Backend one of modelapi.Kinds, Model
	// the model name to send.
	Target  string
	Backend string
	Model   string
	// Client replaces the backend built from Target and Backend (tests, fakes).
	Client modelapi.Backend
	// IgnoreEOS asks OpenAI-compatible servers to generate exactly max tokens.
	IgnoreEOS bool

	// Plan is the workload to run. Plan.Arrival is used where Load.Mode is empty.
	Plan workloads.Plan
	// Load says how load is applied: Mode (closed, constant, poisson, gamma,
	// trace), Concurrency (closed-loop users, or the open-loop in-flight
	// ceiling; 0 none), RatePerS, GammaShape, TimeScale (trace), Duration of
	// the measurement phase, Count of measured tasks, Warmup and Cooldown
	// (added before and after), ThinkTime (closed loop).
	Load runrecord.LoadConfig
	// TraceStartNS and TraceEndNS select a window of a trace's recorded
	// offsets (before time scaling); TraceEndNS 0 means to the end.
	TraceStartNS, TraceEndNS int64
	// MaxQueue bounds how many requests may wait for the concurrency
	// ceiling; an arrival beyond it is dropped (recorded). 0: no bound.
	MaxQueue int

	// SLOs are judged together for goodput.
	SLOs []runrecord.SLO
	// RequestTimeout bounds each request (0: none).
	RequestTimeout time.Duration
	// Grace is how long in-flight requests may finish after ctx is canceled
	// (default 10 s).
	Grace time.Duration
	// Seed makes the arrival schedule reproducible.
	Seed uint64

	// Version and Commit identify tcobench in the run record.
	Version, Commit string
	// Extra is copied into the run record's configuration.
	Extra map[string]any

	Hooks []Hooks
	// Progress receives live progress (nil: none). On a terminal it is one
	// rewritten line; otherwise a plain line every ProgressEvery (default 5 s).
	Progress      io.Writer
	ProgressEvery time.Duration
}

// DefaultGrace is how long in-flight requests may finish after an interrupt.
const DefaultGrace = 10 * time.Second

// resolve fills defaults from the plan and checks the configuration.
func (c *Config) resolve() error {
	if c.Plan.Instance == nil {
		return errors.New("run: no workload plan")
	}
	l := &c.Load
	a := c.Plan.Arrival
	if l.Mode == "" {
		l.Mode = a.Process
	}
	if l.Mode == "" {
		l.Mode = workloads.ArrivalClosed
	}
	if l.RatePerS == 0 {
		l.RatePerS = a.RatePerS
	}
	if l.GammaShape == 0 {
		l.GammaShape = a.GammaShape
	}
	if l.Mode == workloads.ArrivalClosed && l.Concurrency == 0 {
		l.Concurrency = max(a.Users, 1)
	}
	if l.ThinkTime == 0 && a.ThinkTimeNS > 0 {
		l.ThinkTime = runrecord.Duration(a.ThinkTimeNS)
	}
	if c.Seed == 0 {
		c.Seed = a.Seed
	}
	if l.TimeScale == 0 {
		l.TimeScale = 1
	}
	if c.Grace <= 0 {
		c.Grace = DefaultGrace
	}
	return c.check()
}

func (c *Config) check() error {
	l := c.Load
	switch l.Mode {
	case workloads.ArrivalClosed, workloads.ArrivalConstant, workloads.ArrivalPoisson, workloads.ArrivalGamma, workloads.ArrivalTrace:
	default:
		return fmt.Errorf("load mode %q: want closed, constant, poisson, gamma or trace", l.Mode)
	}
	if l.Mode != workloads.ArrivalTrace && l.Duration <= 0 && l.Count <= 0 {
		return errors.New("run: give a duration or a request count (an endless workload needs a limit)")
	}
	if l.Duration < 0 || l.Count < 0 || l.Warmup < 0 || l.Cooldown < 0 || l.ThinkTime < 0 || l.Concurrency < 0 {
		return errors.New("run: durations, count and concurrency must not be negative")
	}
	if l.Mode == workloads.ArrivalTrace && !(l.TimeScale > 0) {
		return fmt.Errorf("time scale %v: want a positive factor", l.TimeScale)
	}
	for _, s := range c.SLOs {
		if err := metrics.ValidateSLO(s.Metric); err != nil {
			return err
		}
	}
	if c.OutDir == "" {
		return errors.New("run: no output directory")
	}
	if c.Client == nil && c.Model == "" {
		return errors.New("run: no model name")
	}
	return nil
}
