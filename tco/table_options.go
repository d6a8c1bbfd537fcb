package tco

import (
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Headline says the answer in one line: owned, the cheapest rented term
// and the cheapest API model per task, and how old that API price is.
func Headline(c *runrecord.Cost) string {
	var parts []string
	var rented *runrecord.OptionCost
	for i, o := range c.Options {
		switch {
		case o.Kind == "owned":
			parts = append(parts, fmt.Sprintf("owned %s %s", o.Key, usd(o.USDPerTask.Value)))
		case o.Kind == "rented" && (rented == nil || o.USDPerTask.Value < rented.USDPerTask.Value):
			rented = &c.Options[i]
		}
	}
	if rented != nil {
		parts = append(parts, fmt.Sprintf("rented %s %s", rented.Key, usd(rented.USDPerTask.Value)))
	}
	lead := "Per task"
	if b := c.Throughput; b != nil && b.Basis == runrecord.BasisOfferedLoad {
		lead += " (on-prem at offered load, not capacity)"
	}
	pa := c.PriceAge
	if pa == nil || pa.CheapestAPI == "" {
		if len(parts) == 0 {
			return ""
		}
		return lead + ": " + strings.Join(parts, " · ") + successHeadline(c, "")
	}
	for _, a := range c.API {
		if a.Key == pa.CheapestAPI {
			parts = append(parts, fmt.Sprintf("cheapest API %s %s", a.Key, usd(a.USDPerTask.Value)))
		}
	}
	return fmt.Sprintf("%s: %s.%s The cheapest API's price was last checked %s.", lead, strings.Join(parts, " · "), successHeadline(c, pa.CheapestAPI),
		priceDate(pa.CheapestAPIDate, pa.CheapestAPIAgeDays, pa.CheapestAPIStale))
}

// successHeadline gives the cost per successful task of owned hardware and
// the cheapest API, when the workload's checks judged the tasks.
func successHeadline(c *runrecord.Cost, cheapest string) string {
	if c.Run.OutcomeBasis != runrecord.OutcomeChecked || c.OnPrem.Fleet.USDPerSuccessfulTask == nil {
		return ""
	}
	s := fmt.Sprintf(" Per successful task (%.0f%% passed the checks): owned %s", 100*c.Run.PassRate.Value, usd(c.OnPrem.Fleet.USDPerSuccessfulTask.Value))
	if a := apiFor(c.API, cheapest); a.USDPerSuccessfulTask != nil {
		s += fmt.Sprintf(" · %s %s (%s)", a.Key, usd(a.USDPerSuccessfulTask.Value), a.USDPerSuccessfulTask.Provenance)
	}
	return s + "."
}

// priceDate shows a price's date, age and stale flag.
func priceDate(date string, days int, stale bool) string {
	if date == "" {
		return "undated"
	}
	return runrecord.PriceDateText(date, days, stale)
}

// writeSideBySide prints owned, rented and API per task and the break-even
// between each pair.
func writeSideBySide(p func(string, ...any), c *runrecord.Cost) {
	if len(c.Options) == 0 {
		return
	}
	p("")
	p("OWNED, RENTED AND API side by side (same measured throughput, %s utilization)\tUSD/task\tUSD/successful task\tUSD/1M tok\tprovenance\tprice date (age)", pct(c.Scenario.Utilization))
	for _, o := range c.Options {
		date := "-"
		if o.PriceDate != "" {
			date = priceDate(o.PriceDate, o.PriceAgeDays, o.Stale)
		}
		p("  %s %s\t%s\t%s\t%s\t%s\t%s", o.Kind, o.Key, usd(o.USDPerTask.Value), usdTag(o.USDPerSuccessfulTask), usd(o.USDPerMillionTokens.Value), o.USDPerTask.Provenance, date)
	}
	if len(c.Pairs) == 0 {
		return
	}
	p("")
	p("BREAK-EVEN between each pair: where A becomes the cheaper\tA saves per month at the stated volume\tprovenance")
	for _, pr := range c.Pairs {
		p("  %s vs %s: %s\t%s\t%s", pr.A, pr.B, orString(pr.Text, pairText(pr)), usd(pr.SavingUSDPerMonth.Value), pr.SavingUSDPerMonth.Provenance)
	}
}

// pairText says where A starts to beat B.
func pairText(pr runrecord.PairBreakEven) string {
	var s []string
	if pr.TasksPerDay != nil {
		s = append(s, "above "+optNum(pr.TasksPerDay, "")+" tasks/day")
	}
	if pr.PaybackMonths != nil {
		s = append(s, "owning repays capex in "+optNum(pr.PaybackMonths, "")+" months")
	}
	if pr.EqualUSDPerGPUHour != nil {
		s = append(s, "equal at "+usd(pr.EqualUSDPerGPUHour.Value)+"/GPU-hour")
	}
	out := strings.Join(s, "; ")
	switch {
	case len(s) == 0 || !pr.Reachable && pr.TasksPerDay == nil && pr.PaybackMonths == nil:
		out = "never: " + pr.Reason
		if len(s) > 0 {
			out += "; " + strings.Join(s, "; ")
		}
	case pr.Reason != "":
		out += " (" + pr.Reason + ")"
	}
	return out
}

func orString(s, dflt string) string {
	if s != "" {
		return s
	}
	return dflt
}

// usdTag shows an optional cost with its provenance ("-" when absent).
func usdTag(f *runrecord.Figure) string {
	if f == nil {
		return "-"
	}
	return usd(f.Value) + " " + tag(*f)
}

// tokensBasisText names which token counts priced an API model.
func tokensBasisText(b string) string {
	switch b {
	case "tokenizer_approximation":
		return "approx. (other tokenizer)"
	case "":
		return "-"
	}
	return b
}

// writeOutcomeLines says how many tasks succeeded and at what throughput
// the node's cost is spread.
func writeOutcomeLines(p func(string, ...any), c *runrecord.Cost) {
	r := c.Run
	if r.OutcomeBasis == runrecord.OutcomeChecked {
		p("Success: %.0f of %.0f tasks passed the workload's checks, pass rate %s (measured); costs per successful task divide by them", r.SuccessfulTasks.Value, r.Tasks.Value, pct(runrecord.Figure{Value: r.PassRate.Value}))
	} else {
		p("Success not checked: %.0f of %.0f tasks had no failed step (the workload has no checks)", r.SuccessfulTasks.Value, r.Tasks.Value)
	}
	if b := c.Throughput; b != nil {
		line := "Throughput basis: " + b.Label
		if !b.Saturated {
			line += ". WARNING: the server was plainly not saturated (" + b.Reason + "): on-prem costs per task are upper bounds"
		}
		p("%s", line)
	}
}
