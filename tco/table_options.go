package tco

import (
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

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
	p("OWNED, RENTED AND API side by side: the same throughput at %s utilization", pct(c.Scenario.Utilization))
	p("  option\tUSD/task\tUSD/successful task\tUSD/1M tok\tprovenance\tprice date (age)")
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
	p("BREAK-EVEN between each pair: where A becomes the cheaper, and what A saves at the stated volume")
	for _, pr := range c.Pairs {
		line := fmt.Sprintf("%s vs %s: %s; %s", pr.A, pr.B, orString(pr.Text, pairText(pr)), monthlySaving(pr.SavingUSDPerMonth))
		for i, l := range wrap(line, 110) {
			p("%s%s", map[bool]string{false: "  ", true: "      "}[i > 0], l)
		}
	}
}

// monthlySaving says what A saves per month, or what it costs more.
func monthlySaving(f runrecord.Figure) string {
	if f.Value < 0 {
		return fmt.Sprintf("A costs %s/month MORE (%s)", usd(-f.Value), f.Provenance)
	}
	return fmt.Sprintf("A saves %s/month (%s)", usd(f.Value), f.Provenance)
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

// successSentence gives the cost per successful task of owned hardware and
// the cheapest API, when the workload's checks judged the tasks.
func successSentence(c *runrecord.Cost, cheapest int) string {
	if c.Run.OutcomeBasis != runrecord.OutcomeChecked || c.OnPrem.Fleet.USDPerSuccessfulTask == nil {
		return ""
	}
	s := fmt.Sprintf("Per successful task (%.0f%% passed the checks): on-prem %s", 100*c.Run.PassRate.Value, usd(c.OnPrem.Fleet.USDPerSuccessfulTask.Value))
	if cheapest >= 0 {
		if a := c.API[cheapest]; a.USDPerSuccessfulTask != nil {
			s += fmt.Sprintf(", %s %s (%s)", a.Key, usd(a.USDPerSuccessfulTask.Value), a.USDPerSuccessfulTask.Provenance)
		}
	}
	return s + "."
}
