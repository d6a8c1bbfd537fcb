package tco

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// runFigures takes the measured inputs from the run record.
func runFigures(run *runrecord.Run) runrecord.RunFigures {
	s := run.Summary
	tt := s.TokenTotals
	tokSrc := "summary.tokens"
	if tt.Estimated > 0 {
		tokSrc = fmt.Sprintf("summary.tokens (%d of %d attempts' counts estimated from text, not from the server's usage)", tt.Estimated, tt.Estimated+tt.FromUsage)
	}
	m := func(v float64, src string) runrecord.Figure { return fig(v, runrecord.Measured, src) }
	tasks := float64(s.Tasks.Completed)
	tasksPerS, tpsSrc := s.Throughput.TasksPerS, "summary.throughput.tasks_per_s (completed tasks, failed ones too)"
	if s.Outcomes == nil && s.Tasks.Succeeded > 0 {
		// A record from before outcomes counted succeeded tasks per second:
		// scaled to completed ones, so both sides share one task count.
		tasksPerS *= tasks / float64(s.Tasks.Succeeded)
		tpsSrc = "summary.throughput.tasks_per_s × completed / succeeded tasks (an older record counting succeeded tasks)"
	}
	succ, rate, basis := successFigures(s, tasks)
	return runrecord.RunFigures{
		SuccessfulTasks: succ, PassRate: rate, OutcomeBasis: basis,
		ID:               run.ID,
		Model:            run.Config.Model,
		Workload:         run.Workload.Name,
		WindowS:          m(s.WindowS, "summary.window_s"),
		Tasks:            m(tasks, "summary.tasks.completed"),
		Requests:         m(float64(s.Requests.Measured), "summary.requests.measured"),
		InputTokens:      m(float64(tt.Input), tokSrc+".input"),
		CachedInput:      m(float64(tt.CachedInput), tokSrc+".cached_input"),
		OutputTokens:     m(float64(tt.Output), tokSrc+".output (reasoning included)"),
		ReasoningTokens:  m(float64(tt.Reasoning), tokSrc+".reasoning"),
		TasksPerS:        m(tasksPerS, tpsSrc),
		RequestsPerS:     m(s.Throughput.RequestsPerS, "summary.throughput.requests_per_s"),
		TokensPerS:       m(s.Throughput.InputTokensPerS+s.Throughput.OutputTokensPerS, "summary.throughput input + output tokens_per_s"),
		OutputTokensPerS: m(s.Throughput.OutputTokensPerS, "summary.throughput.output_tokens_per_s"),
		TokensPerTask:    m(float64(tt.Input+tt.Output)/tasks, "(input + output tokens) / completed tasks"),
	}
}

func runNotes(run *runrecord.Run, cacheWriteSrc string) []string {
	var n []string
	if run.Partial {
		n = append(n, "the run is partial ("+run.PartialReason+"): its throughput may not be representative")
	}
	if run.Summary.TokenTotals.Estimated > 0 {
		n = append(n, "some token counts were estimated (the server gave no usage): API costs inherit that uncertainty")
	}
	if cacheWriteSrc == "" {
		n = append(n, "API cache writes: the run records no cache-write token counts, so they are priced at 0 tokens (assumed)")
	} else {
		n = append(n, "API cache writes are priced from the recorded counts ("+cacheWriteSrc+"), at each model's cache-write price (its input price where it lists none)")
	}
	return n
}

// runTokens are the measured tokens to price: per request when given, else the totals.
func runTokens(run *runrecord.Run, reqs []RequestTokens) (RequestTokens, string) {
	if len(reqs) > 0 {
		var t RequestTokens
		for _, r := range reqs {
			t = t.add(r)
		}
		return t, fmt.Sprintf("%d measured requests (requests.jsonl), long-context tiers applied per request", len(reqs))
	}
	tt := run.Summary.TokenTotals
	return RequestTokens{Input: tt.Input, CachedInput: tt.CachedInput, Output: tt.Output, Reasoning: tt.Reasoning},
		"summary token totals (per-request counts not given: long-context tiers not applied)"
}

// powerModel chooses the node power: from the run's energy counter when it
// measured one reliably (GPU energy × the profile's node/GPU ratio), else
// the profile's. An unreliable measurement never prices the run.
func powerModel(run *runrecord.Run, hw *Hardware, site *Site, rf runrecord.RunFigures) (runrecord.PowerFigures, params, []string) {
	p := profileParams(hw, site)
	p.tasksPerS, p.requestsPerS = rf.TasksPerS.Value, rf.RequestsPerS.Value
	p.tokensPerS, p.outputTokensPerS = rf.TokensPerS.Value, rf.OutputTokensPerS.Value
	k := hw.NodeToGPUPowerRatio.fig("node_to_gpu_power_ratio")
	pw := runrecord.PowerFigures{
		NodeFactor:           k,
		PUE:                  site.PUE.fig("pue"),
		ElectricityUSDPerKWh: site.ElectricityUSDPerKWh.fig("electricity_usd_per_kwh"),
	}
	var notes []string
	e := run.Energy
	if usableEnergy(e) {
		pw.Basis = "measured"
		pw.BusyNodePowerW = fig(e.AvgGPUPowerW*k.Value, runrecord.Weakest(runrecord.Measured, k.Provenance), "energy.avg_gpu_power_w (measured) × node_to_gpu_power_ratio")
		if e.Idle != nil {
			pw.IdleNodePowerW = fig(e.Idle.GPUPowerW*k.Value, runrecord.Weakest(e.Idle.Provenance, k.Provenance), "energy.idle.gpu_power_w ("+string(e.Idle.Provenance)+") × node_to_gpu_power_ratio")
		} else {
			pw.IdleNodePowerW = hw.NodePowerIdleW.fig("node_power_idle_w")
			notes = append(notes, "the run measured no idle baseline: idle power comes from the hardware profile")
		}
	} else {
		pw.Basis = "profile"
		pw.BusyNodePowerW = hw.NodePowerBusyW.fig("node_power_busy_w")
		pw.IdleNodePowerW = hw.NodePowerIdleW.fig("node_power_idle_w")
		notes = append(notes, unusedEnergyNote(e))
	}
	busy := max(pw.BusyNodePowerW.Value, pw.IdleNodePowerW.Value)
	p.idleW = pw.IdleNodePowerW.Value
	p.marginalJPerTask = (busy - p.idleW) / p.tasksPerS
	pw.MarginalEnergyPerTaskJ = fig(p.marginalJPerTask*site.PUE.V(), provs(pw.BusyNodePowerW, pw.IdleNodePowerW, pw.PUE),
		"(busy − idle node power) / tasks_per_s × PUE")
	return pw, p, notes
}

// usableEnergy says whether the run's energy can price it: measured,
// reliable, and not zero.
func usableEnergy(e *runrecord.Energy) bool {
	return e != nil && e.Measured && e.Reliable && e.GPUEnergyJ > 0 && e.WindowS > 0
}

// unusedEnergyNote says why the run's energy does not price it.
func unusedEnergyNote(e *runrecord.Energy) string {
	const model = "energy comes from the hardware profile's power model"
	switch {
	case e == nil:
		return "energy was not measured (no energy record): " + model
	case e.Measured && !e.Reliable:
		why := "see energy.warnings"
		for _, w := range e.Warnings {
			if strings.Contains(w, "unreliable") {
				why = w
				break
			}
		}
		return "the run's energy measurement is unreliable (" + why + "): " + model + "; the measured figures stay in run.json"
	case e.Reason != "":
		return "energy was not measured (" + e.Reason + "): " + model
	}
	return "energy was not measured (no GPU energy in the window): " + model
}

// recordedAPI lists the workload's recorded API cost per task, by model name.
func recordedAPI(run *runrecord.Run) []runrecord.RecordedAPICost {
	var out []runrecord.RecordedAPICost
	for model, usd := range run.Workload.RecordedAPICostUSD {
		out = append(out, runrecord.RecordedAPICost{Model: model, USDPerTask: fig(usd, runrecord.Measured, "measured and recorded by the workload's source ("+run.Workload.Name+")")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Model < out[j].Model })
	return out
}
