package fleet

import (
	"fmt"

	"github.com/tcobench/tcobench/perfmodel"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Price prices a merged fleet run as Fleet.Nodes nodes of req's hardware
// profile: one node delivers 1/Nodes of the fleet's measured throughput on
// 1/Nodes of its energy, the fleet costs Nodes times that node, and its
// cost per task is the same as the node's. The volume, when req states
// none, is the fleet's capacity at the stated utilization. It sets
// run.Cost (per node, with a note) and run.Fleet.Cost; dir holds the
// merged requests.jsonl (for per-request API prices).
func Price(req *tco.Request, dir string, run *runrecord.Run) (*runrecord.Cost, error) {
	if run.Fleet == nil || run.Summary == nil {
		return nil, fmt.Errorf("price fleet: %s is not a merged fleet run", dir)
	}
	n := max(run.Fleet.Nodes, 1)
	view := perNode(run, float64(n))
	r := *req
	if r.Options.VolumeTasksPerDay.Value == 0 {
		u := r.Options.Utilization
		r.Options.VolumeTasksPerDay = runrecord.Figure{Value: run.Summary.Throughput.TasksPerS * 86400 * u.Value,
			Provenance: runrecord.Weakest(runrecord.Measured, u.Provenance),
			Source:     fmt.Sprintf("the fleet's capacity: %d nodes' measured tasks/s × 86400 s × utilization", n)}
	}
	c, err := r.Price(dir, view)
	if err != nil {
		return nil, err
	}
	if same, why := perfmodel.MeasuredOn(view, r.Hardware); !same {
		c.Notes = append(c.Notes, "throughput as measured on the fleet's nodes, not projected (a fleet is never projected): "+why)
		c.MeasuredElsewhere = why
		c.Headline = tco.Headline(c)
	}
	hour := c.OnPrem.PerNodeHour.TotalUSDPerHour
	fc := &runrecord.FleetCost{Hardware: c.Hardware.Name, Nodes: n, NodeUSDPerHour: hour,
		USDPerHour: runrecord.Figure{Value: float64(n) * hour.Value, Unit: "USD/h", Provenance: hour.Provenance,
			Source: fmt.Sprintf("%d nodes × one node's all-in USD/hour", n)},
		USDPerTask: c.OnPrem.Fleet.USDPerTask}
	c.Notes = append(c.Notes, fmt.Sprintf("fleet %s: %d nodes of %s; the on-prem figures are per node (the fleet's measured throughput and energy / %d); the fleet costs %d × %s = %s an hour, %s per task",
		run.Fleet.ID, n, c.Hardware.Name, n, n, tco.FormatUSD(hour.Value), tco.FormatUSD(fc.USDPerHour.Value), tco.FormatUSD(fc.USDPerTask.Value)))
	run.Cost, run.Fleet.Cost = c, fc
	return c, nil
}

// perNode is the run as one of n nodes saw it: throughput and energy / n.
func perNode(run *runrecord.Run, n float64) *runrecord.Run {
	v := *run
	s := *run.Summary
	t := &s.Throughput
	t.RequestsPerS, t.TasksPerS, t.InputTokensPerS, t.OutputTokensPerS = t.RequestsPerS/n, t.TasksPerS/n, t.InputTokensPerS/n, t.OutputTokensPerS/n
	v.Summary = &s
	if e := run.Energy; e != nil && e.Measured {
		ee := *e
		ee.GPUEnergyJ, ee.AvgGPUPowerW = e.GPUEnergyJ/n, e.AvgGPUPowerW/n
		if e.Idle != nil {
			idle := *e.Idle
			idle.GPUPowerW /= n
			ee.Idle = &idle
		}
		v.Energy = &ee
	}
	return &v
}
