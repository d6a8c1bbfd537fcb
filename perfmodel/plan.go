package perfmodel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// PlanRequest is what a fleet plan needs.
type PlanRequest struct {
	// Workload is what to serve (FromPlan); Load the load it arrives with
	// (nil: the workload's own arrival process). The capacity search
	// scales its rate (open loop) or users (closed loop).
	Workload *Workload
	Load     *Load
	Model    *modelarch.Arch
	// SLOs are judged as tcobench sweep judges them: a load meets them when
	// at least MinGoodput (0: 0.95) of its requests meet every SLO at once.
	SLOs       []runrecord.SLO
	MinGoodput float64
	// VolumeTasksPerDay sizes the fleet (required, above 0).
	VolumeTasksPerDay runrecord.Figure
	// Hardware lists the profiles to plan on; Site and Prices price them.
	Hardware []*tco.Hardware
	Site     *tco.Site
	Prices   *tco.Catalog
	// CostOptions are the scenario figures of the cost model (utilisation,
	// reference model, ...); VolumeTasksPerDay overrides its volume.
	CostOptions tco.Options
	// TP fixes the tensor-parallel size (0: the size giving the most
	// capacity per node).
	TP int
	// PassRate is the share of tasks that succeed (outcome checks, from a
	// run or configured); nil: no cost per successful task.
	PassRate *runrecord.Figure
	// Calibration, when set, replaces the default efficiency factors.
	Calibration *Calibration
	// Engine is the simulated server (nil: DefaultEngine on accelerators,
	// CPUEngine on a CPU node).
	Engine *Engine
	// Tasks simulated per load point (0: 300).
	Tasks int
	// Progress, when set, receives a line as each of several profiles is planned.
	Progress io.Writer
}

// CPUEngine is a llama.cpp-style CPU server: 4 slots, 512-token batches.
func CPUEngine(ctx int) Engine { return OllamaEngine(4, ctx) }

// PlanResult is a fleet plan: per hardware profile, projected capacity,
// nodes, energy and cost per task.
type PlanResult struct {
	Model    *modelarch.Arch   `json:"model"`
	Workload string            `json:"workload"`
	Lengths  string            `json:"token_lengths"`
	Load     Load              `json:"load"`
	SLOs     []runrecord.SLO   `json:"slos,omitempty"`
	Volume   runrecord.Figure  `json:"volume_tasks_per_day"`
	PassRate *runrecord.Figure `json:"pass_rate,omitempty"`
	Site     string            `json:"site"`
	Prices   string            `json:"prices"`
	// Reference is the API model (provider/model) the headline compares with.
	Reference string         `json:"reference_model"`
	Hardware  []HardwarePlan `json:"hardware"`
	// Cheapest names the profile with the lowest projected cost per task.
	Cheapest string   `json:"cheapest,omitempty"`
	Notes    []string `json:"notes,omitempty"`
}

// HardwarePlan is the plan on one hardware profile.
type HardwarePlan struct {
	Hardware    string `json:"hardware"`
	Description string `json:"description"`
	// Skipped says why there is no projection (a missing profile figure,
	// the model does not fit, no load meets the SLOs).
	Skipped string `json:"skipped,omitempty"`

	TP       int     `json:"tensor_parallel,omitempty"`
	Replicas int     `json:"replicas_per_node,omitempty"`
	Engine   string  `json:"engine,omitempty"`
	Factors  Factors `json:"factors"`
	// Capacity per node at the SLOs, and the fleet for the volume.
	CapacityTasksPerS   Banded `json:"capacity_tasks_per_s"`
	CapacityTasksPerDay Banded `json:"capacity_tasks_per_day"`
	Nodes               Banded `json:"nodes"`
	// Latencies at the capacity point (ms, from the scheduled time).
	TTFTP99MS        Banded `json:"ttft_p99_ms"`
	TPOTP99MS        Banded `json:"tpot_p99_ms"`
	TaskLatencyP99MS Banded `json:"task_latency_p99_ms"`
	// AtLoad are the latencies at the stated load, on one node.
	AtLoad *Point `json:"at_stated_load,omitempty"`
	// EnergyPerTaskJ is the node's busy power over its capacity (the
	// profile's power model); FacilityEnergyPerTaskJ adds the site's PUE.
	EnergyPerTaskJ         Banded `json:"energy_per_task_j"`
	FacilityEnergyPerTaskJ Banded `json:"facility_energy_per_task_j"`
	// USDPerTask is the fleet cost per task (tco, at the stated utilisation);
	// USDPerSuccessfulTask divides it by the pass rate.
	USDPerTask           Banded  `json:"usd_per_task"`
	USDPerSuccessfulTask *Banded `json:"usd_per_successful_task,omitempty"`
	// Cost is the whole comparison from package tco (API costs, break-even).
	Cost *runrecord.Cost `json:"cost,omitempty"`
	// TPOptions are the tensor-parallel sizes tried, with capacity per node.
	TPOptions []TPOption `json:"tp_options,omitempty"`
	// Curve is the latency–throughput curve per node.
	Curve   []CurvePoint `json:"curve,omitempty"`
	KVBound bool         `json:"kv_bound"`
}

// TPOption is one tensor-parallel size tried.
type TPOption struct {
	TP                int     `json:"tp"`
	CapacityTasksPerS float64 `json:"capacity_tasks_per_s"`
	Reason            string  `json:"reason,omitempty"`
}

// CurvePoint is one point of a node's latency–throughput curve.
type CurvePoint struct {
	TasksPerS        float64 `json:"tasks_per_s"`
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	TTFTP99MS        float64 `json:"ttft_p99_ms"`
	TPOTP99MS        float64 `json:"tpot_p99_ms"`
	TaskP99MS        float64 `json:"task_latency_p99_ms"`
	Meets            bool    `json:"meets_slos"`
}

// checkPlan rejects a request that cannot be planned, naming the field.
func (req *PlanRequest) check() error {
	var errs []error
	if req.Workload == nil {
		errs = append(errs, errors.New("plan: no workload"))
	}
	if req.Model == nil {
		errs = append(errs, errors.New("plan: no model"))
	} else if err := req.Model.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(req.Hardware) == 0 || req.Site == nil || req.Prices == nil {
		errs = append(errs, errors.New("plan: hardware profiles, a site profile and a price catalog are required"))
	}
	if v := req.VolumeTasksPerDay.Value; !(v > 0) || math.IsInf(v, 0) {
		errs = append(errs, fmt.Errorf("plan: volume_tasks_per_day %g: want a positive number of tasks per day", v))
	}
	for _, s := range req.SLOs {
		if s.Metric == runrecord.MetricITL {
			errs = append(errs, errors.New("plan: an itl SLO cannot be projected (the model does not simulate chunk timing): use tpot"))
		}
	}
	if p := req.PassRate; p != nil && !(p.Value > 0 && p.Value <= 1) {
		errs = append(errs, fmt.Errorf("plan: pass_rate %g: want a fraction above 0 and at most 1", p.Value))
	}
	if req.TP < 0 {
		errs = append(errs, fmt.Errorf("plan: tensor-parallel size %d: want 0 (search) or a positive size", req.TP))
	}
	return errors.Join(errs...)
}

// Plan projects, on every hardware profile of the request, the capacity
// per node at the SLOs, the nodes the volume needs, energy and cost per
// task, with tensor parallelism searched (or fixed). A profile that lacks a
// figure or cannot hold the model is reported as skipped; when the request
// names one profile, or no profile can be planned, that is an error.
func Plan(ctx context.Context, req PlanRequest) (*PlanResult, error) {
	if err := req.check(); err != nil {
		return nil, err
	}
	if req.Tasks <= 0 {
		req.Tasks = 300
	}
	shape := req.shape()
	res := &PlanResult{Model: req.Model, Workload: req.Workload.Name, Lengths: req.Workload.Lengths, Load: shape, SLOs: req.SLOs,
		Volume: req.VolumeTasksPerDay, PassRate: req.PassRate, Site: req.Site.Name, Prices: req.Prices.Name}
	var skipped []string
	for i, hw := range req.Hardware {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if req.Progress != nil && len(req.Hardware) > 1 {
			fmt.Fprintf(req.Progress, "plan: %s (%d of %d)\n", hw.Name, i+1, len(req.Hardware))
		}
		hp, err := planOn(&req, hw, shape)
		if err != nil {
			return nil, err
		}
		if hp.Skipped != "" {
			skipped = append(skipped, hw.Name+": "+hp.Skipped)
		}
		res.Hardware = append(res.Hardware, *hp)
	}
	if len(skipped) == len(req.Hardware) {
		if len(skipped) == 1 {
			return nil, errors.New(strings.TrimPrefix(skipped[0], req.Hardware[0].Name+": "))
		}
		return nil, fmt.Errorf("no hardware profile can serve %s: %s", req.Model.Name, strings.Join(skipped, "; "))
	}
	res.finish(&req)
	return res, nil
}

// shape is the load the workload arrives with.
func (req *PlanRequest) shape() Load {
	if req.Load != nil {
		return *req.Load
	}
	a := req.Workload.Arrival
	l := Load{Mode: a.Process, Users: a.Users, RatePerS: a.RatePerS, GammaShape: a.GammaShape, ThinkNS: a.ThinkTimeNS, Seed: a.Seed}
	if l.Mode == "" {
		l.Mode = runrecord.ArrivalPoisson
	}
	return l
}

// maxContext is the longest request (prompt plus output) of the first tasks.
func maxContext(w *Workload, n int) int {
	m := 1
	for i := 0; i < n; i++ {
		t, ok := w.Task(i)
		if !ok {
			break
		}
		for _, s := range t.Steps {
			m = max(m, s.Prompt+s.Out)
		}
	}
	return m
}

func (res *PlanResult) finish(req *PlanRequest) {
	best := math.Inf(1)
	for _, h := range res.Hardware {
		if h.Skipped == "" && h.USDPerTask.Value < best {
			best, res.Cheapest = h.USDPerTask.Value, h.Hardware
		}
		if h.Cost != nil && res.Reference == "" {
			res.Reference = h.Cost.Scenario.ReferenceModel
		}
	}
	res.Notes = append(res.Notes,
		"every capacity, latency, node count, energy and cost figure is projected by the performance model (docs/projection.md), not measured; each carries its error band",
		"token lengths: "+req.Workload.Lengths,
		"nodes are sized for the average rate of the daily volume; peaks above it need headroom")
	if req.Calibration != nil {
		res.Notes = append(res.Notes, "efficiency factors calibrated on "+req.Calibration.Describe())
	}
}
