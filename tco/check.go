package tco

import (
	"errors"
	"math"
	"strconv"
)

// parse decodes file strictly into a T, runs check on it and, when it
// passes, records where it was read from.
func parse[T any](file string, data []byte, check func(*checker, *T), path func(*T) *string) (*T, error) {
	var v T
	root, err := decodeStrict(file, data, &v)
	if err != nil {
		return nil, err
	}
	c := &checker{file: file, root: root}
	check(c, &v)
	if err := c.err(); err != nil {
		return nil, err
	}
	*path(&v) = file
	return &v, nil
}

// ParseHardware decodes and validates a hardware profile; file names it in errors.
func ParseHardware(file string, data []byte) (*Hardware, error) {
	return parse(file, data, checkHardware, func(h *Hardware) *string { return &h.Path })
}

func checkHardware(c *checker, h *Hardware) {
	c.name(h.Name)
	c.required([]string{"description"}, h.Description)
	c.required([]string{"accelerator_model"}, h.AcceleratorModel)
	p := func(name string) []string { return []string{name} }
	c.sourced(p("accelerators_per_node"), h.AcceleratorsPerNode, rng{0, 64, "accelerators"})
	n := h.AcceleratorsPerNode.V()
	if n != math.Trunc(n) {
		c.add(p("accelerators_per_node"), "not a whole number (%g)", n)
	}
	if n == 0 {
		c.sourced(p("accelerator_tdp_w"), h.AcceleratorTDPW, rng{0, 0, "W (no accelerators)"})
		c.sourced(p("accelerator_memory_gb"), h.AcceleratorMemoryGB, rng{0, 0, "GB (no accelerators)"})
	} else {
		c.sourced(p("accelerator_tdp_w"), h.AcceleratorTDPW, rng{20, 2500, "W"})
		c.sourced(p("accelerator_memory_gb"), h.AcceleratorMemoryGB, rng{1, 1024, "GB"})
	}
	power := rng{1, 200000, "W"}
	c.sourced(p("node_power_idle_w"), h.NodePowerIdleW, power)
	c.sourced(p("node_power_busy_w"), h.NodePowerBusyW, power)
	c.sourced(p("node_power_max_w"), h.NodePowerMaxW, power)
	idle, busy, maxW := h.NodePowerIdleW.V(), h.NodePowerBusyW.V(), h.NodePowerMaxW.V()
	if idle > busy && busy > 0 {
		c.add(p("node_power_idle_w"), "idle power %g W is above busy power %g W", idle, busy)
	}
	if busy > maxW && maxW > 0 {
		c.add(p("node_power_busy_w"), "busy power %g W is above maximum power %g W", busy, maxW)
	}
	if n > 0 && maxW > 0 && maxW < n*h.AcceleratorTDPW.V() {
		c.add(p("node_power_max_w"), "maximum node power %g W is below the accelerators' TDP (%g × %g W)", maxW, n, h.AcceleratorTDPW.V())
	}
	c.sourced(p("node_to_gpu_power_ratio"), h.NodeToGPUPowerRatio, rng{1, 5, "(ratio)"})
	c.sourced(p("server_capex_usd_per_node"), h.ServerCapexUSDPerNode, rng{100, 20e6, "USD"})
	c.sourced(p("infrastructure_fraction_of_capex"), h.InfrastructureFractionOfCapex, rng{0, 1, "(fraction)"})
	c.sourced(p("amortisation_years"), h.AmortisationYears, rng{1, 15, "years"})
	c.sourced(p("residual_value_fraction"), h.ResidualValueFraction, rng{0, 0.9, "(fraction)"})
	c.sourced(p("maintenance_fraction_of_capex_per_year"), h.MaintenanceFractionOfCapexPerYear, rng{0, 0.5, "(fraction per year)"})
	checkPerf(c, h)
}

// ParseSite decodes and validates a site profile; file names it in errors.
func ParseSite(file string, data []byte) (*Site, error) {
	return parse(file, data, checkSite, func(s *Site) *string { return &s.Path })
}

func checkSite(c *checker, s *Site) {
	p := func(name string) []string { return []string{name} }
	c.name(s.Name)
	c.required(p("description"), s.Description)
	if s.Currency != "USD" {
		c.add(p("currency"), "%q: only USD is supported (API prices are in USD; convert site figures to USD)", s.Currency)
	}
	c.sourced(p("electricity_usd_per_kwh"), s.ElectricityUSDPerKWh, rng{0.001, 2, "USD/kWh"})
	c.sourced(p("pue"), s.PUE, rng{1, 3, "(ratio)"})
	facility := rng{0, 3000, "USD/kW-month"}
	switch s.FacilityModel {
	case FacilityColocation:
		if s.ColocationUSDPerKWMonth == nil {
			c.add(p("colocation_usd_per_kw_month"), "missing (required with facility_model: colocation)")
		} else {
			c.sourced(p("colocation_usd_per_kw_month"), *s.ColocationUSDPerKWMonth, facility)
		}
	case FacilityOwned:
		if s.OwnedFacilityUSDPerKWMonth == nil {
			c.add(p("owned_facility_usd_per_kw_month"), "missing (required with facility_model: owned; state 0 if the space is already paid for)")
		} else {
			c.sourced(p("owned_facility_usd_per_kw_month"), *s.OwnedFacilityUSDPerKWMonth, facility)
		}
	default:
		c.add(p("facility_model"), "%q: want %q or %q", s.FacilityModel, FacilityColocation, FacilityOwned)
	}
	if s.EnergyIncludedInFacility == nil {
		c.add(p("energy_included_in_facility"), "missing (true when the facility rate includes electricity)")
	}
	c.sourced(p("staff_fte_per_node"), s.StaffFTEPerNode, rng{0, 10, "FTE"})
	c.sourced(p("staff_loaded_salary_usd_per_year"), s.StaffLoadedSalaryUSDPerYear, rng{0, 2e6, "USD/year"})
	c.sourced(p("cost_of_capital_fraction_per_year"), s.CostOfCapitalFractionPerYear, rng{0, 0.5, "(fraction per year)"})
	if s.CapexMethod != CapexStraightLine && s.CapexMethod != CapexCostOfCapital {
		c.add(p("capex_method"), "%q: want %q or %q", s.CapexMethod, CapexStraightLine, CapexCostOfCapital)
	}
}

// ParseCatalog decodes and validates an API price catalog; file names it in errors.
func ParseCatalog(file string, data []byte) (*Catalog, error) {
	return parse(file, data, checkCatalog, func(c *Catalog) *string { return &c.Path })
}

var priceRange = rng{0, 1000, "USD per million tokens"}

func checkCatalog(c *checker, cat *Catalog) {
	p := func(name string) []string { return []string{name} }
	c.name(cat.Name)
	c.required(p("description"), cat.Description)
	c.required(p("source"), cat.Source)
	c.date(p("checked"), cat.Checked)
	if cat.Currency != "USD" {
		c.add(p("currency"), "%q: only USD is supported", cat.Currency)
	}
	if len(cat.Models) == 0 {
		c.add(p("models"), "no models")
	}
	seen := map[string]int{}
	for i := range cat.Models {
		m := &cat.Models[i]
		path := []string{"models", strconv.Itoa(i)}
		checkModel(c, path, m)
		if j, dup := seen[m.Key()]; dup {
			c.add(path, "duplicate model %s (also models[%d])", m.Key(), j)
		}
		seen[m.Key()] = i
	}
	for i, key := range cat.Compare {
		if _, err := cat.Lookup(key); err != nil {
			c.add([]string{"compare", strconv.Itoa(i)}, "%q %s", key, notAModel(err))
		}
	}
	if cat.ReferenceModel == "" {
		c.add(p("reference_model"), "missing (provider/model of the tornado and projection)")
	} else if _, err := cat.Lookup(cat.ReferenceModel); err != nil {
		c.add(p("reference_model"), "%q %s", cat.ReferenceModel, notAModel(err))
	}
}

func checkModel(c *checker, path []string, m *PriceModel) {
	c.required(sub(path, "provider"), m.Provider)
	c.required(sub(path, "model"), m.Model)
	c.required(sub(path, "source"), m.Source)
	c.date(sub(path, "checked"), m.Checked)
	checkTier(c, path, m.PriceTier)
	c.number(sub(path, "reasoning_usd_per_mtok"), m.ReasoningUSDPerMTok, priceRange)
	c.number(sub(path, "batch_discount_fraction"), m.BatchDiscountFraction, rng{0, 0.9, "(fraction)"})
	if m.RequestUSDPerKRequest != nil {
		c.number(sub(path, "request_usd_per_krequest"), m.RequestUSDPerKRequest, rng{0, 1000, "USD per thousand requests"})
	}
	if m.EffectiveFrom != "" {
		c.date(sub(path, "effective_from"), m.EffectiveFrom)
	}
	var last int64
	for i, t := range m.LongContext {
		tp := sub(path, "long_context", strconv.Itoa(i))
		switch {
		case t.AboveInputTokens == nil:
			c.add(sub(tp, "above_input_tokens"), "missing")
		case *t.AboveInputTokens <= last:
			c.add(sub(tp, "above_input_tokens"), "%d: thresholds must be positive and ascending", *t.AboveInputTokens)
		default:
			last = *t.AboveInputTokens
		}
		checkTier(c, tp, t.PriceTier)
	}
}

func checkTier(c *checker, path []string, t PriceTier) {
	c.number(sub(path, "input_usd_per_mtok"), t.InputUSDPerMTok, priceRange)
	c.number(sub(path, "cached_input_usd_per_mtok"), t.CachedInputUSDPerMTok, priceRange)
	c.number(sub(path, "cache_write_usd_per_mtok"), t.CacheWriteUSDPerMTok, priceRange)
	c.number(sub(path, "output_usd_per_mtok"), t.OutputUSDPerMTok, priceRange)
	if t.InputUSDPerMTok != nil && t.CachedInputUSDPerMTok != nil && *t.CachedInputUSDPerMTok > *t.InputUSDPerMTok {
		c.add(sub(path, "cached_input_usd_per_mtok"), "%g is above the input price %g", *t.CachedInputUSDPerMTok, *t.InputUSDPerMTok)
	}
}

// notAModel is why Lookup found no model, as a catalog's check says it.
func notAModel(err error) string {
	if le := (*LookupError)(nil); errors.As(err, &le) && len(le.Providers) > 1 {
		return le.Reason()
	}
	return "is not a model of this catalog"
}
