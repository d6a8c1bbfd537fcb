package tco

import "github.com/tcobench/tcobench/runrecord"

// Sourced is one figure of a profile: its value (unit in the field's name),
// where it came from, when, and whether it is an estimate. Every field is
// required: a missing value is an error, never a zero.
type Sourced struct {
	Value    *float64 `yaml:"value" json:"value"`
	Source   string   `yaml:"source" json:"source"`
	Date     string   `yaml:"date" json:"date"`
	Estimate *bool    `yaml:"estimate" json:"estimate"`
	Note     string   `yaml:"note,omitempty" json:"note,omitempty"`
}

// V is the value (zero only when the profile was not validated).
func (s Sourced) V() float64 {
	if s.Value == nil {
		return 0
	}
	return *s.Value
}

// Provenance is runrecord.Assumed for an estimate, runrecord.Configured otherwise.
func (s Sourced) Provenance() runrecord.Provenance {
	if s.Estimate != nil && *s.Estimate {
		return runrecord.Assumed
	}
	return runrecord.Configured
}

// fig turns a profile figure into a runrecord.Figure naming its field.
func (s Sourced) fig(field string) runrecord.Figure {
	src := field + ": " + s.Source
	if s.Date != "" {
		src += " (" + s.Date + ")"
	}
	return runrecord.Figure{Value: s.V(), Provenance: s.Provenance(), Source: src}
}

// Hardware is a hardware profile: one node of a deployment.
type Hardware struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	// AcceleratorModel is "none" for a CPU-only server.
	AcceleratorModel    string  `yaml:"accelerator_model" json:"accelerator_model"`
	AcceleratorsPerNode Sourced `yaml:"accelerators_per_node" json:"accelerators_per_node"`
	AcceleratorTDPW     Sourced `yaml:"accelerator_tdp_w" json:"accelerator_tdp_w"`
	AcceleratorMemoryGB Sourced `yaml:"accelerator_memory_gb" json:"accelerator_memory_gb"`
	NodePowerIdleW      Sourced `yaml:"node_power_idle_w" json:"node_power_idle_w"`
	// NodePowerBusyW is the node's average draw while serving at full utilisation.
	NodePowerBusyW Sourced `yaml:"node_power_busy_w" json:"node_power_busy_w"`
	NodePowerMaxW  Sourced `yaml:"node_power_max_w" json:"node_power_max_w"`
	// NodeToGPUPowerRatio turns measured GPU energy into node energy (k_node).
	NodeToGPUPowerRatio           Sourced `yaml:"node_to_gpu_power_ratio" json:"node_to_gpu_power_ratio"`
	ServerCapexUSDPerNode         Sourced `yaml:"server_capex_usd_per_node" json:"server_capex_usd_per_node"`
	InfrastructureFractionOfCapex Sourced `yaml:"infrastructure_fraction_of_capex" json:"infrastructure_fraction_of_capex"`
	AmortisationYears             Sourced `yaml:"amortisation_years" json:"amortisation_years"`
	ResidualValueFraction         Sourced `yaml:"residual_value_fraction" json:"residual_value_fraction"`
	// MaintenanceFractionOfCapexPerYear applies to the server capex (not the infrastructure share).
	MaintenanceFractionOfCapexPerYear Sourced `yaml:"maintenance_fraction_of_capex_per_year" json:"maintenance_fraction_of_capex_per_year"`

	// Perf holds the figures the performance model needs (see perf.go);
	// each is optional here and required only by a projection.
	Perf `yaml:",inline"`

	// Path is where the profile was read from (set by the loader).
	Path string `yaml:"-" json:"path"`
}

// Facility models of a site.
const (
	FacilityColocation = "colocation"
	FacilityOwned      = "owned"
)

// Capex methods of a site.
const (
	CapexStraightLine  = "straight_line"
	CapexCostOfCapital = "cost_of_capital"
)

// Site is a site profile: where and how the hardware runs, and its finance policy.
type Site struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	// Currency must be USD (API prices are in USD).
	Currency                   string   `yaml:"currency" json:"currency"`
	ElectricityUSDPerKWh       Sourced  `yaml:"electricity_usd_per_kwh" json:"electricity_usd_per_kwh"`
	PUE                        Sourced  `yaml:"pue" json:"pue"`
	FacilityModel              string   `yaml:"facility_model" json:"facility_model"`
	ColocationUSDPerKWMonth    *Sourced `yaml:"colocation_usd_per_kw_month,omitempty" json:"colocation_usd_per_kw_month,omitempty"`
	OwnedFacilityUSDPerKWMonth *Sourced `yaml:"owned_facility_usd_per_kw_month,omitempty" json:"owned_facility_usd_per_kw_month,omitempty"`
	// EnergyIncludedInFacility is true when the facility rate already pays for electricity.
	EnergyIncludedInFacility     *bool   `yaml:"energy_included_in_facility" json:"energy_included_in_facility"`
	StaffFTEPerNode              Sourced `yaml:"staff_fte_per_node" json:"staff_fte_per_node"`
	StaffLoadedSalaryUSDPerYear  Sourced `yaml:"staff_loaded_salary_usd_per_year" json:"staff_loaded_salary_usd_per_year"`
	CostOfCapitalFractionPerYear Sourced `yaml:"cost_of_capital_fraction_per_year" json:"cost_of_capital_fraction_per_year"`
	CapexMethod                  string  `yaml:"capex_method" json:"capex_method"`

	Path string `yaml:"-" json:"path"`
}

// facilityRate is the site's facility cost per kW-month, whichever model it uses.
func (s *Site) facilityRate() (Sourced, string) {
	if s.FacilityModel == FacilityColocation && s.ColocationUSDPerKWMonth != nil {
		return *s.ColocationUSDPerKWMonth, "colocation_usd_per_kw_month"
	}
	if s.OwnedFacilityUSDPerKWMonth != nil {
		return *s.OwnedFacilityUSDPerKWMonth, "owned_facility_usd_per_kw_month"
	}
	return Sourced{}, ""
}

// NamedFigure is a profile figure with its field name (which carries its unit).
type NamedFigure struct {
	Field string
	Sourced
}

// Figures lists the profile's figures in file order.
func (h *Hardware) Figures() []NamedFigure {
	return append([]NamedFigure{
		{"accelerators_per_node", h.AcceleratorsPerNode}, {"accelerator_tdp_w", h.AcceleratorTDPW},
		{"accelerator_memory_gb", h.AcceleratorMemoryGB}, {"node_power_idle_w", h.NodePowerIdleW},
		{"node_power_busy_w", h.NodePowerBusyW}, {"node_power_max_w", h.NodePowerMaxW},
		{"node_to_gpu_power_ratio", h.NodeToGPUPowerRatio}, {"server_capex_usd_per_node", h.ServerCapexUSDPerNode},
		{"infrastructure_fraction_of_capex", h.InfrastructureFractionOfCapex}, {"amortisation_years", h.AmortisationYears},
		{"residual_value_fraction", h.ResidualValueFraction}, {"maintenance_fraction_of_capex_per_year", h.MaintenanceFractionOfCapexPerYear},
	}, h.Perf.figures()...)
}

// Figures lists the site's figures in file order.
func (s *Site) Figures() []NamedFigure {
	out := []NamedFigure{{"electricity_usd_per_kwh", s.ElectricityUSDPerKWh}, {"pue", s.PUE}}
	if rate, field := s.facilityRate(); field != "" {
		out = append(out, NamedFigure{field, rate})
	}
	return append(out, NamedFigure{"staff_fte_per_node", s.StaffFTEPerNode},
		NamedFigure{"staff_loaded_salary_usd_per_year", s.StaffLoadedSalaryUSDPerYear},
		NamedFigure{"cost_of_capital_fraction_per_year", s.CostOfCapitalFractionPerYear})
}
