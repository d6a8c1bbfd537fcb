package tco

import (
	"fmt"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// rentedCosts prices the run's measured throughput on each term of each
// rental profile: a rented node kept up all the time at the stated
// utilisation, its hourly price the whole cost (staff, storage and egress
// are not priced).
func rentedCosts(p params, rentals []*Rental, rf runrecord.RunFigures, util runrecord.Figure, now time.Time, staleAfter time.Duration) []runrecord.RentedCost {
	var out []runrecord.RentedCost
	for _, r := range rentals {
		for _, term := range r.OfferedTerms() {
			perNode, perGPU, from, field, _ := r.Price(term)
			src := fmt.Sprintf("%s terms.%s.%s: %s (%s)", r.Name, term, field, from.Source, from.Date)
			prov := from.Provenance()
			days, stale := PriceAge(from.Date, now, staleAfter)
			nodeSrc, gpuSrc := src, src
			if field == "usd_per_gpu_hour" {
				nodeSrc = "usd_per_gpu_hour × accelerators_per_node; " + src
			} else {
				gpuSrc = "usd_per_node_hour / accelerators_per_node; " + src
			}
			node := fig(perNode, prov, nodeSrc)
			out = append(out, runrecord.RentedCost{
				Name: r.Name, Term: term, Provider: r.Provider, Instance: r.Instance, Path: r.Path, Hardware: r.Hardware,
				USDPerGPUHour: fig(perGPU, prov, gpuSrc), USDPerNodeHour: node,
				PriceDate: from.Date, PriceAgeDays: days, Stale: stale,
				Fleet: rentedUnitCosts(p, node, util, rf),
			})
		}
	}
	return out
}

// rentedUnitCosts spreads the node-hour price over the work done at the
// stated utilisation, as the fleet view of owned hardware does.
func rentedUnitCosts(p params, node, util runrecord.Figure, rf runrecord.RunFigures) runrecord.UnitCosts {
	prov := provs(node, util, rf.TasksPerS)
	u := util.Value
	per := func(rate, scale float64, what string) runrecord.Figure {
		return fig(node.Value/(rate*3600*u)*scale, prov, "usd_per_node_hour / ("+what+" × 3600 × utilization)")
	}
	return runrecord.UnitCosts{
		USDPerTask:                per(p.tasksPerS, 1, "tasks_per_s"),
		USDPerRequest:             per(p.requestsPerS, 1, "requests_per_s"),
		USDPerMillionTokens:       per(p.tokensPerS, 1e6, "tokens_per_s"),
		USDPerMillionOutputTokens: per(p.outputTokensPerS, 1e6, "output_tokens_per_s"),
	}
}

// ownedVsRented compares owning one node with renting it for one term: the
// months owning takes to repay its capex against the rent, and the rental
// price at which both cost the same per hour.
func ownedVsRented(p params, c *runrecord.Cost, rc runrecord.RentedCost, gpus float64) runrecord.PairBreakEven {
	owned := c.OnPrem.PerNodeHour.TotalUSDPerHour
	rent := rc.USDPerNodeHour
	prov := provs(owned, rent, c.Scenario.Nodes)
	n := c.Scenario.Nodes.Value
	opexPerHour := owned.Value - p.capexPerHour()
	out := runrecord.PairBreakEven{A: "owned " + c.Hardware.Name, B: "rented " + rc.Name + "/" + rc.Term,
		SavingUSDPerMonth: fig(n*(rent.Value-owned.Value)*HoursPerMonth, prov, "nodes × (rented usd_per_node_hour − owned total_usd_per_hour) × 730 h")}
	if gpus > 0 {
		out.EqualUSDPerGPUHour = pfig(owned.Value/gpus, provs(owned), "owned total_usd_per_hour / accelerators_per_node: the rental price at which owning costs the same")
	}
	if rent.Value <= opexPerHour {
		out.Reason = fmt.Sprintf("renting at %s per node-hour costs no more than owning's operating cost alone (%s): owning never pays back", usd(rent.Value), usd(opexPerHour))
		return out
	}
	out.Reachable = true
	months := p.capexUSD() / ((rent.Value - opexPerHour) * HoursPerMonth)
	out.PaybackMonths = pfig(months, prov, "capex / ((rented usd_per_node_hour − owned operating cost per hour) × 730 h)")
	if life := p.amortYears * 12; months > life {
		out.Reason = fmt.Sprintf("owning repays its capex after %.0f months of renting, beyond the %.0f-month amortisation period", months, life)
	}
	return out
}

// rentedVsAPI compares one rented node with an API model: the volume above
// which the node costs less per day, and the saving at the stated volume.
func rentedVsAPI(p params, c *runrecord.Cost, rc runrecord.RentedCost, a runrecord.APICost) runrecord.PairBreakEven {
	rent, api := rc.USDPerNodeHour, a.USDPerTask
	vol, n := c.Scenario.VolumeTasksPerDay, c.Scenario.Nodes.Value
	prov := provs(rent, api, vol)
	out := runrecord.PairBreakEven{A: "rented " + rc.Name + "/" + rc.Term, B: "api " + a.Key,
		SavingUSDPerMonth: fig(api.Value*vol.Value*DaysPerMonth-n*rent.Value*HoursPerMonth, prov, "API usd_per_task × volume × 30.4 days − nodes × usd_per_node_hour × 730 h")}
	capacity := p.capacityPerDay()
	switch vStar := rent.Value * 24 / api.Value; {
	case api.Value <= 0:
		out.Reason = "the API model costs nothing per task"
	case vStar > capacity:
		out.Reason = fmt.Sprintf("one rented node at 100%% utilization costs %s per task, above the API's %s", usd(rent.Value/(p.tasksPerS*3600)), usd(api.Value))
	default:
		out.Reachable = true
		out.TasksPerDay = pfig(vStar, provs(rent, api), "usd_per_node_hour × 24 / API usd_per_task, one node")
	}
	return out
}

// ownedVsAPI restates an owned-against-API break-even as a pair.
func ownedVsAPI(c *runrecord.Cost, be runrecord.BreakEven) runrecord.PairBreakEven {
	out := runrecord.PairBreakEven{A: "owned " + c.Hardware.Name, B: "api " + be.Key, Reachable: be.Reachable, Reason: be.Reason,
		TasksPerDay: be.TasksPerDay, PaybackMonths: be.PaybackMonths, SavingUSDPerMonth: be.SavingUSDPerMonth}
	if out.Reason == "" {
		out.Reason = be.PaybackReason
	}
	return out
}
