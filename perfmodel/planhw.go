package perfmodel

import (
	"errors"
	"fmt"
	"math"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// tpRun is the capacity of one tensor-parallel size.
type tpRun struct {
	tp, replicas int
	rep          *Replica
	cap          *Capacity
	nodeTasksPS  float64
}

// planOn plans one hardware profile. Profile and fit problems come back
// as a skipped row; only a failed simulation is an error.
func planOn(req *PlanRequest, hw *tco.Hardware, shape Load) (*HardwarePlan, error) {
	hp := &HardwarePlan{Hardware: hw.Name, Description: hw.Description}
	dev, err := DeviceFromProfile(hw)
	if err != nil {
		hp.Skipped = err.Error()
		return hp, nil
	}
	f, b := factorsFor(dev, hw.Name, req.Calibration)
	hp.Factors = f
	maxCtx := maxContext(req.Workload, req.Tasks)
	e := DefaultEngine()
	if dev.Kind == KindCPU {
		e = CPUEngine(max(8192, maxCtx))
	}
	if req.Engine != nil {
		e = *req.Engine
	}
	hp.Engine = e.Name
	sizes, err := FittingSizes(req.Model, dev, hw.Name, e, maxCtx, req.TP)
	if err != nil {
		var nf *NoFitError
		if !errors.As(err, &nf) && req.TP == 0 {
			return nil, err
		}
		hp.Skipped = err.Error()
		return hp, nil
	}
	var best *tpRun
	s := Search{SLOs: req.SLOs, MinGoodput: req.MinGoodput, Tasks: req.Tasks}
	for _, tp := range sizes {
		run, err := capacityAt(req, dev, f, e, tp, shape, s)
		if err != nil {
			return nil, err
		}
		opt := TPOption{TP: tp, CapacityTasksPerS: run.nodeTasksPS, Reason: run.cap.Reason}
		hp.TPOptions = append(hp.TPOptions, opt)
		if run.cap.Reason == "" && (best == nil || run.nodeTasksPS > best.nodeTasksPS) {
			best = run
		}
	}
	if best == nil {
		hp.Skipped = fmt.Sprintf("no load meets the SLOs at any tensor-parallel size: %s", hp.TPOptions[len(hp.TPOptions)-1].Reason)
		return hp, nil
	}
	return hp, hp.fill(req, hw, best, shape, b, s)
}

// factorsFor chooses the efficiency factors and the band for a device:
// the calibration's on the hardware it was fitted on, its scale applied to
// the defaults on hardware of the same kind, else the defaults.
func factorsFor(dev Device, hw string, cal *Calibration) (Factors, float64) {
	def := DefaultFactors(dev)
	b := BandThroughput
	if dev.Kind == KindCPU {
		b = BandCPUDefault
	}
	switch {
	case cal == nil:
		return def, b
	case cal.Hardware == hw:
		return cal.Factors, math.Max(cal.ErrorBand, CalibratedBandMin)
	case cal.Kind == dev.Kind:
		return cal.transfer(def), b
	}
	return def, b
}

// capacityAt finds one node's capacity with tp devices per replica.
func capacityAt(req *PlanRequest, dev Device, f Factors, e Engine, tp int, shape Load, s Search) (*tpRun, error) {
	run := &tpRun{tp: tp, replicas: dev.PerNode / tp, rep: NewReplica(req.Model, dev, tp, f)}
	c, err := FindCapacity(run.rep, e, req.Workload, perReplica(shape, run.replicas), s)
	if err != nil {
		return nil, err
	}
	run.cap = c
	run.nodeTasksPS = c.Best.TasksPerS * float64(run.replicas)
	return run, nil
}

// perReplica splits a node's load evenly over its replicas.
func perReplica(l Load, n int) Load {
	if n <= 1 {
		return l
	}
	l.RatePerS /= float64(n)
	l.Users = max(1, (l.Users+n-1)/n)
	return l
}

// fill computes the plan's figures from the best tensor-parallel size.
func (hp *HardwarePlan) fill(req *PlanRequest, hw *tco.Hardware, best *tpRun, shape Load, b float64, s Search) error {
	n := float64(best.replicas)
	cp := best.cap.Best
	hp.TP, hp.Replicas, hp.KVBound = best.tp, best.replicas, cp.KVBound
	capSrc := fmt.Sprintf("highest simulated load meeting the SLOs on %d replica(s) of TP%d (%s), × %d replicas", best.replicas, best.tp, hp.Engine, best.replicas)
	if len(req.SLOs) == 0 {
		capSrc = fmt.Sprintf("saturation throughput (no SLOs) of %d replica(s) of TP%d", best.replicas, best.tp)
	}
	perS := cp.TasksPerS * n
	hp.CapacityTasksPerS = band(perS, b, "tasks/s per node", capSrc)
	hp.CapacityTasksPerDay = band(perS*86400, b, "tasks/day per node", "capacity_tasks_per_s × 86400")
	lb := math.Max(b, BandLatency)
	hp.TTFTP99MS = band(cp.TTFTP99, lb, "ms", "simulated TTFT p99 from the scheduled time at capacity")
	hp.TPOTP99MS = band(cp.TPOTP99, lb, "ms", "simulated TPOT p99 at capacity")
	hp.TaskLatencyP99MS = band(cp.TaskP99, lb, "ms", "simulated task latency p99 at capacity")
	for _, p := range best.cap.Curve {
		hp.Curve = append(hp.Curve, CurvePoint{TasksPerS: p.TasksPerS * n, OutputTokensPerS: p.OutputTokensPerS * n, TTFTP99MS: p.TTFTP99, TPOTP99MS: p.TPOTP99, TaskP99MS: p.TaskP99, Meets: p.Meets})
	}
	if shape.Mode != runrecord.ArrivalClosed || shape.Users > 0 {
		at, err := point(best.rep, mustEngine(req, hw, best), req.Workload, perReplica(shape, best.replicas), s)
		if err == nil && at.TasksPerS > 0 {
			at.TasksPerS *= n
			at.OutputTokensPerS *= n
			hp.AtLoad = &at
		}
	}
	return hp.price(req, hw, cp, n, b)
}

// mustEngine is the engine the plan used on hw.
func mustEngine(req *PlanRequest, hw *tco.Hardware, best *tpRun) Engine {
	if req.Engine != nil {
		return *req.Engine
	}
	if best.rep.Dev.Kind == KindCPU {
		return CPUEngine(max(8192, maxContext(req.Workload, req.Tasks)))
	}
	return DefaultEngine()
}

// price runs the cost model on the projected capacity, and at both ends of its band.
func (hp *HardwarePlan) price(req *PlanRequest, hw *tco.Hardware, cp Point, replicas, b float64) error {
	perS := hp.CapacityTasksPerS.Value
	cost := func(scale float64) (*runrecord.Cost, error) {
		run, opt := projectedRun(req, hw, cp, perS*scale, replicas)
		return tco.Compare(run, hw, req.Site, req.Prices, opt)
	}
	c, err := cost(1)
	if err != nil {
		return fmt.Errorf("price %s: %w", hw.Name, err)
	}
	lo, err := cost(1 + b)
	if err != nil {
		return err
	}
	hi, err := cost(1 - math.Min(b, 0.95))
	if err != nil {
		return err
	}
	hp.Cost = c
	usd := c.OnPrem.Fleet.USDPerTask
	hp.USDPerTask = Banded{Value: usd.Value, Low: lo.OnPrem.Fleet.USDPerTask.Value, High: hi.OnPrem.Fleet.USDPerTask.Value, Band: b,
		Unit: "USD/task", Provenance: usd.Provenance, Source: "tco fleet cost per task at the stated utilisation over the projected capacity"}
	nodes := c.Scenario.Nodes
	hp.Nodes = Banded{Value: nodes.Value, Low: lo.Scenario.Nodes.Value, High: hi.Scenario.Nodes.Value, Band: b, Unit: "nodes",
		Provenance: nodes.Provenance, Source: "ceil(volume / projected capacity per day)"}
	busy := hw.NodePowerBusyW.V()
	src := "node_power_busy_w (" + string(hw.NodePowerBusyW.Provenance()) + ") / projected capacity"
	hp.EnergyPerTaskJ = inverse(busy/perS, b, "J/task (node)", src)
	hp.EnergyPerTaskJ.Provenance = runrecord.Weakest(runrecord.Projected, hw.NodePowerBusyW.Provenance())
	pue := req.Site.PUE.V()
	hp.FacilityEnergyPerTaskJ = inverse(busy/perS*pue, b, "J/task (facility)", src+" × PUE")
	hp.FacilityEnergyPerTaskJ.Provenance = runrecord.Weakest(hp.EnergyPerTaskJ.Provenance, req.Site.PUE.Provenance())
	if p := req.PassRate; p != nil {
		s := hp.USDPerTask
		s.Value, s.Low, s.High = s.Value/p.Value, s.Low/p.Value, s.High/p.Value
		s.Unit, s.Source = "USD/successful task", "usd_per_task / pass rate ("+p.Source+")"
		s.Provenance = runrecord.Weakest(s.Provenance, p.Provenance)
		hp.USDPerSuccessfulTask = &s
	}
	return nil
}

// projectedRun builds the run record tco prices: the simulated capacity
// point's tokens and requests per task, at perS tasks per second per node.
func projectedRun(req *PlanRequest, hw *tco.Hardware, cp Point, perS, replicas float64) (*runrecord.Run, tco.Options) {
	sm := *cp.Summary
	tasks := float64(max(sm.Tasks.Completed, 1))
	scale := perS / math.Max(sm.Throughput.TasksPerS*replicas, 1e-12)
	sm.Throughput = runrecord.Throughput{TasksPerS: perS, RequestsPerS: sm.Throughput.RequestsPerS * replicas * scale,
		InputTokensPerS: sm.Throughput.InputTokensPerS * replicas * scale, OutputTokensPerS: sm.Throughput.OutputTokensPerS * replicas * scale}
	sm.WindowS = tasks / perS
	run := &runrecord.Run{Schema: runrecord.SchemaVersion, ID: "plan-" + hw.Name,
		Config:   runrecord.RunConfig{Model: req.Model.Name, Workload: req.Workload.Name, SLOs: req.SLOs},
		Workload: runrecord.WorkloadInfo{Name: req.Workload.Name, Tasks: int(tasks)}, Summary: &sm,
		Energy: &runrecord.Energy{Reason: "projected on hardware not measured: energy from the profile's power model"}}
	opt := req.CostOptions
	if opt.Utilization.Provenance == "" {
		def := tco.DefaultOptions()
		opt.Utilization, opt.APIPriceDeclinePerYear, opt.TokensPerTaskGrowthPerYear = def.Utilization, def.APIPriceDeclinePerYear, def.TokensPerTaskGrowthPerYear
	}
	opt.VolumeTasksPerDay = req.VolumeTasksPerDay
	pf := func(v float64, what string) runrecord.Figure {
		return runrecord.Figure{Value: v, Provenance: runrecord.Projected, Source: "perfmodel: " + what}
	}
	th := sm.Throughput
	opt.Projected = &tco.ProjectedThroughput{
		TasksPerS: pf(th.TasksPerS, "capacity per node at the SLOs"), RequestsPerS: pf(th.RequestsPerS, "requests per task × capacity"),
		TokensPerS: pf(th.InputTokensPerS+th.OutputTokensPerS, "tokens per task × capacity"), OutputTokensPerS: pf(th.OutputTokensPerS, "output tokens per task × capacity"),
		Note: fmt.Sprintf("the performance model's capacity of %s serving %s (docs/projection.md)", hw.Name, req.Model.Name),
	}
	opt.Requests = cp.Requests
	return run, opt
}
