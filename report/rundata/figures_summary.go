package rundata

import (
	"fmt"
	"math"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Figure names taken from run.json's summary and cost.
const (
	FigTasks            = "tasks"
	FigTasksS           = "tasks_s"
	FigTokensPerTask    = "tokens_per_task"
	FigGoodputTasksS    = "goodput_tasks_s"
	FigGoodputFraction  = "goodput_fraction"
	FigTaskLatencyP50   = "task_latency_p50"
	FigTaskLatencyP99   = "task_latency_p99"
	FigMarginalPerTask  = "marginal_cost_per_task_usd"
	FigProjectionSaving = "projection_saving_usd"
	FigRecordedAPI      = "recorded_api_cost_per_task_usd"
)

// summaryFigures are the figures the CLI prints from the run's summary that
// the attempts alone do not give: tasks (counted as tasks, not attempts),
// task rate and latency, tokens per task and goodput.
func (d *Data) summaryFigures() []runrecord.Figure {
	s := d.Run.Summary
	if s == nil {
		return nil
	}
	m := func(name, label string, v float64, unit, src string) runrecord.Figure {
		return runrecord.Figure{Name: name, Label: label, Value: v, Unit: unit, Provenance: runrecord.Measured, Source: src}
	}
	t := s.Tasks
	out := []runrecord.Figure{m(FigTasks, "Tasks", float64(t.Started), "tasks",
		fmt.Sprintf("%d started, %d completed, %d succeeded, %d failed (measurement phase)", t.Started, t.Completed, t.Succeeded, t.Failed))}
	win := fmt.Sprintf("over the %.1f s measurement window", s.WindowS)
	if s.WindowS > 0 {
		out = append(out, m(FigTasksS, "Task throughput", s.Throughput.TasksPerS, "tasks/s", win))
	}
	// Over completed tasks, as the cost model divides (tco.FromRun).
	if tok := s.TokenTotals.Input + s.TokenTotals.Output; t.Completed > 0 && tok > 0 {
		out = append(out, m(FigTokensPerTask, "Tokens per task", float64(tok)/float64(t.Completed), "tokens/task",
			fmt.Sprintf("%d input + %d output tokens over %d completed tasks", s.TokenTotals.Input, s.TokenTotals.Output, t.Completed)))
	}
	for _, q := range []struct {
		name, label string
		v           func(runrecord.Dist) float64
	}{{FigTaskLatencyP50, "Task latency p50", func(d runrecord.Dist) float64 { return d.P50 }},
		{FigTaskLatencyP99, "Task latency p99", func(d runrecord.Dist) float64 { return d.P99 }}} {
		if dist, ok := s.LatencyMS[runrecord.MetricTaskLatency]; ok && dist.Count > 0 {
			out = append(out, m(q.name, q.label, q.v(dist), "ms", fmt.Sprintf("%d tasks, first send to last answer", dist.Count)))
		}
	}
	if g := s.Goodput; g != nil {
		slos := make([]string, len(g.SLOs))
		for i, x := range g.SLOs {
			slos[i] = x.String()
		}
		src := fmt.Sprintf("meeting every SLO (%s)", strings.Join(slos, ", "))
		out = append(out, m(FigGoodputTasksS, "Goodput", g.TasksPerS, "tasks/s", "tasks whose every request met every SLO, "+win),
			m(FigGoodputFraction, "Requests meeting the SLOs", g.Fraction, "fraction", src))
	}
	return out
}

// costDetailFigures are the cost figures the CLI prints beyond cost per
// task: the marginal view, the projection's cumulative saving and the API
// cost the workload's source recorded.
func (d *Data) costDetailFigures() []runrecord.Figure {
	if d.Cost == nil || d.Cost.C == nil {
		return nil
	}
	c := d.Cost.C
	var out []runrecord.Figure
	if f := c.OnPrem.Marginal.USDPerTask; f.Provenance != "" {
		out = append(out, runrecord.Figure{Name: FigMarginalPerTask, Label: "On-prem marginal cost per task", Value: f.Value, Unit: "USD/task",
			Provenance: f.Provenance, Source: "energy above idle only (the node is paid for anyway)"})
	}
	if pj := c.Projection; len(pj.Years) > 0 {
		f := pj.CumulativeSavingUSD
		label := "Saving of on-prem over " + pj.ReferenceModel
		if f.Value < 0 {
			label = "Extra cost of on-prem over " + pj.ReferenceModel
		}
		out = append(out, runrecord.Figure{Name: FigProjectionSaving, Label: label, Value: math.Abs(f.Value), Unit: "USD",
			Provenance: f.Provenance, Source: fmt.Sprintf("cumulative over %d years at the stated volume, API prices falling and tokens per task growing", len(pj.Years))})
	}
	for _, r := range c.RecordedAPI {
		out = append(out, runrecord.Figure{Name: FigRecordedAPI, Label: "API cost per task recorded by the source (" + r.Model + ")", Value: r.USDPerTask.Value,
			Unit: "USD/task", Provenance: r.USDPerTask.Provenance, Source: r.USDPerTask.Source})
	}
	return out
}
