package tco

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"math"
	"sort"
)

// Why owning never beats an API model: each reason starts with one of
// these, its figures after it, so that tables can group the models it
// applies to (reasonKind).
const (
	neverEnergy  = "the API costs no more per task than on-prem energy alone"
	neverFull    = "one node at 100% utilization still costs more per task than the API"
	neverPayback = "at the stated volume the API bill does not exceed on-prem operating cost"
)

// breakEven compares one node with API model a: the volume where their daily
// costs cross, and payback at the stated volume. prov is the provenance of
// the on-prem side.
func breakEven(p params, a runrecord.APICost, vol runrecord.Figure, prov runrecord.Provenance) runrecord.BreakEven {
	api, v := a.USDPerTask.Value, p.marginalPerTask()
	out := runrecord.BreakEven{Key: a.Key}
	pr := runrecord.Weakest(prov, runrecord.Configured, vol.Provenance)
	fixedPerDay, capacity := p.fixedPerHour()*24, p.capacityPerDay()
	switch vStar := fixedPerDay / (api - v); {
	case api <= v:
		out.Reason = fmt.Sprintf("%s (%s against %s)", neverEnergy, usd(api), usd(v))
	case vStar > capacity:
		out.Reason = fmt.Sprintf("%s (%s against %s)", neverFull, usd(p.fleetPerTask(1)), usd(api))
	default:
		out.Reachable = true
		out.TasksPerDay = pfig(vStar, pr, "fixed on-prem cost per day / (API usd_per_task − on-prem marginal usd_per_task), one node")
	}
	V := vol.Value
	n := float64(p.nodesFor(V))
	apiMonth := api * V * DaysPerMonth
	variableMonth := v * V * DaysPerMonth
	opexMonth := n*(p.fixedPerHour()-p.capexPerHour())*HoursPerMonth + variableMonth
	allInMonth := n*p.fixedPerHour()*HoursPerMonth + variableMonth
	out.SavingUSDPerMonth = fig(apiMonth-allInMonth, pr, "API bill − on-prem all-in cost per month at the stated volume")
	if apiMonth > opexMonth {
		months := n * p.capexUSD() / (apiMonth - opexMonth)
		out.PaybackMonths = pfig(months, pr, "nodes × capex / (API bill − on-prem operating cost per month)")
		if life := p.amortYears * 12; months > life {
			out.PaybackReason = fmt.Sprintf("pays back after %.0f months, beyond the %.0f-month amortisation period", months, life)
		}
	} else {
		out.PaybackReason = fmt.Sprintf("%s (%s against %s per month at %s tasks/day)", neverPayback, usd(apiMonth), usd(opexMonth), count(V))
	}
	return out
}

// curveUtilizations are the points of the utilisation curve.
var curveUtilizations = []float64{0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}

func utilizationCurve(p params) []runrecord.CurvePoint {
	out := make([]runrecord.CurvePoint, 0, len(curveUtilizations))
	for _, u := range curveUtilizations {
		h := p.hourlyAt(u).total()
		out = append(out, runrecord.CurvePoint{
			UtilizationFraction: u,
			USDPerTask:          p.fleetPerTask(u),
			USDPerMillionTokens: h / (p.tokensPerS * 3600 * u) * 1e6,
			TotalUSDPerHour:     h,
		})
	}
	return out
}

// SwingFraction is how far the tornado moves each input.
const SwingFraction = 0.2

// tornadoInput is one input the tornado moves.
type tornadoInput struct {
	name, unit string
	prov       runrecord.Provenance
	get        func(params) float64
	set        func(*params, float64)
	maxValue   float64 // 0: no cap
}

func tornadoInputs(p params, hw *Hardware, site *Site, pw runrecord.PowerFigures, utilProv runrecord.Provenance) []tornadoInput {
	rate, rateField := site.facilityRate()
	in := []tornadoInput{
		{"server_capex_usd_per_node", "USD", hw.ServerCapexUSDPerNode.Provenance(), func(p params) float64 { return p.serverCapexUSD }, func(p *params, v float64) { p.serverCapexUSD = v }, 0},
		{"infrastructure_fraction_of_capex", "fraction", hw.InfrastructureFractionOfCapex.Provenance(), func(p params) float64 { return p.infraFrac }, func(p *params, v float64) { p.infraFrac = v }, 0},
		{"amortisation_years", "years", hw.AmortisationYears.Provenance(), func(p params) float64 { return p.amortYears }, func(p *params, v float64) { p.amortYears = v }, 0},
		{"residual_value_fraction", "fraction", hw.ResidualValueFraction.Provenance(), func(p params) float64 { return p.residualFrac }, func(p *params, v float64) { p.residualFrac = v }, 0},
		{"maintenance_fraction_of_capex_per_year", "fraction/year", hw.MaintenanceFractionOfCapexPerYear.Provenance(), func(p params) float64 { return p.maintFrac }, func(p *params, v float64) { p.maintFrac = v }, 0},
		{"staff_fte_per_node", "FTE", site.StaffFTEPerNode.Provenance(), func(p params) float64 { return p.staffFTE }, func(p *params, v float64) { p.staffFTE = v }, 0},
		{"staff_loaded_salary_usd_per_year", "USD/year", site.StaffLoadedSalaryUSDPerYear.Provenance(), func(p params) float64 { return p.salaryUSDPerYear }, func(p *params, v float64) { p.salaryUSDPerYear = v }, 0},
		{"electricity_usd_per_kwh", "USD/kWh", site.ElectricityUSDPerKWh.Provenance(), func(p params) float64 { return p.electricityUSDPerKWh }, func(p *params, v float64) { p.electricityUSDPerKWh = v }, 0},
		{"pue", "ratio", site.PUE.Provenance(), func(p params) float64 { return p.pue }, func(p *params, v float64) { p.pue = v }, 0},
		{rateField, "USD/kW-month", rate.Provenance(), func(p params) float64 { return p.facilityUSDPerKWMonth }, func(p *params, v float64) { p.facilityUSDPerKWMonth = v }, 0},
		{"idle_node_power_w", "W", pw.IdleNodePowerW.Provenance, func(p params) float64 { return p.idleW }, func(p *params, v float64) { p.idleW = v }, 0},
		{"marginal_node_energy_per_task_j", "J", pw.MarginalEnergyPerTaskJ.Provenance, func(p params) float64 { return p.marginalJPerTask }, func(p *params, v float64) { p.marginalJPerTask = v }, 0},
		{"throughput_tasks_per_s", "tasks/s", p.throughputProvenance(), func(p params) float64 { return p.tasksPerS }, scaleThroughput, 0},
		{"utilization_fraction", "fraction", utilProv, func(p params) float64 { return p.utilization }, func(p *params, v float64) { p.utilization = v }, 1},
		{"api_usd_per_task", "USD", runrecord.Configured, func(p params) float64 { return p.apiUSDPerTask }, func(p *params, v float64) { p.apiUSDPerTask = v }, 0},
		{"tokens_per_task", "× base", runrecord.Measured, func(params) float64 { return 1 }, scaleTokensPerTask, 0},
	}
	if p.capexMethod == CapexCostOfCapital {
		in = append(in, tornadoInput{"cost_of_capital_fraction_per_year", "fraction/year", site.CostOfCapitalFractionPerYear.Provenance(), func(p params) float64 { return p.costOfCapital }, func(p *params, v float64) { p.costOfCapital = v }, 0})
	}
	return in
}

// scaleThroughput sets tasks/s to v, scaling the other rates with it.
func scaleThroughput(p *params, v float64) {
	s := v / p.tasksPerS
	p.tasksPerS, p.requestsPerS, p.tokensPerS, p.outputTokensPerS = v, p.requestsPerS*s, p.tokensPerS*s, p.outputTokensPerS*s
	p.marginalJPerTask /= s // the same power over more tasks
}

// scaleTokensPerTask makes each task s times longer: the API bill per task
// and the node-seconds (and energy) per task grow by s.
func scaleTokensPerTask(p *params, s float64) {
	p.apiUSDPerTask *= s
	p.tasksPerS /= s
	p.requestsPerS /= s
	p.marginalJPerTask *= s
}

// tornado moves each input ±SwingFraction and ranks inputs by effect on
// on-prem fleet cost per task minus the reference model's API cost per task.
func tornado(p params, hw *Hardware, site *Site, pw runrecord.PowerFigures, ref string, utilProv runrecord.Provenance) runrecord.Sensitivity {
	metric := func(q params) float64 { return q.fleetPerTask(q.utilization) - q.apiUSDPerTask }
	s := runrecord.Sensitivity{Metric: "onprem_minus_api_usd_per_task", ReferenceModel: ref, SwingFraction: SwingFraction, BaseUSDPerTask: metric(p)}
	for _, in := range tornadoInputs(p, hw, site, pw, utilProv) {
		base := in.get(p)
		lo, hi := base*(1-SwingFraction), base*(1+SwingFraction)
		if in.maxValue > 0 {
			hi = math.Min(hi, in.maxValue)
		}
		ql, qh := p, p
		in.set(&ql, lo)
		in.set(&qh, hi)
		ml, mh := metric(ql), metric(qh)
		s.Rows = append(s.Rows, runrecord.TornadoRow{Input: in.name, Unit: in.unit, Provenance: in.prov, BaseValue: base, LowValue: lo, HighValue: hi,
			LowUSDPerTask: ml, HighUSDPerTask: mh, SwingUSDPerTask: math.Abs(mh - ml)})
	}
	sort.SliceStable(s.Rows, func(i, j int) bool { return s.Rows[i].SwingUSDPerTask > s.Rows[j].SwingUSDPerTask })
	return s
}

// projection runs year by year over the amortisation period at the stated
// volume: API prices fall and tokens per task grow at the stated rates.
func projection(p params, ref runrecord.APICost, sc runrecord.Scenario, tokensPerTask float64) runrecord.Projection {
	years := int(math.Ceil(p.amortYears))
	V, d, g := sc.VolumeTasksPerDay.Value, sc.APIPriceDeclinePerYear.Value, sc.TokensPerTaskGrowthPerYear.Value
	out := runrecord.Projection{ReferenceModel: ref.Key}
	var cumAPI, cumOn float64
	for y := 1; y <= years; y++ {
		s := math.Pow(1+g, float64(y-1))
		q := p
		scaleTokensPerTask(&q, s)
		n := q.nodesFor(V)
		onYear := float64(n)*q.fixedPerHour()*HoursPerYear + q.marginalPerTask()*V*365
		apiTask := ref.USDPerTask.Value * s * math.Pow(1-d, float64(y-1))
		apiYear := apiTask * V * 365
		cumAPI += apiYear
		cumOn += onYear
		out.Years = append(out.Years, runrecord.ProjectionYear{Year: y, TokensPerTask: tokensPerTask * s, Nodes: n,
			APIUSDPerTask: apiTask, OnPremUSDPerTask: onYear / (V * 365), APIUSD: apiYear, OnPremUSD: onYear,
			CumulativeAPIUSD: cumAPI, CumulativeOnPremUSD: cumOn})
	}
	out.CumulativeSavingUSD = fig(cumAPI-cumOn, runrecord.Weakest(sc.APIPriceDeclinePerYear.Provenance, sc.TokensPerTaskGrowthPerYear.Provenance, sc.VolumeTasksPerDay.Provenance, runrecord.Configured),
		"cumulative API bill − cumulative on-prem cost over the amortisation period")
	return out
}
