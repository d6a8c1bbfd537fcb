package tco

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// writeAPITable prints every API model, cheapest first, with the volume
// above which owning is the cheaper and payback at the stated volume; a
// "never" carries a letter whose reason follows the table.
func writeAPITable(p func(string, ...any), c *runrecord.Cost) {
	order := make([]int, len(c.API))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return c.API[order[i]].USDPerTask.Value < c.API[order[j]].USDPerTask.Value })
	p("API MODELS, cheapest first: tokens × catalog prices (%s); tokens: which counts priced it", provOf(c.API))
	p("  model\tUSD/task\tUSD/successful task\tbatch\tUSD/1M tok\ton-prem÷API\towning cheaper above\tpayback mo\ttokens\tage days")
	var reasons []string
	letter := map[string]string{}
	mark := func(reason string) string {
		if reason == "" {
			return ""
		}
		key := reasonKind(reason)
		if _, ok := letter[key]; !ok {
			letter[key] = string(rune('a' + len(letter)))
			reasons = append(reasons, fmt.Sprintf("  (%s) %s", letter[key], key))
		}
		return " (" + letter[key] + ")"
	}
	for _, i := range order {
		a := c.API[i]
		be := runrecord.BreakEven{}
		if i < len(c.BreakEven) {
			be = c.BreakEven[i]
		}
		above := "never" + mark(be.Reason)
		if be.TasksPerDay != nil {
			above = count(be.TasksPerDay.Value) + " tasks/day"
		}
		pb := payback(be)
		if be.PaybackMonths == nil {
			pb += mark(be.PaybackReason)
		}
		p("  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s", clipMiddle(a.Key, 32), usd(a.USDPerTask.Value), usdTag(a.USDPerSuccessfulTask), usd(a.BatchUSDPerTask.Value), usd(a.USDPerMillionTokens.Value),
			ratio(a.OnPremFleetRatio), above, pb, tokensBasisText(a.TokensBasis), ageText(a.PriceAgeDays, a.Stale))
	}
	p("  (on-prem/API uses the fleet cost; break-even and payback: %s; > life: after the amortisation period)", provOfBE(c.BreakEven))
	for _, r := range reasons {
		p("%s", r)
	}
}

// reasonKind is what a break-even or payback reason says without its
// figures, the same words for every model it applies to (the figures of
// each are in cost.json).
func reasonKind(r string) string {
	for _, k := range []string{neverEnergy, neverFull, neverPayback} {
		if strings.HasPrefix(r, k) {
			return "never: " + k
		}
	}
	return r
}

// ageText shows a price's age in days, flagged when stale (the dates are
// in cost.json and the catalog).
func ageText(days int, stale bool) string {
	s := fmt.Sprintf("%d", days)
	if stale {
		s += " STALE"
	}
	return s
}

// clipMiddle shortens s to n characters by cutting out its middle.
func clipMiddle(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	head := (n - 1) / 2
	return string(r[:head]) + "…" + string(r[len(r)-(n-1-head):])
}
