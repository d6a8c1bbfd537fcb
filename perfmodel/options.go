package perfmodel

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
	"github.com/tcobench/tcobench/workloads"
)

// PlanOptions are a plan's inputs as a user states them (names, files,
// numbers); PlanFrom resolves them. Errors name these fields.
type PlanOptions struct {
	// Workload is a catalog name or file; "" is the synthetic workload of
	// PromptTokens and MaxTokens.
	Workload                string
	PromptTokens, MaxTokens int
	// Concurrency (closed-loop users) or RatePerS (open loop, tasks/s) is
	// the load on one node; neither: the workload's own arrival.
	Concurrency int
	RatePerS    float64
	// Model is a built-in name, a GGUF file or a Hugging Face config.json.
	Model string
	SLOs  []runrecord.SLO
	// Volume is tasks per day ("50000" or "50000/day").
	Volume string
	// Hardware lists profiles (names or files); empty: every built-in one.
	Hardware []string
	Site     string
	Prices   string
	TP       int
	// PassRate (0 < p ≤ 1) gives a cost per successful task; 0: none.
	// PassRateRun takes it from a run directory instead (PassRateFromRun).
	PassRate    float64
	PassRateRun string
	// Utilization of the nodes for the cost model; 0: tco's default (assumed).
	Utilization float64
	// CalibrationRun is a run directory measured on CalibrationHardware
	// (a profile) with CalibrationModel (the served model's architecture;
	// "" looks up the run's model name) to fit the factors on.
	CalibrationRun, CalibrationHardware, CalibrationModel string
	Seed                                                  uint64
	// Progress receives a line per profile planned (nil: none).
	Progress io.Writer
}

// PlanFrom resolves the options and plans.
func PlanFrom(ctx context.Context, o PlanOptions) (*PlanResult, error) {
	req, err := o.Request(ctx)
	if err != nil {
		return nil, err
	}
	return Plan(ctx, *req)
}

// Request resolves the options into a PlanRequest.
func (o PlanOptions) Request(ctx context.Context) (*PlanRequest, error) {
	req := &PlanRequest{SLOs: o.SLOs, TP: o.TP, Progress: o.Progress}
	var err error
	if req.Workload, req.Load, err = o.workload(); err != nil {
		return nil, err
	}
	if o.Model == "" {
		return nil, fmt.Errorf("model: none given (built-in: %s; or a GGUF file or a Hugging Face config.json)", strings.Join(modelarch.Names(), ", "))
	}
	if req.Model, err = modelarch.Load(o.Model); err != nil {
		return nil, err
	}
	v, err := tco.ParseVolume(o.Volume)
	if err != nil {
		return nil, fmt.Errorf("volume %q: %w", o.Volume, err)
	}
	if v == 0 {
		return nil, fmt.Errorf("volume: none given (tasks per day, e.g. 50000/day)")
	}
	req.VolumeTasksPerDay = runrecord.Figure{Value: v, Provenance: runrecord.Configured, Source: "stated volume (tasks per day)"}
	if err := o.profiles(req); err != nil {
		return nil, err
	}
	req.CostOptions = tco.DefaultOptions()
	if o.Utilization != 0 {
		req.CostOptions.Utilization = runrecord.Figure{Value: o.Utilization, Provenance: runrecord.Configured, Source: "stated utilization (fraction)"}
	}
	switch {
	case o.PassRate != 0 && o.PassRateRun != "":
		return nil, fmt.Errorf("pass rate: give a rate or a run, not both")
	case o.PassRate != 0:
		req.PassRate = &runrecord.Figure{Value: o.PassRate, Provenance: runrecord.Configured, Source: "stated pass rate"}
	case o.PassRateRun != "":
		run, err := runrecord.ReadRun(o.PassRateRun)
		if err != nil {
			return nil, err
		}
		p, err := PassRateFromRun(run)
		if err != nil {
			return nil, err
		}
		req.PassRate = &p
	}
	if o.CalibrationRun != "" {
		if req.Calibration, err = CalibrateDir(ctx, o.CalibrationRun, o.CalibrationHardware, o.CalibrationModel); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// workload resolves the workload and the stated load.
func (o PlanOptions) workload() (*Workload, *Load, error) {
	var p *workloads.Plan
	if o.Workload == "" {
		if o.PromptTokens <= 0 || o.MaxTokens <= 0 {
			return nil, nil, fmt.Errorf("workload: the synthetic workload needs positive prompt_tokens and max_tokens")
		}
		sp := load.SimplePlan(o.PromptTokens, o.MaxTokens)
		p = &sp
	} else {
		ro := workloads.ResolveOptions{}
		if o.Seed != 0 {
			ro.Seed = &o.Seed
		}
		var err error
		if p, err = workloads.Open(o.Workload, ro); err != nil {
			return nil, nil, err
		}
	}
	w := FromPlan(p)
	switch {
	case o.Concurrency < 0 || o.RatePerS < 0:
		return nil, nil, fmt.Errorf("load: concurrency %d and rate %g must not be negative", o.Concurrency, o.RatePerS)
	case o.RatePerS > 0:
		return w, &Load{Mode: runrecord.ArrivalPoisson, RatePerS: o.RatePerS, Seed: p.Arrival.Seed}, nil
	case o.Concurrency > 0:
		return w, &Load{Mode: runrecord.ArrivalClosed, Users: o.Concurrency, Seed: p.Arrival.Seed}, nil
	}
	return w, nil, nil
}

// profiles loads the hardware profiles (every built-in one when none is
// named), the site and the price catalog.
func (o PlanOptions) profiles(req *PlanRequest) error {
	names := o.Hardware
	if len(names) == 0 {
		names = tco.Names(tco.KindHardware)
	}
	for _, n := range names {
		h, err := tco.LoadHardware(strings.TrimSpace(n))
		if err != nil {
			return err
		}
		req.Hardware = append(req.Hardware, h)
	}
	var err error
	if req.Site, err = tco.LoadSite(o.Site); err != nil {
		return err
	}
	req.Prices, err = tco.LoadCatalog(o.Prices)
	return err
}
