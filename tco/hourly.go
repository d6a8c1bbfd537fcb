package tco

import "github.com/tcobench/tcobench/runrecord"

// profileFigures are the profile inputs as Figures, for provenance.
type profileFigures struct {
	capex, infra, amort, residual, maint, fte, salary, elec, pue, facility, coc, maxW runrecord.Figure
}

func figuresOf(hw *Hardware, site *Site) profileFigures {
	rate, rateField := site.facilityRate()
	return profileFigures{
		capex:    hw.ServerCapexUSDPerNode.fig("server_capex_usd_per_node"),
		infra:    hw.InfrastructureFractionOfCapex.fig("infrastructure_fraction_of_capex"),
		amort:    hw.AmortisationYears.fig("amortisation_years"),
		residual: hw.ResidualValueFraction.fig("residual_value_fraction"),
		maint:    hw.MaintenanceFractionOfCapexPerYear.fig("maintenance_fraction_of_capex_per_year"),
		fte:      site.StaffFTEPerNode.fig("staff_fte_per_node"),
		salary:   site.StaffLoadedSalaryUSDPerYear.fig("staff_loaded_salary_usd_per_year"),
		elec:     site.ElectricityUSDPerKWh.fig("electricity_usd_per_kwh"),
		pue:      site.PUE.fig("pue"),
		facility: rate.fig(rateField),
		coc:      site.CostOfCapitalFractionPerYear.fig("cost_of_capital_fraction_per_year"),
		maxW:     hw.NodePowerMaxW.fig("node_power_max_w"),
	}
}

// profileParams fills the profile part of params (power and throughput are set by the caller).
func profileParams(hw *Hardware, site *Site) params {
	rate, _ := site.facilityRate()
	return params{
		serverCapexUSD:        hw.ServerCapexUSDPerNode.V(),
		infraFrac:             hw.InfrastructureFractionOfCapex.V(),
		amortYears:            hw.AmortisationYears.V(),
		residualFrac:          hw.ResidualValueFraction.V(),
		maintFrac:             hw.MaintenanceFractionOfCapexPerYear.V(),
		staffFTE:              site.StaffFTEPerNode.V(),
		salaryUSDPerYear:      site.StaffLoadedSalaryUSDPerYear.V(),
		electricityUSDPerKWh:  site.ElectricityUSDPerKWh.V(),
		pue:                   site.PUE.V(),
		facilityUSDPerKWMonth: rate.V(),
		facilityKW:            hw.NodePowerMaxW.V() / 1000,
		energyIncluded:        site.EnergyIncludedInFacility != nil && *site.EnergyIncludedInFacility,
		costOfCapital:         site.CostOfCapitalFractionPerYear.V(),
		capexMethod:           site.CapexMethod,
	}
}

// NodeHourCost prices one node-hour of hw at site with the node drawing
// avgNodePowerW on average (power provenance powerProv). It is the §3.4
// formula set of the reference, used by Compare and by the worked example.
func NodeHourCost(hw *Hardware, site *Site, avgNodePowerW float64, powerProv runrecord.Provenance) runrecord.HourlyCost {
	p := profileParams(hw, site)
	p.idleW = avgNodePowerW
	return hourlyCost(p, figuresOf(hw, site), p.hourlyAt(0), powerProv)
}

// hourlyCost turns an hourly breakdown into Figures with provenance.
func hourlyCost(p params, f profileFigures, h hourly, powerProv runrecord.Provenance) runrecord.HourlyCost {
	capexSrc := "server_capex × (1 + infrastructure_fraction) − residual, straight line over amortisation_years × 8760 h"
	capexProv := provs(f.capex, f.infra, f.amort, f.residual)
	if p.capexMethod == CapexCostOfCapital {
		capexSrc = "(server_capex × (1 + infrastructure_fraction) − PV(residual)) × CRF(cost_of_capital, amortisation_years) / 8760 h"
		capexProv = runrecord.Weakest(capexProv, f.coc.Provenance)
	}
	energySrc := "average node power × PUE × electricity price"
	energyProv := runrecord.Weakest(powerProv, f.pue.Provenance, f.elec.Provenance)
	if p.energyIncluded {
		energySrc = "included in the facility rate (energy_included_in_facility: true)"
		energyProv = f.facility.Provenance
	}
	out := runrecord.HourlyCost{
		CapexMethod:           p.capexMethod,
		CapexUSDPerHour:       fig(h.capex, capexProv, capexSrc),
		MaintenanceUSDPerHour: fig(h.maint, provs(f.maint, f.capex), "maintenance_fraction_of_capex_per_year × server_capex / 8760 h"),
		StaffUSDPerHour:       fig(h.staff, provs(f.fte, f.salary), "staff_fte_per_node × staff_loaded_salary_usd_per_year / 8760 h"),
		FacilityUSDPerHour:    fig(h.facility, provs(f.facility, f.maxW), "node_power_max_w (provisioned kW) × "+f.facility.Source+" / 730 h"),
		EnergyUSDPerHour:      fig(h.energy, energyProv, energySrc),
	}
	out.TotalUSDPerHour = fig(h.total(), provs(out.CapexUSDPerHour, out.MaintenanceUSDPerHour, out.StaffUSDPerHour, out.FacilityUSDPerHour, out.EnergyUSDPerHour), "capex + maintenance + staff + facility + energy")
	return out
}
