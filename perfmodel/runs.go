package perfmodel

import (
	"context"
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// engineOf is the engine a run's server looks like: Ollama's slots (one per
// closed-loop user, at least one), else a vLLM-like server.
func engineOf(run *runrecord.Run) Engine {
	if strings.EqualFold(run.Environment.Server.Kind, "ollama") {
		return OllamaEngine(max(run.Config.Load.Concurrency, 1), 8192)
	}
	return DefaultEngine()
}

// runModel is the architecture of a run's model: ref when given, else its
// model name looked up in the catalog.
func runModel(run *runrecord.Run, ref string) (*modelarch.Arch, error) {
	if ref == "" {
		ref = run.Config.Model
	}
	a, err := modelarch.Load(ref)
	if err != nil {
		return nil, fmt.Errorf("the run's model: %w", err)
	}
	return a, nil
}

// CalibrateDir fits the efficiency factors to the run in dir, measured on
// the hardware profile hwRef, serving the model modelRef ("": the run's).
func CalibrateDir(ctx context.Context, dir, hwRef, modelRef string) (*Calibration, error) {
	if hwRef == "" {
		return nil, fmt.Errorf("calibration: name the hardware profile the run %s was measured on", dir)
	}
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		return nil, err
	}
	atts, err := runrecord.LoadAttempts(dir)
	if err != nil {
		return nil, err
	}
	hw, err := tco.LoadHardware(hwRef)
	if err != nil {
		return nil, err
	}
	dev, err := DeviceFromProfile(hw)
	if err != nil {
		return nil, err
	}
	a, err := runModel(run, modelRef)
	if err != nil {
		return nil, err
	}
	return Calibrate(ctx, CalibrateRequest{Run: run, Attempts: atts, Model: a, Hardware: hw.Name, Device: dev, Engine: engineOf(run)})
}

// MeasuredOn reports whether the run was measured on hardware like the
// profile: the same number of accelerators of the same model (from the
// run's GPU inventory), or, for a CPU-only profile, a run without GPUs
// whose cores match the profile's cpu_cores when it states them. why says
// what differs.
func MeasuredOn(run *runrecord.Run, hw *tco.Hardware) (same bool, why string) {
	var gpus []string
	if run.Energy != nil {
		for _, g := range run.Energy.GPUs {
			gpus = append(gpus, g.Name)
		}
	}
	n := int(hw.AcceleratorsPerNode.V())
	host := run.Environment.Host
	if n == 0 {
		if len(gpus) > 0 {
			return false, fmt.Sprintf("the run used %d GPU(s) (%s); %s has none", len(gpus), gpus[0], hw.Name)
		}
		if s := hw.PerfSourced("cpu_cores"); s != nil && s.Value != nil && host.CPUCores > 0 && int(*s.Value) != host.CPUCores {
			return false, fmt.Sprintf("the run's host has %d CPU cores (%s); %s has %g", host.CPUCores, host.CPUModel, hw.Name, *s.Value)
		}
		return true, ""
	}
	if len(gpus) == 0 {
		return false, fmt.Sprintf("the run recorded no GPU (host %s, %d cores); %s has %d × %s", host.CPUModel, host.CPUCores, hw.Name, n, hw.AcceleratorModel)
	}
	if len(gpus) != n || !sameGPU(gpus[0], hw.AcceleratorModel) {
		return false, fmt.Sprintf("the run used %d × %s; %s has %d × %s", len(gpus), gpus[0], hw.Name, n, hw.AcceleratorModel)
	}
	return true, ""
}

// sameGPU compares a driver's GPU name ("NVIDIA H100 80GB HBM3") with a
// profile's model ("NVIDIA H100 SXM5 80GB") by their model numbers.
func sameGPU(driver, profile string) bool {
	key := func(s string) string {
		for _, f := range strings.Fields(strings.ToUpper(s)) {
			if strings.ContainsAny(f, "0123456789") && !strings.HasSuffix(f, "GB") {
				return f
			}
		}
		return strings.ToUpper(s)
	}
	return key(driver) == key(profile)
}

// ProjectRun projects the throughput of the run's workload on the profile
// hw: the run's own requests (measured token counts, task order) replayed
// in the performance model on hw, at the highest load meeting the run's
// SLOs, or at saturation when it had none. The cost path uses it when
// MeasuredOn says the run was measured elsewhere, instead of copying the
// measured throughput to other hardware. modelRef names the model's
// architecture ("": the run's model name).
func ProjectRun(ctx context.Context, run *runrecord.Run, atts []runrecord.Attempt, hw *tco.Hardware, modelRef string) (*tco.ProjectedThroughput, error) {
	a, err := runModel(run, modelRef)
	if err != nil {
		return nil, err
	}
	var measured []runrecord.Attempt
	for _, at := range atts {
		if at.Phase == runrecord.PhaseMeasure {
			measured = append(measured, at)
		}
	}
	w := FromAttempts(run.Workload.Name, measured)
	if w.Len == 0 {
		return nil, fmt.Errorf("run %s has no measured request with output to project", run.ID)
	}
	w = w.Cycled()
	req := PlanRequest{Workload: w, Model: a, SLOs: run.Config.SLOs, Tasks: min(max(w.Len, 100), 400)}
	shape := replayLoad(run)
	if shape.Mode != "closed" {
		shape = Load{Mode: "poisson", Seed: run.Config.Seed}
	}
	dev, err := DeviceFromProfile(hw)
	if err != nil {
		return nil, err
	}
	f, b := factorsFor(dev, hw.Name, nil)
	e := DefaultEngine()
	if dev.Kind == KindCPU {
		e = CPUEngine(max(8192, maxContext(w, req.Tasks)))
	}
	sizes, err := FittingSizes(a, dev, hw.Name, e, maxContext(w, req.Tasks), 0)
	if err != nil {
		return nil, err
	}
	var best *tpRun
	for _, tp := range sizes {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := capacityAt(&req, dev, f, e, tp, shape, Search{SLOs: req.SLOs, Tasks: req.Tasks})
		if err != nil {
			return nil, err
		}
		if r.cap.Reason == "" && (best == nil || r.nodeTasksPS > best.nodeTasksPS) {
			best = r
		}
	}
	if best == nil {
		return nil, fmt.Errorf("projecting run %s on %s: no load meets the run's SLOs at any tensor-parallel size", run.ID, hw.Name)
	}
	p, n := best.cap.Best, float64(best.replicas)
	src := fmt.Sprintf("perfmodel: the run's requests replayed on %s (TP%d × %d, ±%.0f %%)", hw.Name, best.tp, best.replicas, 100*b)
	pf := func(v float64) runrecord.Figure {
		return runrecord.Figure{Value: v * n, Provenance: runrecord.Projected, Source: src}
	}
	th := p.Summary.Throughput
	_, why := MeasuredOn(run, hw)
	return &tco.ProjectedThroughput{
		TasksPerS: pf(th.TasksPerS), RequestsPerS: pf(th.RequestsPerS), TokensPerS: pf(th.InputTokensPerS + th.OutputTokensPerS), OutputTokensPerS: pf(th.OutputTokensPerS),
		Note: fmt.Sprintf("the run was measured elsewhere (%s), so its throughput is projected for %s by the performance model (±%.0f %%, docs/projection.md), not copied", why, hw.Name, 100*b),
	}, nil
}

// PassRateFromRun is a run's measured pass rate: the share of its
// completed tasks that passed the workload's checks (summary.outcomes), or,
// for a workload without checks, that had no failed request, an upper
// bound on what a check of the answers would pass, labelled so.
func PassRateFromRun(run *runrecord.Run) (runrecord.Figure, error) {
	s := run.Summary
	if s == nil {
		return runrecord.Figure{}, fmt.Errorf("run %s has no summary: no pass rate", run.ID)
	}
	o := s.Outcomes
	if o == nil {
		o = &runrecord.Outcomes{Basis: runrecord.OutcomeNoError, Tasks: s.Tasks.Completed, Passed: s.Tasks.Succeeded}
	}
	if o.Tasks == 0 {
		return runrecord.Figure{}, fmt.Errorf("run %s completed no task: no pass rate", run.ID)
	}
	src := fmt.Sprintf("run %s: %d of %d completed tasks passed the workload's checks", run.ID, o.Passed, o.Tasks)
	if o.Basis != runrecord.OutcomeChecked {
		src = fmt.Sprintf("run %s: %d of %d completed tasks had every request OK (the workload has no checks: answers not checked, an upper bound)", run.ID, o.Passed, o.Tasks)
	}
	return runrecord.Figure{Value: float64(o.Passed) / float64(o.Tasks), Provenance: runrecord.Measured, Source: src}, nil
}

// ProjectIfElsewhere prepares req to price run (in dir) on req.Hardware:
// when MeasuredOn says the run was measured on other hardware, it projects
// the run's throughput for req.Hardware (ProjectRun) into
// req.Options.Projected, so that tco prices the projection, not the copied
// measurement, and says so. It reports whether it projected. modelRef names
// the model's architecture ("": the run's model name); a run whose model
// cannot be resolved is an error, never a silent copy.
func ProjectIfElsewhere(ctx context.Context, req *tco.Request, dir string, run *runrecord.Run, modelRef string) (bool, error) {
	same, why := MeasuredOn(run, req.Hardware)
	if same {
		return false, nil
	}
	atts, err := runrecord.LoadAttempts(dir)
	if err != nil {
		return false, err
	}
	pt, err := ProjectRun(ctx, run, atts, req.Hardware, modelRef)
	if err != nil {
		return false, fmt.Errorf("the run was measured on other hardware than %s (%s) and cannot be projected there: %w", req.Hardware.Name, why, err)
	}
	req.Options.Projected = pt
	return true, nil
}
