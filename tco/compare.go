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
	// CacheWriteSource says where the requests' CacheWrite counts were
	// recorded (a trace's usage, say); empty: the run records none, cache
	// writes are priced at 0 tokens and a note says so.
	CacheWriteSource string
	// Models selects the API models to price (keys, names or patterns, as
	// Catalog.Select takes them); nil: the catalog's compare list.
	Models []string
	// Rentals are the rented nodes to price the same throughput on; nil: the
	// built-in rental profiles of the hardware profile's accelerators
	// (RentalsFor); empty: none.
	Rentals []*Rental
	// StaleAfter is the price age past which a price is flagged stale
	// (zero: DefaultStaleAfter, 90 days).
	StaleAfter time.Duration
	// Now stamps the comparison (zero: time.Now()).
	Now time.Time
	// Throughput, when set, says the run is a sweep's best point or a
	// capacity search's result: its throughput is the node's capacity at
	// the SLOs. Nil: the run is priced at its offered load, labelled so.
	Throughput *runrecord.ThroughputBasis
	// PassRates are API models' pass rates known from elsewhere (by key),
	// configured; a model without one and without a run against its API
	// is assumed to succeed as often as the run's server.
	PassRates map[string]runrecord.Figure
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
	models, err := checkInputs(run, hw, site, cat, &opt)
	if err != nil {
		return nil, err
	}
	ref, _ := cat.Find(opt.ReferenceModel)
	c := &runrecord.Cost{
		Schema:   runrecord.CostSchema,
		PricedAt: opt.Now.UTC(),
		Currency: "USD",
		Hardware: runrecord.ProfileRef{Name: hw.Name, Path: hw.Path, Description: hw.Description},
		Site:     runrecord.ProfileRef{Name: site.Name, Path: site.Path, Description: site.Description},
		Prices:   runrecord.ProfileRef{Name: cat.Name, Path: cat.Path, Description: cat.Description, Date: cat.Checked, Version: cat.Version},
		Run:      runFigures(run),
	}
	c.Notes = append(c.Notes, runNotes(run, opt.CacheWriteSource)...)
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
	recorded, recErr := recordedModel(run, cat)
	if recErr != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("the trace's own model is not priced (%v): its recorded token counts price no API model here", recErr))
	}
	for _, m := range models {
		a := priceAPI(run, m, recorded, tokens, tokensSrc, opt, c.Run, c.OnPrem.Fleet.USDPerTask)
		a.PriceAgeDays, a.Stale = PriceAge(a.Checked, opt.Now, opt.StaleAfter)
		c.API = append(c.API, a)
	}
	c.RecordedAPI = recordedCosts(run)
	c.Scenario = scenario(p, opt, ref.Key())
	refCost := apiFor(c.API, ref.Key())
	p.apiUSDPerTask = refCost.USDPerTask.Value
	for _, a := range c.API {
		c.BreakEven = append(c.BreakEven, breakEven(p, a, c.Scenario.VolumeTasksPerDay, c.OnPrem.PerNodeHour.TotalUSDPerHour.Provenance))
	}
	c.UtilizationCurve = utilizationCurve(p)
	c.Sensitivity = tornado(p, hw, site, c.OnPrem.Power, ref.Key(), opt.Utilization.Provenance)
	c.Projection = projection(p, refCost, c.Scenario, c.Run.TokensPerTask.Value)
	c.Rented = rentedCosts(p, opt.Rentals, c.Run, opt.Utilization, opt.Now, opt.StaleAfter)
	c.Options, c.Pairs = sideBySide(p, c, hw.AcceleratorsPerNode.V())
	c.PriceAge = priceAge(c, opt.StaleAfter)
	c.Throughput = throughputBasis(run, opt.Throughput)
	successCosts(c, run, opt.PassRates)
	c.Judge = judgeCost(run, cat, c.Run.Tasks.Value)
	c.Headline = Headline(c)
	c.Notes = append(c.Notes, basisNotes(c.Throughput)...)
	c.Notes = append(c.Notes, outcomeNotes(c)...)
	c.Notes = append(c.Notes, priceAgeNotes(c)...)
	c.Notes = append(c.Notes, rentalNotes(hw, opt.Rentals)...)
	if opt.Projected != nil {
		c.Notes = append(c.Notes, fmt.Sprintf("on-prem figures price one %s node delivering the projected throughput: %s", hw.Name, opt.Projected.Note))
	} else {
		c.Notes = append(c.Notes, fmt.Sprintf("on-prem figures price one %s node delivering the throughput this run measured; they are a projection if the run did not happen on that hardware", hw.Name))
	}
	return c, nil
}

// checkInputs checks the inputs, fills the options' defaults and returns
// the API models to price (the reference model among them).
func checkInputs(run *runrecord.Run, hw *Hardware, site *Site, cat *Catalog, opt *Options) ([]*PriceModel, error) {
	var errs []error
	if run == nil || run.Summary == nil {
		return nil, errors.New("the run has no summary: nothing to price (was it interrupted before it finished?)")
	}
	if hw == nil || site == nil || cat == nil {
		return nil, errors.New("a hardware profile, a site profile and a price catalog are all required")
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
	ref, refErr := cat.Lookup(opt.ReferenceModel)
	if refErr != nil {
		errs = append(errs, fmt.Errorf("reference model %w", refErr))
	}
	models, err := cat.Select(opt.Models)
	if err != nil {
		errs = append(errs, err)
	}
	if refErr == nil && !containsModel(models, ref) {
		models = append(models, ref)
	}
	if m, _ := recordedModel(run, cat); m != nil && !containsModel(models, m) {
		models = append(models, m)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.StaleAfter < 0 {
		errs = append(errs, fmt.Errorf("stale_after %v: want a positive age (0: %v)", opt.StaleAfter, DefaultStaleAfter))
	} else if opt.StaleAfter == 0 {
		opt.StaleAfter = DefaultStaleAfter
	}
	if opt.Rentals == nil {
		if opt.Rentals, err = RentalsFor(hw.Name); err != nil {
			errs = append(errs, err)
		}
	}
	return models, errors.Join(errs...)
}

func containsModel(ms []*PriceModel, m *PriceModel) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// rentalNotes say what the rented option covers, or that none was priced.
func rentalNotes(hw *Hardware, rentals []*Rental) []string {
	if len(rentals) == 0 {
		return []string{fmt.Sprintf("rented GPUs: no rental profile of %s's accelerators was given, so the rented option is not priced", hw.Name)}
	}
	n := []string{"rented nodes are priced at their hourly price alone (staff, storage and egress not included), kept up all the time at the stated utilization"}
	for _, r := range rentals {
		if r.Hardware != hw.Name {
			n = append(n, fmt.Sprintf("rental %s has %s's accelerators, not %s's: its figures assume it delivers the throughput this run measured", r.Name, r.Hardware, hw.Name))
		}
	}
	return n
}
