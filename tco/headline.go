package tco

import (
	"fmt"
	"math"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Headline says the answer in a few plain sentences, every figure with its
// provenance: what one task costs on the owned node at the stated
// utilization, the cheapest API compared and its price's date, the volume
// above which owning is the cheaper, payback at the stated volume against
// the hardware's life, and the cheapest rented term when one was priced.
func Headline(c *runrecord.Cost) string {
	var s []string
	f, sc := c.OnPrem.Fleet.USDPerTask, c.Scenario
	if f.Provenance != "" || f.Value != 0 {
		owned := fmt.Sprintf("On-prem on %s costs %s per task (%s) at %s utilization", c.Hardware.Name, usd(f.Value), f.Provenance, pct(sc.Utilization))
		if cp := c.OnPrem.CapacityTasksPerDay; cp.Value > 0 {
			owned += fmt.Sprintf("; one node does %s tasks/day at full use", count(cp.Value))
			if c.MeasuredElsewhere != "" {
				owned += " (throughput as measured on other hardware, not projected: " + c.MeasuredElsewhere + ")"
			} else if t := throughputText(c.Run.TasksPerS); t != "" {
				owned += " (" + t + ")"
			}
		}
		if b := c.Throughput; b != nil && b.Basis == runrecord.BasisOfferedLoad {
			owned += ", priced at offered load, not capacity"
			if !b.Saturated {
				owned += " (the server was plainly not saturated: an upper bound)"
			}
		}
		s = append(s, owned+".")
	}
	if i := cheapestAPI(c.API); i >= 0 {
		s = append(s, apiSentences(c, i)...)
	}
	if t := successSentence(c, cheapestAPI(c.API)); t != "" {
		s = append(s, t)
	}
	if r := cheapestRented(c.Options); r != nil {
		s = append(s, fmt.Sprintf("Renting (%s) would cost %s per task (%s price, %s).", r.Key, usd(r.USDPerTask.Value), r.USDPerTask.Provenance,
			ageWords(r.PriceDate, r.PriceAgeDays, r.Stale)))
	}
	return strings.Join(s, " ")
}

// apiSentences compare the owned node with API model i: its price and
// date, the break-even volume, and payback at the stated volume.
func apiSentences(c *runrecord.Cost, i int) []string {
	a := c.API[i]
	out := []string{fmt.Sprintf("The cheapest API compared, %s, costs %s per task (%s price, %s).", a.Key, usd(a.USDPerTask.Value),
		a.USDPerTask.Provenance, ageWords(a.Checked, a.PriceAgeDays, a.Stale))}
	if i >= len(c.BreakEven) || c.OnPrem.Fleet.USDPerTask.Value == 0 {
		return out
	}
	be := c.BreakEven[i]
	if !be.Reachable || be.TasksPerDay == nil {
		return append(out, fmt.Sprintf("Owning never becomes cheaper than %s: %s.", a.Key, be.Reason))
	}
	out = append(out, fmt.Sprintf("Owning becomes the cheaper above %s tasks/day (%s).", count(be.TasksPerDay.Value), be.TasksPerDay.Provenance))
	vol := c.Scenario.VolumeTasksPerDay
	at := fmt.Sprintf("At %s tasks/day (%s)", count(vol.Value), vol.Provenance)
	if vol.Provenance == runrecord.Assumed {
		at = fmt.Sprintf("At %s tasks/day (assumed: one node's capacity at the stated utilization; state a volume for yours)", count(vol.Value))
	}
	if be.PaybackMonths == nil {
		return append(out, at+" owning never pays back its capex: "+be.PaybackReason+".")
	}
	return append(out, fmt.Sprintf("%s owning pays back its capex in %s.", at, PaybackText(c, be)))
}

// PaybackText says payback at the stated volume against the hardware's
// life: "11 months (assumed), within the hardware's 4-year life", or why
// it never pays back.
func PaybackText(c *runrecord.Cost, be runrecord.BreakEven) string {
	pb := be.PaybackMonths
	switch {
	case pb == nil && be.PaybackReason != "":
		return "never: " + be.PaybackReason
	case pb == nil:
		return "never"
	case be.PaybackReason != "":
		return fmt.Sprintf("%s months (%s), beyond the hardware's %s", months(pb.Value), pb.Provenance, lifeText(c))
	}
	return fmt.Sprintf("%s months (%s), within the hardware's %s", months(pb.Value), pb.Provenance, lifeText(c))
}

// BreakEvenText says above which volume owning is the cheaper, or why never.
func BreakEvenText(c *runrecord.Cost, be runrecord.BreakEven) string {
	if !be.Reachable || be.TasksPerDay == nil {
		return "never: " + be.Reason
	}
	s := count(be.TasksPerDay.Value) + " tasks/day"
	if cp := c.OnPrem.CapacityTasksPerDay.Value; cp > 0 {
		s += " (" + FormatPercent(be.TasksPerDay.Value/cp) + " of one node)"
	}
	return s
}

// FormatPercent writes a fraction as a whole percentage, a share above 0
// but under 0.5 % as "<1%" (never "0%" for something that is there).
func FormatPercent(f float64) string {
	if f > 0 && f < 0.005 {
		return "<1%"
	}
	return fmt.Sprintf("%.0f%%", 100*f)
}

// ageWords dates a price in words: "checked 2026-09-23, 67 days ago".
func ageWords(date string, days int, stale bool) string {
	if date == "" {
		return "undated"
	}
	s := fmt.Sprintf("checked %s, %d days ago", date, days)
	if stale {
		s += ", STALE: re-check it"
	}
	return s
}

// cheapestAPI is the index of the API model with the lowest cost per task (-1: none).
func cheapestAPI(api []runrecord.APICost) int {
	best := -1
	for i, a := range api {
		if best < 0 || a.USDPerTask.Value < api[best].USDPerTask.Value {
			best = i
		}
	}
	return best
}

// cheapestRented is the rented option with the lowest cost per task (nil: none).
func cheapestRented(opts []runrecord.OptionCost) *runrecord.OptionCost {
	var r *runrecord.OptionCost
	for i, o := range opts {
		if o.Kind == "rented" && (r == nil || o.USDPerTask.Value < r.USDPerTask.Value) {
			r = &opts[i]
		}
	}
	return r
}

// throughputText names where the node's throughput came from.
func throughputText(f runrecord.Figure) string {
	switch f.Provenance {
	case "":
		return ""
	case runrecord.Projected:
		return "throughput projected by the performance model"
	}
	return "throughput " + string(f.Provenance) + " on this run"
}

// lifeText is the hardware's amortisation period, "4-year life".
func lifeText(c *runrecord.Cost) string {
	for _, r := range c.Sensitivity.Rows {
		if r.Input == "amortisation_years" && r.BaseValue > 0 {
			return fmt.Sprintf("%s-year life", num(r.BaseValue))
		}
	}
	if n := len(c.Projection.Years); n > 0 {
		return fmt.Sprintf("%d-year life", n)
	}
	return "life"
}

// FormatCount shows a count with thousands separated: 21468 → "21,468".
func FormatCount(v float64) string { return count(v) }

// count shows a volume with thousands separated: 21468 → "21,468".
func count(v float64) string {
	n := int64(math.Round(v))
	s := fmt.Sprintf("%d", n)
	if n < 0 {
		return "-" + count(-v)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// months shows a payback period: one decimal below 10, whole months above.
func months(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}
