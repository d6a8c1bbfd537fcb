package load

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/outcome"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// engine is one run in progress.
type engine struct {
	cfg  *Config
	be   modelapi.Backend
	clk  modelapi.Clock
	gate *gate
	live bool

	// sendCtx stops new sends (an interrupt); reqCtx cancels requests in
	// flight (a grace time after the interrupt).
	sendCtx context.Context
	reqCtx  context.Context

	slots    chan struct{} // the open-loop concurrency ceiling; nil for none
	maxQueue int
	queued   atomic.Int64

	seq      atomic.Int64 // next attempt sequence number
	sent     atomic.Int64 // attempts handed to the backend
	next     atomic.Int64 // next plan instance (closed loop)
	inflight atomic.Int64
	tasks    sync.WaitGroup

	w        *runrecord.JSONLWriter
	brk      breaker
	observe  []func(*runrecord.Attempt)
	mu       sync.Mutex // guards acc, prog, writeErr and the recorded costs
	acc      *metrics.Accumulator
	costUSD  float64 // recorded API cost of the measured tasks that had one
	costN    int
	prog     *progress
	writeErr error
	// checked is true when the workload has success checks, which chk runs.
	checked bool
	chk     *outcome.Checker
	rec     recorded // what the source recorded about the measured tasks
}

func newEngine(cfg *Config, be modelapi.Backend, w *runrecord.JSONLWriter) *engine {
	e := &engine{cfg: cfg, be: be, gate: newGate(cfg.load), w: w, maxQueue: cfg.maxQueue,
		live: cfg.Plan.ReplayMode == workloads.ReplayLive, acc: metrics.NewAccumulator(cfg.SLOs),
		checked: cfg.Plan.HasChecks, chk: cfg.Checks}
	e.acc.SetWindowStart(int64(cfg.load.Warmup))
	if cfg.Plan.HasChecks {
		e.acc.SetChecked()
	}
	if n, _ := ceiling(cfg.Schedule); n > 0 {
		e.slots = make(chan struct{}, n)
	}
	for _, h := range cfg.Hooks {
		if h.Observe != nil {
			e.observe = append(e.observe, h.Observe)
		}
	}
	return e
}

// finish records a finished (or dropped) attempt: appended to
// requests.jsonl, shown to the observers, added to the figures.
func (e *engine) finish(a *runrecord.Attempt) {
	err := e.w.Write(a)
	e.brk.observe(a)
	for _, f := range e.observe {
		f(a)
	}
	e.mu.Lock()
	if err != nil && e.writeErr == nil {
		e.writeErr = err
	}
	e.acc.Add(a)
	if e.prog != nil {
		e.prog.observe(a)
	}
	e.mu.Unlock()
}

// taskDone tells the figures that a task recorded its last attempt, so
// they keep nothing more of it than its latencies.
func (e *engine) taskDone(id string) {
	e.mu.Lock()
	e.acc.TaskDone(id)
	e.mu.Unlock()
}

// recordedCost notes a measured task's recorded API cost, when it has one.
func (e *engine) recordedCost(inst *workloads.Instance, phase string) {
	if !inst.HasRecordedCost || phase != runrecord.PhaseMeasure {
		return
	}
	e.mu.Lock()
	e.costUSD += inst.RecordedCostUSD
	e.costN++
	e.mu.Unlock()
}

// RecordedCostKey is the key of Run.Workload.RecordedAPICostUSD under which
// the mean recorded API cost per measured task is written (the plan does
// not name the model the source used).
const RecordedCostKey = "recorded"
