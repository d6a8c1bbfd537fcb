package load

import (
	"context"
	"io"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/outcome"
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
	// refused if it already holds a run or run files, unless Replace).
	Name    string
	OutDir  string
	Replace bool

	// Target is the model server: its URL, API and the model to ask for.
	Target modelapi.Target
	// Client replaces the client built from Target (tests, fakes).
	Client modelapi.Backend
	// QuickAck sets TCP_QUICKACK on the client's connections (Linux; see
	// modelapi.Options.QuickAck); run.json records it.
	QuickAck bool

	// Plan is the workload to run.
	Plan workloads.Plan
	// Checks evaluates the plan's success checks (nil: a Checker without
	// judge defaults, when the plan has checks).
	Checks *outcome.Checker
	// Schedule is how tasks arrive; nil: the plan's own arrival.
	Schedule Schedule
	// Limits bound the run.
	Limits Limits
	// SLOs are judged together for goodput.
	SLOs []runrecord.SLO
	// Seed makes the arrival schedule reproducible (0: the plan's seed).
	Seed uint64
	// Settings are what the run was asked for beyond the above, recorded as given.
	Settings runrecord.RunExtra

	// Version and Commit identify tcobench in the run record.
	Version, Commit string

	Hooks []Hooks
	// Shard, when its Count is above 1, sends only this process's share of
	// an open-loop or trace schedule (arrivals i with i mod Count = Index).
	// Every arrival still passes the gate, so phases and the run's end are
	// the whole schedule's: shards of one seed and start send, together,
	// exactly the single-process schedule.
	Shard Shard
	// Rendezvous, when set, is asked after the Prepare hooks for the run
	// clock's zero, and the run waits until then: the shards of a fleet
	// agree on one start through it. Its error aborts the run before
	// anything is sent.
	Rendezvous func(ctx context.Context) (time.Time, error)
	// Progress receives live progress (nil: none). On a terminal it is one
	// rewritten line; otherwise a plain line every ProgressEvery (default 5 s).
	Progress      io.Writer
	ProgressEvery time.Duration

	// load is the resolved schedule and limits as the record states them;
	// traceStart, traceEnd and maxQueue the rest of the schedule the engine needs.
	load                 runrecord.LoadConfig
	traceStart, traceEnd int64
	maxQueue             int
	startAt              time.Time
}

// DefaultGrace is how long in-flight requests may finish after an interrupt.
const DefaultGrace = 10 * time.Second

// Validate fills the defaults from the plan and checks the configuration,
// as Run does before it sends anything. Errors name the setting
// (*badinput.FieldError) or are marked bad input (badinput.Is).
func (c *Config) Validate() error {
	if c.Plan.Instance == nil {
		return badinput.Errorf("run: no workload plan")
	}
	if c.OutDir == "" {
		return badinput.Field("out", nil, "no run directory given")
	}
	if c.Client == nil {
		if err := c.Target.Validate(); err != nil {
			return err
		}
	}
	if c.Schedule == nil {
		s, err := LoadSettings{}.Schedule(c.Plan.Arrival)
		if err != nil {
			return err
		}
		c.Schedule = s
	}
	c.Schedule = c.Schedule.withDefaults(c.Plan.Arrival)
	if err := c.Schedule.Validate(); err != nil {
		return err
	}
	if err := c.Limits.Validate(c.Schedule.Mode()); err != nil {
		return err
	}
	if err := c.Shard.validate(c.Schedule.Mode()); err != nil {
		return err
	}
	for _, s := range c.SLOs {
		if err := runrecord.CheckSLOMetric(s.Metric); err != nil {
			return badinput.Field("slo", s.String(), "%v", err)
		}
	}
	if c.Seed == 0 {
		c.Seed = c.Plan.Arrival.Seed
	}
	if c.Plan.HasChecks && c.Checks == nil {
		c.Checks = outcome.New(workloads.JudgeSpec{}, nil)
	}
	if c.Limits.Grace <= 0 {
		c.Limits.Grace = DefaultGrace
	}
	c.resolve()
	return nil
}

// resolve computes the record's load config and the engine's schedule values.
func (c *Config) resolve() {
	l := runrecord.LoadConfig{Duration: runrecord.Duration(c.Limits.Duration), Count: c.Limits.Count,
		Warmup: runrecord.Duration(c.Limits.Warmup), Cooldown: runrecord.Duration(c.Limits.Cooldown)}
	c.Schedule.record(&l)
	c.load = l
	_, c.maxQueue = ceiling(c.Schedule)
	if t, ok := c.Schedule.(Trace); ok {
		c.traceStart, c.traceEnd = int64(t.Start), int64(t.End)
	}
}
