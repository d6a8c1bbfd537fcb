package tco

import (
	"github.com/tcobench/tcobench/runrecord"

	"math"
)

// Time constants of the cost model.
const (
	HoursPerYear  = 8760.0
	HoursPerMonth = HoursPerYear / 12 // 730
	DaysPerMonth  = 365.0 / 12
	JPerKWh       = 3.6e6
)

// CRF is the capital recovery factor r / (1 − (1+r)^−L): the share of a
// capital sum paid each year to repay it with interest r over L years.
// With r = 0 it is 1/L.
func CRF(rate, years float64) float64 {
	if years <= 0 {
		return 0
	}
	if rate == 0 {
		return 1 / years
	}
	return rate / (1 - math.Pow(1+rate, -years))
}

// params is every numeric input of the on-prem model, flattened so the
// sensitivity analysis can move each one.
type params struct {
	serverCapexUSD, infraFrac, amortYears, residualFrac, maintFrac float64
	staffFTE, salaryUSDPerYear                                     float64
	electricityUSDPerKWh, pue, facilityUSDPerKWMonth, facilityKW   float64
	energyIncluded                                                 bool
	costOfCapital                                                  float64
	capexMethod                                                    string
	// Node power: idle, and energy per task above idle (J at the node).
	idleW, marginalJPerTask float64
	// runrecord.Measured throughput at 100 % utilisation.
	tasksPerS, requestsPerS, tokensPerS, outputTokensPerS float64
	utilization                                           float64
	// throughputProv is the provenance of the throughput: measured by the
	// run, or projected (the zero value reads as measured).
	throughputProv runrecord.Provenance
	// API price of the reference model per task (tornado metric).
	apiUSDPerTask float64
}

// hourly is the on-prem cost of one node-hour, broken down, in USD.
type hourly struct {
	capex, maint, staff, facility, energy float64
}

func (h hourly) total() float64 { return h.capex + h.maint + h.staff + h.facility + h.energy }

// fixed is everything but the energy above idle.
func (p params) capexUSD() float64 { return p.serverCapexUSD * (1 + p.infraFrac) }

func (p params) capexPerHour() float64 {
	c := p.capexUSD()
	residual := p.residualFrac * p.serverCapexUSD
	if p.capexMethod == CapexCostOfCapital {
		pv := residual * math.Pow(1+p.costOfCapital, -p.amortYears)
		return (c - pv) * CRF(p.costOfCapital, p.amortYears) / HoursPerYear
	}
	return (c - residual) / (p.amortYears * HoursPerYear)
}

// energyPrice is USD per J at the node (PUE and price applied); zero when the
// facility rate includes electricity.
func (p params) energyUSDPerJ() float64 {
	if p.energyIncluded {
		return 0
	}
	return p.pue * p.electricityUSDPerKWh / JPerKWh
}

// busyW is the node power at 100 % utilisation.
func (p params) busyW() float64 { return p.idleW + p.marginalJPerTask*p.tasksPerS }

// hourlyAt is the cost of one node-hour at utilisation u.
func (p params) hourlyAt(u float64) hourly {
	avgW := p.idleW + (p.busyW()-p.idleW)*u
	return hourly{
		capex:    p.capexPerHour(),
		maint:    p.maintFrac * p.serverCapexUSD / HoursPerYear,
		staff:    p.staffFTE * p.salaryUSDPerYear / HoursPerYear,
		facility: p.facilityKW * p.facilityUSDPerKWMonth / HoursPerMonth,
		energy:   avgW * 3600 * p.energyUSDPerJ(),
	}
}

// fixedPerHour is the node-hour cost that does not depend on the work done
// (energy at idle included).
func (p params) fixedPerHour() float64 { return p.hourlyAt(0).total() }

// fleetPerTask is the all-in cost per task at utilisation u.
func (p params) fleetPerTask(u float64) float64 {
	return p.hourlyAt(u).total() / (p.tasksPerS * 3600 * u)
}

// marginalPerTask is the cost of the energy above idle for one task.
func (p params) marginalPerTask() float64 { return p.marginalJPerTask * p.energyUSDPerJ() }

// capacityPerDay is one node's tasks per day at 100 % utilisation.
func (p params) capacityPerDay() float64 { return p.tasksPerS * 86400 }

// nodesFor is how many nodes a volume needs (at least one).
func (p params) nodesFor(tasksPerDay float64) int {
	n := int(math.Ceil(tasksPerDay / p.capacityPerDay()))
	return max(n, 1)
}
