package harness

import (
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// Run applies the spec's load, with its collectors, and writes the run
// directory: requests.jsonl as attempts finish, telemetry.jsonl, run.json
// with the summary, the energy accounting and, when asked, the cost. It
// saves the run in the results store and pushes its summary when asked.
//
// Nothing is sent when the spec is unusable (a *badinput error). When the
// run was cut short (*PartialError) or no request succeeded
// (*NoSuccessError) the record is still written and returned.
func Run(ctx context.Context, spec Spec) (*Result, error) {
	log := spec.Log
	if log == nil {
		log = io.Discard
	}
	cfg := spec.Load
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := runrecord.PrepareDir(cfg.OutDir, runrecord.DirOptions{Replace: cfg.Replace}); err != nil {
		return nil, badinput.Wrap(err) // refused before the collectors start
	}
	cfg.Replace = false // cleared once: the engine must not delete what the collectors write
	if w := load.FileLimitWarning(inFlight(cfg)); w != "" {
		fmt.Fprintf(log, "warning: %s\n", w)
	}
	t, err := newTelemetry(ctx, spec.Telemetry, cfg.Target.URL, log)
	if err != nil {
		return nil, err
	}
	defer t.close()
	cfg.Hooks = append(append([]load.Hooks(nil), cfg.Hooks...), t.hooks())
	if spec.Pricing != nil {
		req, proj := spec.Pricing, spec.Projection
		cfg.Hooks = append(cfg.Hooks, load.Hooks{Finish: func(ctx context.Context, dir string, run *runrecord.Run) error {
			if _, err := Price(ctx, req, proj, dir, run); err != nil {
				return fmt.Errorf("not priced: %w", err)
			}
			return nil
		}})
	}
	run, err := load.Run(ctx, cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{Run: run, Dir: cfg.OutDir}
	if spec.Save != nil {
		if err := save(ctx, spec.Save, res, log); err != nil {
			return res, err
		}
	}
	return res, outcome(run, cfg.OutDir)
}

// save stores the run in the results store.
func save(ctx context.Context, s *SaveSpec, res *Result, log io.Writer) error {
	st, err := store.Open(ctx, s.DSN)
	if err != nil {
		return fmt.Errorf("results store: %w", err)
	}
	defer st.Close()
	if err := st.SaveRun(ctx, res.Dir, res.Run); err != nil {
		return fmt.Errorf("results store: %w", err)
	}
	fmt.Fprintf(log, "saved run %s in the results store\n", res.Run.ID)
	return nil
}

// inFlight is about the most requests a run has in flight: its users or
// ceiling, else its rate times how long a request may take (the request
// timeout, at most 30 s: a longer tail is rare enough not to warn about).
func inFlight(cfg load.Config) int {
	var l runrecord.LoadConfig
	load.Describe(cfg.Schedule, &l)
	if l.Concurrency > 0 {
		return l.Concurrency
	}
	t := cfg.Limits.RequestTimeout
	if t <= 0 || t > 30*time.Second {
		t = 30 * time.Second
	}
	return int(math.Ceil(l.RatePerS * t.Seconds()))
}
