package tco

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Options are what the user states about the deployment and the future.
type Options struct {
	// Utilization is the stated average utilisation, 0 < U ≤ 1.
	Utilization runrecord.Figure
	// VolumeTasksPerDay is the volume for payback and projection. Zero: one
	// node's capacity at Utilization.
	VolumeTasksPerDay runrecord.Figure
	// ReferenceModel ("provider/model") for the tornado and the projection;
	// empty: the catalog's reference_model.
	ReferenceModel             string
	APIPriceDeclinePerYear     runrecord.Figure
	TokensPerTaskGrowthPerYear runrecord.Figure
	// Requests are the measured attempts' token counts, so long-context tiers
	// apply per request; nil: priced from the summary's totals.
	Requests []RequestTokens
	// Now stamps the comparison (zero: time.Now()).
	Now time.Time
	// Projected, when set, replaces the run's measured throughput with a
	// projection for the priced hardware (package perfmodel): the run was
	// measured elsewhere, or the figures come from a plan.
	Projected *ProjectedThroughput
}

// DefaultOptions are the assumed scenario figures used when the user states none.
func DefaultOptions() Options {
	return Options{
		Utilization: runrecord.Figure{Value: 0.5, Provenance: runrecord.Assumed,
			Source: "default 50 % average utilisation (the reference's worked example compares 50 % and 20 %); state yours with --utilization"},
		APIPriceDeclinePerYear: runrecord.Figure{Value: 0.30, Provenance: runrecord.Assumed,
			Source: "default 30 %/year: equal-capability prices fell ~10×/year 2021-2024 (a16z LLMflation), frontier prices far slower; state yours with --api-price-decline"},
		TokensPerTaskGrowthPerYear: runrecord.Figure{Value: 0.25, Provenance: runrecord.Assumed,
			Source: "default 25 %/year [estimate]: longer contexts and more agent steps per task; state yours with --token-growth"},
	}
}

// Compare prices a run: one node of hw at site against every model of cat.
// It refuses a run without completed tasks or throughput rather than price
// nothing, and options out of range rather than silently correct them.
func Compare(run *runrecord.Run, hw *Hardware, site *Site, cat *Catalog, opt Options) (*runrecord.Cost, error) {
	if err := checkInputs(run, hw, site, cat, &opt); err != nil {
		return nil, err
	}
	ref, _ := cat.Find(opt.ReferenceModel)
	c := &runrecord.Cost{
		Schema:   runrecord.CostSchema,
		PricedAt: opt.Now.UTC(),
		Currency: "USD",
		Hardware: runrecord.ProfileRef{Name: hw.Name, Path: hw.Path, Description: hw.Description},
		Site:     runrecord.ProfileRef{Name: site.Name, Path: site.Path, Description: site.Description},
		Prices:   runrecord.ProfileRef{Name: cat.Name, Path: cat.Path, Description: cat.Description, Date: cat.Checked},
		Run:      runFigures(run),
	}
	c.Notes = append(c.Notes, runNotes(run)...)
	if opt.Projected != nil {
		applyProjected(&c.Run, opt.Projected)
	}
	pw, p, notes := powerModel(run, hw, site, c.Run)
	p.throughputProv = c.Run.TasksPerS.Provenance
	c.Notes = append(c.Notes, notes...)
	p.utilization = opt.Utilization.Value
	f := figuresOf(hw, site)
	c.OnPrem = onPremFigures(p, f, pw, opt.Utilization, c.Run)

	tokens, tokensSrc := runTokens(run, opt.Requests)
	for i := range cat.Models {
		m := &cat.Models[i]
		c.API = append(c.API, apiCost(m, tokens, opt.Requests, tokensSrc, c.Run, c.OnPrem.Fleet.USDPerTask))
	}
	c.RecordedAPI = recordedAPI(run)
	c.Scenario = scenario(p, opt, ref.Key())
	refCost := apiFor(c.API, ref.Key())
	p.apiUSDPerTask = refCost.USDPerTask.Value
	for _, a := range c.API {
		c.BreakEven = append(c.BreakEven, breakEven(p, a, c.Scenario.VolumeTasksPerDay, c.OnPrem.PerNodeHour.TotalUSDPerHour.Provenance))
	}
	c.UtilizationCurve = utilizationCurve(p)
	c.Sensitivity = tornado(p, hw, site, c.OnPrem.Power, ref.Key(), opt.Utilization.Provenance)
	c.Projection = projection(p, refCost, c.Scenario, c.Run.TokensPerTask.Value)
	if opt.Projected != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("on-prem figures price one %s node delivering the projected throughput: %s", hw.Name, opt.Projected.Note))
	} else {
		c.Notes = append(c.Notes, fmt.Sprintf("on-prem figures price one %s node delivering the throughput this run measured; they are a projection if the run did not happen on that hardware", hw.Name))
	}
	return c, nil
}

func checkInputs(run *runrecord.Run, hw *Hardware, site *Site, cat *Catalog, opt *Options) error {
	var errs []error
	if run == nil || run.Summary == nil {
		return errors.New("the run has no summary: nothing to price (was it interrupted before it finished?)")
	}
	if hw == nil || site == nil || cat == nil {
		return errors.New("a hardware profile, a site profile and a price catalog are all required")
	}
	s := run.Summary
	if s.Tasks.Completed <= 0 {
		errs = append(errs, errors.New("the run completed no tasks in its measurement window: no cost per task"))
	}
	if s.Throughput.TasksPerS <= 0 || s.Throughput.RequestsPerS <= 0 {
		errs = append(errs, errors.New("the run measured no throughput (tasks_per_s or requests_per_s is 0)"))
	}
	if u := opt.Utilization.Value; !(u > 0 && u <= 1) {
		errs = append(errs, fmt.Errorf("utilization %g: want a fraction above 0 and at most 1", u))
	}
	if v := opt.VolumeTasksPerDay.Value; v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		errs = append(errs, fmt.Errorf("volume %g tasks/day: want 0 or more", v))
	}
	if d := opt.APIPriceDeclinePerYear; d.Provenance == "" || d.Value < 0 || d.Value >= 1 {
		errs = append(errs, fmt.Errorf("API price decline %g per year: want a stated fraction from 0 up to (not including) 1", d.Value))
	}
	if g := opt.TokensPerTaskGrowthPerYear; g.Provenance == "" || g.Value < 0 || g.Value > 10 {
		errs = append(errs, fmt.Errorf("tokens-per-task growth %g per year: want a stated fraction from 0 to 10", g.Value))
	}
	if opt.Utilization.Provenance == "" {
		errs = append(errs, errors.New("utilization has no provenance (configured or assumed)"))
	}
	if opt.ReferenceModel == "" {
		opt.ReferenceModel = cat.ReferenceModel
	}
	if _, ok := cat.Find(opt.ReferenceModel); !ok {
		errs = append(errs, fmt.Errorf("reference model %q is not in price catalog %s", opt.ReferenceModel, cat.Name))
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	return errors.Join(errs...)
}
