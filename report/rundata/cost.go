package rundata

import (
	"fmt"
	"sort"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Cost is the view of a run's priced cost comparison (run.json "cost",
// a runrecord.Cost) that reports and comparisons read.
type Cost struct {
	// C is the comparison as the tco package wrote it.
	C *runrecord.Cost
	// OnPremPerTaskUSD is the on-prem fleet cost of one task at the stated
	// utilisation; HasOnPrem says it was present.
	OnPremPerTaskUSD float64
	OnPremPerMTokUSD float64
	HasOnPrem        bool
	// OnPremPerSuccessfulTask is the on-prem cost per successful task (nil
	// when no task succeeded, or in an older record).
	OnPremPerSuccessfulTask *runrecord.Figure
	// Success says how many tasks succeeded and how that was judged; Basis
	// at what throughput the node's cost was spread (empty in older records).
	Success, Basis string
	// OnPremProvenance is the cost model's label for the on-prem figures: the
	// weakest of their inputs (assumed when any input is an assumption).
	OnPremProvenance runrecord.Provenance
	// Utilisation is the stated utilisation (0..1).
	Utilisation runrecord.Figure
	// APIs lists the API models priced for the same tokens.
	APIs []APICost
	// Curve is on-prem cost per task against utilisation.
	Curve []CurvePoint
	// BreakEven is, per API model, the utilisation of one node at which
	// on-prem costs as much per task (tasks per day at break-even over the
	// node's capacity).
	BreakEven []BreakEven
	// Sensitivity is the tornado.
	Sensitivity Tornado
	// Headline is the cost model's one-line answer (owned, rented, cheapest
	// API per task, and the age of that API price); empty for older records.
	Headline string
	// Options sets owned, rented and API side by side; Pairs is the
	// break-even between each pair; PriceAge dates the prices (nil for older records).
	Options  []runrecord.OptionCost
	Pairs    []runrecord.PairBreakEven
	PriceAge *runrecord.PriceAge
}

// APICost is one API model's price for the run's tasks.
type APICost struct {
	Model      string
	PerTaskUSD float64
	// PerSuccessfulTask is the cost per successful task (its provenance
	// says whether the model's pass rate was measured or assumed).
	PerSuccessfulTask *runrecord.Figure
	Provenance        runrecord.Provenance
	Checked           string
	// AgeDays is the price's age when the run was priced; Stale says it was
	// past the comparison's threshold.
	AgeDays int
	Stale   bool
}

// CurvePoint is on-prem cost per task at one utilisation (0..1).
type CurvePoint struct{ Utilisation, PerTaskUSD float64 }

// BreakEven is where on-prem cost per task meets an API model's.
type BreakEven struct {
	Model string
	// Reached is false when on-prem never gets as cheap as the API; Reason says why.
	Reached bool
	Reason  string
	// Utilisation is the node utilisation (0..1) at break-even, when Reached.
	Utilisation float64
	TasksPerDay float64
	// PaybackMonths is set when the hardware pays back at the stated volume.
	PaybackMonths float64
	// Provenance is the cost model's label for the break-even figure.
	Provenance runrecord.Provenance
}

// Tornado is the sensitivity of (on-prem − API) cost per task to each input.
type Tornado struct {
	Metric, ReferenceModel string
	SwingFraction          float64
	BaseUSDPerTask         float64
	Bars                   []SensitivityBar
}

// SensitivityBar is one input of the tornado.
type SensitivityBar struct {
	Input               string
	Unit                string
	Provenance          runrecord.Provenance
	LowValue, HighValue float64
	LowUSD, HighUSD     float64
}

// CostView builds the view of a run's cost; nil when the run was not priced.
func CostView(c *runrecord.Cost) *Cost {
	if c == nil {
		return nil
	}
	v := &Cost{C: c, Utilisation: c.Scenario.Utilization, Headline: c.Headline, Options: c.Options, Pairs: c.Pairs, PriceAge: c.PriceAge}
	if f := c.OnPrem.Fleet.USDPerTask; f.Provenance != "" || f.Value != 0 {
		v.OnPremPerTaskUSD, v.HasOnPrem, v.OnPremProvenance = f.Value, true, orDerived(f.Provenance)
		v.OnPremPerMTokUSD = c.OnPrem.Fleet.USDPerMillionOutputTokens.Value
		v.OnPremPerSuccessfulTask = c.OnPrem.Fleet.USDPerSuccessfulTask
	}
	for _, a := range c.API {
		v.APIs = append(v.APIs, APICost{Model: a.Key, PerTaskUSD: a.USDPerTask.Value, Provenance: a.USDPerTask.Provenance, Checked: a.Checked,
			AgeDays: a.PriceAgeDays, Stale: a.Stale, PerSuccessfulTask: a.USDPerSuccessfulTask})
	}
	v.Success, v.Basis = successText(c)
	for _, p := range c.UtilizationCurve {
		v.Curve = append(v.Curve, CurvePoint{Utilisation: p.UtilizationFraction, PerTaskUSD: p.USDPerTask})
	}
	capacity := c.OnPrem.CapacityTasksPerDay.Value
	for _, b := range c.BreakEven {
		be := BreakEven{Model: b.Key, Reached: b.Reachable, Reason: b.Reason, Provenance: runrecord.Derived}
		if b.TasksPerDay != nil {
			be.TasksPerDay, be.Provenance = b.TasksPerDay.Value, orDerived(b.TasksPerDay.Provenance)
			if capacity > 0 {
				be.Utilisation = b.TasksPerDay.Value / capacity
			}
		}
		if b.PaybackMonths != nil {
			be.PaybackMonths = b.PaybackMonths.Value
		}
		v.BreakEven = append(v.BreakEven, be)
	}
	s := c.Sensitivity
	v.Sensitivity = Tornado{Metric: s.Metric, ReferenceModel: s.ReferenceModel, SwingFraction: s.SwingFraction, BaseUSDPerTask: s.BaseUSDPerTask}
	for _, r := range s.Rows {
		v.Sensitivity.Bars = append(v.Sensitivity.Bars, SensitivityBar{Input: r.Input, Unit: r.Unit, Provenance: r.Provenance,
			LowValue: r.LowValue, HighValue: r.HighValue, LowUSD: r.LowUSDPerTask, HighUSD: r.HighUSDPerTask})
	}
	return v
}

// successText says how many of the priced tasks succeeded, and the basis
// of the on-prem throughput.
func successText(c *runrecord.Cost) (success, basis string) {
	r := c.Run
	switch {
	case r.OutcomeBasis == runrecord.OutcomeChecked:
		success = fmt.Sprintf("%.0f of %.0f tasks passed the workload's checks (pass rate %.1f %%, measured)", r.SuccessfulTasks.Value, r.Tasks.Value, 100*r.PassRate.Value)
	case r.OutcomeBasis != "":
		success = fmt.Sprintf("success not checked: %.0f of %.0f tasks had no failed step (the workload has no checks)", r.SuccessfulTasks.Value, r.Tasks.Value)
	}
	if b := c.Throughput; b != nil {
		basis = "On-prem throughput: " + b.Label
		if !b.Saturated {
			basis += ". The server was plainly not saturated (" + b.Reason + "): on-prem costs per task are upper bounds."
		}
	}
	return success, basis
}

// APIRow is one API model of the cost table, with owning's break-even
// against it and payback at the stated volume, in words.
type APIRow struct {
	APICost
	BreakEven, Payback string
	// BreakEvenProvenance labels the break-even text (the weakest of its
	// inputs), shown beside it; the payback text names its own.
	BreakEvenProvenance runrecord.Provenance
}

// APIRows lists the API models cheapest first, each with its break-even
// and payback (the reason when never).
func (c *Cost) APIRows() []APIRow {
	rows := make([]APIRow, 0, len(c.APIs))
	for i, a := range c.APIs {
		r := APIRow{APICost: a}
		if i < len(c.C.BreakEven) && c.HasOnPrem {
			be := c.C.BreakEven[i]
			r.BreakEven, r.Payback = tco.BreakEvenText(c.C, be), tco.PaybackText(c.C, be)
			r.BreakEvenProvenance = orDerived(be.SavingUSDPerMonth.Provenance)
		}
		rows = append(rows, r)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].PerTaskUSD < rows[j].PerTaskUSD })
	return rows
}
