package tco

import (
	"fmt"

	"github.com/tcobench/tcobench/runrecord"
)

// successFigures are the run's successful tasks and pass rate over the same
// task count as every cost per task: by the workload's checks, else by the
// absence of errors (said so).
func successFigures(s *runrecord.Summary, tasks float64) (succ, rate runrecord.Figure, basis string) {
	n, src := float64(s.Tasks.Succeeded), "summary.tasks.succeeded (no check: a task succeeded when no step failed, not when its answer was checked right)"
	basis = runrecord.OutcomeNoError
	if o := s.Outcomes; o != nil && o.Basis == runrecord.OutcomeChecked {
		n, basis = float64(o.Passed), o.Basis
		src = fmt.Sprintf("summary.outcomes.passed (the workload's checks; pass rate 95 %% interval %.1f–%.1f %%)", 100*o.PassRateLow, 100*o.PassRateHigh)
	}
	succ = fig(n, runrecord.Measured, src)
	rate = fig(0, runrecord.Measured, "successful tasks / completed tasks")
	if tasks > 0 {
		rate.Value = n / tasks
	}
	return succ, rate, basis
}

// perSuccessful is a cost per task over the pass rate: the same cost
// divided among the tasks that succeeded. Nil when none did.
func perSuccessful(perTask runrecord.Figure, rf runrecord.RunFigures) *runrecord.Figure {
	if rf.SuccessfulTasks.Value <= 0 {
		return nil
	}
	return pfig(perTask.Value*rf.Tasks.Value/rf.SuccessfulTasks.Value, runrecord.Weakest(perTask.Provenance, rf.SuccessfulTasks.Provenance),
		"usd_per_task × tasks / successful tasks (the same "+fmt.Sprintf("%.0f", rf.Tasks.Value)+" tasks on both sides)")
}

// successCosts puts the cost per successful task beside every cost per
// task. Owned and rented nodes succeed as often as the run's server did; an
// API model as its own run, its recorded trace or a configured pass rate
// says, else it is assumed to succeed as often as the run's server.
func successCosts(c *runrecord.Cost, run *runrecord.Run, rates map[string]runrecord.Figure) {
	rf := c.Run
	unit := func(u *runrecord.UnitCosts) { u.USDPerSuccessfulTask = perSuccessful(u.USDPerTask, rf) }
	unit(&c.OnPrem.Fleet)
	unit(&c.OnPrem.Marginal)
	for i := range c.Rented {
		unit(&c.Rented[i].Fleet)
	}
	for i := range c.API {
		a := &c.API[i]
		a.USDPerSuccessfulTask = apiPerSuccessful(a, run, rf, rates)
	}
	for i := range c.Options {
		o := &c.Options[i]
		o.USDPerSuccessfulTask = perSuccessful(o.USDPerTask, rf)
		if o.Kind == "api" {
			a := apiFor(c.API, o.Key)
			o.USDPerTask, o.USDPerSuccessfulTask = a.USDPerTask, a.USDPerSuccessfulTask
		}
	}
}

func apiPerSuccessful(a *runrecord.APICost, run *runrecord.Run, rf runrecord.RunFigures, rates map[string]runrecord.Figure) *runrecord.Figure {
	switch r := run.Workload.Recorded; {
	case a.TokensBasis == "recorded":
		if r.Successes == 0 || r.WithSuccess != r.Tasks {
			return nil
		}
		return pfig(a.TotalUSD.Value/float64(r.Successes), a.TotalUSD.Provenance,
			fmt.Sprintf("total (recorded tokens) / the source's %d successful tasks of %d", r.Successes, r.Tasks))
	case a.TokensBasis == "measured":
		return perSuccessful(a.USDPerTask, rf)
	}
	if pr, ok := rates[a.Key]; ok && pr.Value > 0 {
		return pfig(a.USDPerTask.Value/pr.Value, runrecord.Assumed, fmt.Sprintf("usd_per_task / %s's stated pass rate %.3g (%s; no run against its API: assumed)", a.Key, pr.Value, pr.Source))
	}
	f := perSuccessful(a.USDPerTask, rf)
	if f != nil {
		f.Provenance = runrecord.Assumed
		f.Source += "; assumes " + a.Key + " succeeds as often as the run's server (its own pass rate is not measured: run the workload against its API)"
	}
	return f
}

// recordedModel finds the model the workload's source ran in the catalog:
// nil without one, or with an error saying why it is not priced.
func recordedModel(run *runrecord.Run, cat *Catalog) (*PriceModel, error) {
	r := run.Workload.Recorded
	if r == nil || r.Model == "" || r.InputTokens+r.OutputTokens == 0 {
		return nil, nil
	}
	return cat.Lookup(r.Model)
}

// recordedTokens are the tokens the source billed the recorded model for.
func recordedTokens(run *runrecord.Run) RequestTokens {
	r := run.Workload.Recorded
	return RequestTokens{Input: r.InputTokens, Output: r.OutputTokens}
}

// tokensBasis says which counts priced model m: the source's own bill for
// the model that produced the trace, this run's when its server is that
// model's API, else another tokenizer's (an approximation).
func tokensBasis(run *runrecord.Run, m *PriceModel, recorded *PriceModel) (basis, note string) {
	switch {
	case m == recorded:
		return "recorded", fmt.Sprintf("the token counts the source billed %s for (recorded usage), not the replaying server's", run.Workload.Recorded.Model)
	case run.Config.Extra.APIKeyEnv != "" && (run.Config.Model == m.Model || run.Config.Model == m.Key()):
		return "measured", "this run's own usage from " + m.Key() + "'s API"
	}
	server := run.Environment.Server.Kind
	if server == "" {
		server = "model server"
	}
	return "tokenizer_approximation", fmt.Sprintf("counted by the %s's tokenizer for %s, not %s's: a tokenizer approximation", server, orString(run.Config.Model, "the run's model"), m.Key())
}

// recordedCosts are the source's own cost per task and per successful task.
func recordedCosts(run *runrecord.Run) []runrecord.RecordedAPICost {
	out := recordedAPI(run)
	r := run.Workload.Recorded
	if r == nil || r.WithCost == 0 {
		return out
	}
	src := "recorded by the workload's source (" + run.Workload.Name + ")"
	rc := runrecord.RecordedAPICost{Model: orString(r.Model, "recorded"), Tasks: r.Tasks, Successes: r.Successes,
		USDPerTask: fig(r.CostUSD/float64(r.WithCost), runrecord.Measured, src+": its bill / its tasks")}
	if r.Successes > 0 && r.WithSuccess == r.Tasks && r.WithCost == r.Tasks {
		rc.USDPerSuccessfulTask = pfig(r.CostUSD/float64(r.Successes), runrecord.Measured, src+": its bill / its successful tasks")
	}
	for i := range out {
		if out[i].Model == "recorded" {
			out[i] = rc
			return out
		}
	}
	return append(out, rc)
}

// judgeCost prices the run's judge requests at the judge model's catalog
// price, apart from the tasks.
func judgeCost(run *runrecord.Run, cat *Catalog, tasks float64) *runrecord.JudgeCost {
	o := run.Summary.Outcomes
	if o == nil || o.Judge == nil {
		return nil
	}
	j := o.Judge
	jc := &runrecord.JudgeCost{Model: j.Model, Requests: j.Requests}
	m, err := cat.Lookup(j.Model)
	if err != nil {
		jc.Note = fmt.Sprintf("judge model %v; the judge's %d requests (%d input, %d output tokens) are not priced", err, j.Requests, j.InputTokens, j.OutputTokens)
		return jc
	}
	b := PriceTotals(m, RequestTokens{Input: j.InputTokens, Output: j.OutputTokens}, int64(j.Requests))
	prov := runrecord.Weakest(runrecord.Measured, runrecord.Configured)
	jc.Key = m.Key()
	jc.TotalUSD = pfig(b.TotalUSD(), prov, "judge tokens (summary.outcomes.judge) × "+m.Key()+" prices")
	if tasks > 0 {
		jc.USDPerTask = pfig(b.TotalUSD()/tasks, prov, "judge total / completed tasks")
	}
	jc.Note = "the judge checks the answers: its cost is the checking's, not part of any option's cost per task"
	return jc
}

// priceAPI prices model m: on the source's recorded tokens when m produced
// the trace, else on the run's tokens, saying which counts priced it.
func priceAPI(run *runrecord.Run, m, recorded *PriceModel, tokens RequestTokens, tokensSrc string, opt Options, rf runrecord.RunFigures, onprem runrecord.Figure) runrecord.APICost {
	basis, note := tokensBasis(run, m, recorded)
	if basis == "recorded" {
		r := run.Workload.Recorded
		rrf := rf
		rrf.Tasks = fig(float64(r.Tasks), runrecord.Measured, "workload.recorded.tasks")
		a := apiCost(m, recordedTokens(run), nil, note, "", rrf, onprem)
		a.TokensBasis = basis
		return a
	}
	a := apiCost(m, tokens, opt.Requests, tokensSrc+"; "+note, opt.CacheWriteSource, rf, onprem)
	a.TokensBasis = basis
	return a
}

// outcomeNotes say how success was judged and priced.
func outcomeNotes(c *runrecord.Cost) []string {
	r := c.Run
	var n []string
	if r.OutcomeBasis == runrecord.OutcomeNoError {
		n = append(n, fmt.Sprintf("success not checked: the workload has no checks, so %.0f of %.0f tasks count as successful because no step failed, not because their answers were checked right (docs/outcomes.md)", r.SuccessfulTasks.Value, r.Tasks.Value))
	} else {
		n = append(n, fmt.Sprintf("%.0f of %.0f tasks passed the workload's checks (pass rate %.1f %%); every cost per successful task divides the same cost among them", r.SuccessfulTasks.Value, r.Tasks.Value, 100*r.PassRate.Value))
	}
	if r.SuccessfulTasks.Value == 0 {
		n = append(n, "no task succeeded: there is no cost per successful task")
	}
	for _, a := range c.API {
		if a.TokensBasis == "tokenizer_approximation" {
			n = append(n, "API models other than the run's own are priced on token counts from the run's server: a tokenizer approximation (each API model's tokenizer counts the same text differently)")
			break
		}
	}
	if j := c.Judge; j != nil {
		n = append(n, j.Note)
	}
	return n
}
