package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// finishTimeout bounds the Finish hooks; probeTimeout asking the server and
// the host what they are.
const (
	finishTimeout = 2 * time.Minute
	probeTimeout  = 5 * time.Second
)

// Run applies cfg's load, writes the run directory cfg.OutDir and returns
// the run record. requests.jsonl is appended as attempts finish and flushed
// at least every second; run.json is written at the end. When ctx is
// canceled sending stops, requests in flight get cfg.Grace to finish, and
// the record is written with Partial set. An error means no usable run
// (bad configuration, the directory could not be written, a hook refused).
func Run(ctx context.Context, cfg Config) (*runrecord.Run, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	be, err := cfg.backend()
	if err != nil {
		return nil, err
	}
	if len(cfg.Plan.Judges) > 0 {
		if err := cfg.Checks.Probe(ctx, cfg.Plan.Judges); err != nil {
			return nil, err
		}
	}
	dir := cfg.OutDir
	if err := prepareDir(dir, cfg.Replace); err != nil {
		return nil, err
	}
	run := cfg.newRecord(ctx, be)
	for _, h := range cfg.Hooks {
		if h.Prepare != nil {
			if err := h.Prepare(ctx); err != nil {
				return nil, fmt.Errorf("prepare: %w", err)
			}
		}
	}
	if cfg.Rendezvous != nil {
		at, err := cfg.Rendezvous(ctx)
		if err != nil {
			return nil, fmt.Errorf("rendezvous: %w", err)
		}
		cfg.startAt = at
		waitStart(ctx, at)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("interrupted before the run started: %w", err)
	}
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.RequestsFile))
	if err != nil {
		return nil, err
	}
	e := newEngine(&cfg, be, w)
	err = e.execute(ctx, run)
	be.CloseIdle() // the run's sockets go now, not at their idle timeout
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return run, e.complete(ctx, dir, run)
}

func (c *Config) backend() (modelapi.Backend, error) {
	if c.Client != nil {
		return c.Client, nil
	}
	return modelapi.New(c.Target, modelapi.Options{Timeout: c.Limits.RequestTimeout, QuickAck: c.QuickAck})
}

// prepareDir creates dir, refusing one that already holds a run or its
// files (bad input) unless replace.
func prepareDir(dir string, replace bool) error {
	err := runrecord.PrepareDir(dir, runrecord.DirOptions{Replace: replace})
	var inUse *runrecord.DirInUseError
	if errors.As(err, &inUse) {
		return badinput.Wrap(err)
	}
	return err
}

// newRecord starts the run record: configuration, environment, workload.
func (c *Config) newRecord(ctx context.Context, be modelapi.Backend) *runrecord.Run {
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	kind := be.Kind()
	r := &runrecord.Run{
		Schema: runrecord.SchemaVersion, Name: c.Name,
		Config: runrecord.RunConfig{Target: c.Target.URL, Backend: kind, Model: c.Target.Model, Workload: c.Plan.Name,
			Load: c.load, SLOs: c.SLOs, Timeout: runrecord.Duration(c.Limits.RequestTimeout), Seed: c.Seed,
			QuickAck: c.QuickAck && c.Client == nil, Extra: c.Settings},
		Environment: runrecord.Environment{TcobenchVersion: c.Version, TcobenchCommit: c.Commit,
			GoVersion: runtime.Version(), Host: HostInfo(pctx), Server: be.Probe(pctx, c.Target.Model)},
		Workload: runrecord.WorkloadInfo{Name: c.Plan.Name, Source: c.Plan.Source, ReplayMode: c.Plan.ReplayMode,
			PromptLengths: c.Plan.PromptLengths, TimestampPolicy: c.Plan.TimestampPolicy},
	}
	return r
}

// execute starts the clock, applies the load and waits for the tasks.
func (e *engine) execute(ctx context.Context, run *runrecord.Run) error {
	sendCtx, stopSending := context.WithCancel(ctx)
	defer stopSending()
	reqCtx, cancelReqs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelReqs()
	e.sendCtx, e.reqCtx = sendCtx, reqCtx
	e.brk.stop = stopSending

	start := clockZero(e.cfg.startAt)
	e.clk = modelapi.NewClock(start)
	run.StartedAt = start
	run.ID = start.UTC().Format("20060102T150405Z") + fmt.Sprintf("-%04x", rand.Uint32()&0xffff)
	for _, h := range e.cfg.Hooks {
		if h.Start != nil {
			if err := h.Start(ctx, start); err != nil {
				return fmt.Errorf("start: %w", err)
			}
		}
	}
	stopBG := e.background()
	defer stopBG()

	// The load runs beside the wait below, so that an interrupt reaches
	// requests in flight after the grace time even while the load is still
	// running (a closed loop's users block in their requests). It counts as
	// a task itself, so the tasks it starts never race the wait.
	e.tasks.Add(1)
	loaded := make(chan error, 1)
	go func() {
		defer e.tasks.Done()
		loaded <- e.load()
	}()
	idle := make(chan struct{})
	go func() { e.tasks.Wait(); close(idle) }()
	select {
	case <-idle:
	case <-ctx.Done():
		e.graceWait(idle, cancelReqs)
	}
	e.gate.stop()
	loadErr := <-loaded
	run.EndedAt = time.Now()
	if ctx.Err() != nil {
		run.Partial, run.PartialReason = true, "interrupted: sending stopped early, requests in flight were given "+e.cfg.Limits.Grace.String()+" to finish"
	} else if reason, ok := e.brk.tripped(); ok {
		run.Partial, run.PartialReason = true, reason
		run.Warnings = append(run.Warnings, reason)
	}
	return loadErr
}

// graceWait gives requests in flight the grace time, then cancels them.
func (e *engine) graceWait(idle <-chan struct{}, cancelReqs context.CancelFunc) {
	t := time.NewTimer(e.cfg.Limits.Grace)
	defer t.Stop()
	select {
	case <-idle:
	case <-t.C:
		cancelReqs()
		<-idle
	}
}

// background starts the flush ticker and the progress display.
func (e *engine) background() (stop func()) {
	done := make(chan struct{})
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		t := time.NewTicker(runrecord.FlushEvery / 2)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if err := e.w.Flush(); err != nil {
					e.mu.Lock()
					if e.writeErr == nil {
						e.writeErr = err
					}
					e.mu.Unlock()
				}
			}
		}
	}()
	stopProg := e.startProgress(done)
	return func() {
		close(done)
		<-flushed
		stopProg()
	}
}

// complete computes the summary, runs the Finish hooks and writes run.json.
func (e *engine) complete(ctx context.Context, dir string, run *runrecord.Run) error {
	e.mu.Lock()
	werr := e.writeErr
	acc := e.acc
	e.mu.Unlock()
	run.Window = e.window(acc.Window())
	run.Summary = acc.Summary(run.Window)
	run.Workload.Tasks = run.Summary.Tasks.Started
	if e.costN > 0 {
		run.Workload.RecordedAPICostUSD = map[string]float64{RecordedCostKey: e.costUSD / float64(e.costN)}
	}
	run.Workload.Recorded = e.rec.outcome()
	run.Warnings = append(run.Warnings, acc.Warnings(run.Summary)...)
	if werr != nil {
		run.Warnings = append(run.Warnings, "requests.jsonl is incomplete: "+werr.Error())
	}
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	for _, h := range e.cfg.Hooks {
		if h.Finish != nil {
			if err := h.Finish(fctx, dir, run); err != nil {
				run.Warnings = append(run.Warnings, err.Error())
			}
		}
	}
	if err := runrecord.WriteRun(dir, run); err != nil {
		return err
	}
	if werr != nil {
		return errors.Join(errors.New("run recorded, but requests.jsonl is incomplete"), werr)
	}
	return nil
}

// window is the measurement window: from the end of the warm-up to the end
// of the measurement phase or the last measured attempt's end, whichever is
// later.
func (e *engine) window(measured runrecord.Window) runrecord.Window {
	w := runrecord.Window{StartNS: int64(e.cfg.load.Warmup), EndNS: measured.EndNS}
	if end := e.gate.end(); end > w.EndNS {
		w.EndNS = end
	}
	if e.cfg.load.Mode == runrecord.ArrivalTrace && measured.StartNS > w.StartNS {
		w.StartNS = measured.StartNS
	}
	if w.EndNS < w.StartNS {
		w.EndNS = w.StartNS
	}
	return w
}
