package tco

import "github.com/tcobench/tcobench/runrecord"

// onPremFigures builds the on-prem side at the stated utilisation.
func onPremFigures(p params, f profileFigures, pw runrecord.PowerFigures, util runrecord.Figure, rf runrecord.RunFigures) runrecord.OnPrem {
	u := util.Value
	powerProv := provs(pw.BusyNodePowerW, pw.IdleNodePowerW)
	h := hourlyCost(p, f, p.hourlyAt(u), runrecord.Weakest(powerProv, util.Provenance))
	pw.AverageNodePowerW = fig(p.idleW+(p.busyW()-p.idleW)*u, runrecord.Weakest(powerProv, util.Provenance), "idle + (busy − idle) × utilization")
	total := h.TotalUSDPerHour
	fleetProv := provs(total, util, rf.TasksPerS)
	per := func(rate float64, scale float64, src string) runrecord.Figure {
		return fig(total.Value/(rate*3600*u)*scale, fleetProv, "total_usd_per_hour / ("+src+" × 3600 × utilization)")
	}
	fleet := runrecord.UnitCosts{
		USDPerTask:                per(p.tasksPerS, 1, "tasks_per_s"),
		USDPerRequest:             per(p.requestsPerS, 1, "requests_per_s"),
		USDPerMillionTokens:       per(p.tokensPerS, 1e6, "tokens_per_s"),
		USDPerMillionOutputTokens: per(p.outputTokensPerS, 1e6, "output_tokens_per_s"),
	}
	mt := p.marginalPerTask()
	mProv := provs(pw.MarginalEnergyPerTaskJ, pw.ElectricityUSDPerKWh)
	mSrc := "marginal facility energy per task × electricity price"
	if p.energyIncluded {
		mSrc = "0: electricity is included in the facility rate"
	}
	ratio := func(rate float64) float64 { return p.tasksPerS / rate }
	marginal := runrecord.UnitCosts{
		USDPerTask:                fig(mt, mProv, mSrc),
		USDPerRequest:             fig(mt*ratio(p.requestsPerS), mProv, mSrc+" × tasks/requests"),
		USDPerMillionTokens:       fig(mt*ratio(p.tokensPerS)*1e6, mProv, mSrc+" × tasks/tokens × 1e6"),
		USDPerMillionOutputTokens: fig(mt*ratio(p.outputTokensPerS)*1e6, mProv, mSrc+" × tasks/output tokens × 1e6"),
	}
	return runrecord.OnPrem{
		PerNodeHour:         h,
		Power:               pw,
		CapacityTasksPerDay: fig(p.capacityPerDay(), p.throughputProvenance(), "tasks_per_s × 86400"),
		Fleet:               fleet,
		Marginal:            marginal,
	}
}

// apiCost prices the run's tokens on one model.
func apiCost(m *PriceModel, tokens RequestTokens, reqs []RequestTokens, tokensSrc, cacheWriteSrc string, rf runrecord.RunFigures, onprem runrecord.Figure) runrecord.APICost {
	var b APIBill
	if len(reqs) > 0 {
		b = PriceRequests(m, reqs)
	} else {
		b = PriceTotals(m, tokens, int64(rf.Requests.Value))
	}
	cacheWrite := fig(b.CacheWriteUSD, runrecord.Assumed, "cache-write tokens (not recorded by the run: 0 tokens assumed)")
	if cacheWriteSrc != "" {
		cacheWrite = fig(b.CacheWriteUSD, runrecord.Weakest(runrecord.Measured, runrecord.Configured), "cache-write tokens ("+cacheWriteSrc+") × cache-write price")
	}
	f := func(v float64, what string) runrecord.Figure {
		return fig(v, runrecord.Weakest(runrecord.Measured, runrecord.Configured), what)
	}
	total := b.TotalUSD()
	tasks, requests := rf.Tasks.Value, rf.Requests.Value
	a := runrecord.APICost{
		Provider:            m.Provider,
		Model:               m.Model,
		Key:                 m.Key(),
		InputUSD:            f(b.InputUSD, "uncached input tokens × input price"),
		CachedInputUSD:      f(b.CachedInputUSD, "cached input tokens × cached-input price"),
		CacheWriteUSD:       cacheWrite,
		OutputUSD:           f(b.OutputUSD, "output tokens excluding reasoning × output price"),
		ReasoningUSD:        f(b.ReasoningUSD, "reasoning tokens × reasoning price"),
		TotalUSD:            f(total, "sum of the token kinds at their prices, plus any per-request fee"),
		USDPerTask:          f(total/tasks, "total / completed tasks"),
		USDPerRequest:       f(total/max(requests, 1), "total / measured requests"),
		USDPerMillionTokens: f(total/max(float64(tokens.Input+tokens.Output), 1)*1e6, "total / (input + output tokens) × 1e6"),
		BatchUSDPerTask:     f(total/tasks*(1-deref(m.BatchDiscountFraction)), "total / completed tasks × (1 − batch_discount_fraction)"),
		LongContextRequests: b.LongContextRequests,
		Checked:             m.Checked,
		Source:              m.Source,
		TokensSource:        tokensSrc,
		EffectiveFrom:       m.EffectiveFrom,
	}
	if m.RequestUSDPerKRequest != nil {
		a.RequestFeeUSD = pfig(b.RequestUSD, runrecord.Weakest(runrecord.Measured, runrecord.Configured), "measured requests × request_usd_per_krequest / 1000")
	}
	if a.USDPerTask.Value > 0 {
		a.OnPremFleetRatio = pfig(onprem.Value/a.USDPerTask.Value, runrecord.Weakest(onprem.Provenance, runrecord.Configured), "on-prem fleet usd_per_task / API usd_per_task")
	}
	return a
}

func apiFor(api []runrecord.APICost, key string) runrecord.APICost {
	for _, a := range api {
		if a.Key == key {
			return a
		}
	}
	return runrecord.APICost{}
}

// scenario records the stated (or assumed) deployment figures.
func scenario(p params, opt Options, ref string) runrecord.Scenario {
	vol := opt.VolumeTasksPerDay
	if vol.Value == 0 {
		vol = fig(p.capacityPerDay()*p.utilization, runrecord.Weakest(p.throughputProvenance(), opt.Utilization.Provenance), "one node's capacity (tasks_per_s × 86400) × utilization (no --volume given)")
	}
	return runrecord.Scenario{
		Utilization:                opt.Utilization,
		VolumeTasksPerDay:          vol,
		ReferenceModel:             ref,
		APIPriceDeclinePerYear:     opt.APIPriceDeclinePerYear,
		TokensPerTaskGrowthPerYear: opt.TokensPerTaskGrowthPerYear,
		Nodes:                      fig(float64(p.nodesFor(vol.Value)), runrecord.Weakest(p.throughputProvenance(), vol.Provenance), "ceil(volume / one node's capacity at 100 % utilization)"),
	}
}
