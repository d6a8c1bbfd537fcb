package tco

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable prints a comparison for people: the on-prem breakdown, unit
// costs, every API model with break-even and payback, the utilization curve,
// the top of the tornado, the projection and the notes. Every figure shows
// its provenance.
func WriteTable(w io.Writer, c *runrecord.Cost) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	r := c.Run
	if h := orString(c.Headline, Headline(c)); h != "" {
		for _, l := range wrap(h, 100) {
			p("%s", l)
		}
		p("")
	}
	p("Run %s · model %s · workload %s", r.ID, dash(r.Model), dash(r.Workload))
	p("Measured: %.0f tasks, %.0f requests in %.1f s", r.Tasks.Value, r.Requests.Value, r.WindowS.Value)
	p("Tokens: %.0f input (%.0f cached), %.0f output (%.0f reasoning); %.0f tokens/task; %.3g tasks/s (measured)",
		r.InputTokens.Value, r.CachedInput.Value, r.OutputTokens.Value, r.ReasoningTokens.Value, r.TokensPerTask.Value, r.TasksPerS.Value)
	writeOutcomeLines(p, c)
	p("Hardware %s · site %s · prices %s (checked %s)", refText(c.Hardware), refText(c.Site), refText(c.Prices), c.Prices.Date)
	if pa := c.PriceAge; pa != nil {
		p("Prices: oldest used %s (%s) · %d older than %d days (flagged STALE)", pa.OldestDate, pa.OldestKey, pa.Stale, pa.StaleAfterDays)
	}
	s := c.Scenario
	p("Scenario: utilization %s · volume %.0f tasks/day (%s) · %s node(s)", pct(s.Utilization), s.VolumeTasksPerDay.Value, s.VolumeTasksPerDay.Provenance, num(s.Nodes.Value))
	p("")
	h := c.OnPrem.PerNodeHour
	p("ON-PREM, one node, per hour at %s utilization\tUSD/hour\tprovenance", pct(s.Utilization))
	for _, row := range []struct {
		name string
		f    runrecord.Figure
	}{{"capex (" + h.CapexMethod + ")", h.CapexUSDPerHour}, {"maintenance", h.MaintenanceUSDPerHour}, {"staff", h.StaffUSDPerHour},
		{"facility", h.FacilityUSDPerHour}, {"energy", h.EnergyUSDPerHour}, {"total", h.TotalUSDPerHour}} {
		p("  %s\t%s\t%s", row.name, usd(row.f.Value), row.f.Provenance)
	}
	pw := c.OnPrem.Power
	p("  power (%s): busy %s W %s, idle %s W %s, average %s W,", pw.Basis,
		num(pw.BusyNodePowerW.Value), tag(pw.BusyNodePowerW), num(pw.IdleNodePowerW.Value), tag(pw.IdleNodePowerW), num(pw.AverageNodePowerW.Value))
	p("    PUE %s %s, %s/kWh %s", num(pw.PUE.Value), tag(pw.PUE), usd(pw.ElectricityUSDPerKWh.Value), tag(pw.ElectricityUSDPerKWh))
	p("")
	f, m := c.OnPrem.Fleet, c.OnPrem.Marginal
	p("ON-PREM unit costs\tfleet\tmarginal (energy above idle)")
	p("  per task\t%s %s\t%s %s", usd(f.USDPerTask.Value), tag(f.USDPerTask), usd(m.USDPerTask.Value), tag(m.USDPerTask))
	p("  per successful task\t%s\t%s", usdTag(f.USDPerSuccessfulTask), usdTag(m.USDPerSuccessfulTask))
	p("  per request\t%s %s\t%s %s", usd(f.USDPerRequest.Value), tag(f.USDPerRequest), usd(m.USDPerRequest.Value), tag(m.USDPerRequest))
	p("  per million tokens\t%s %s\t%s %s", usd(f.USDPerMillionTokens.Value), tag(f.USDPerMillionTokens), usd(m.USDPerMillionTokens.Value), tag(m.USDPerMillionTokens))
	p("  per million output tokens\t%s %s\t%s %s", usd(f.USDPerMillionOutputTokens.Value), tag(f.USDPerMillionOutputTokens), usd(m.USDPerMillionOutputTokens.Value), tag(m.USDPerMillionOutputTokens))
	p("")
	writeAPITable(p, c)
	for _, ra := range c.RecordedAPI {
		p("  recorded by the workload's source: %s\t%s\t%s\t%s", ra.Model, usd(ra.USDPerTask.Value), usdTag(ra.USDPerSuccessfulTask), ra.USDPerTask.Provenance)
	}
	if j := c.Judge; j != nil && j.TotalUSD != nil {
		p("  judge (checking, not part of any option): %s, %d requests\t%s total\t%s/task\t%s", j.Key, j.Requests, usd(j.TotalUSD.Value), usd(j.USDPerTask.Value), j.TotalUSD.Provenance)
	}
	writeSideBySide(p, c)
	p("")
	var curve []string
	for _, pt := range c.UtilizationCurve {
		curve = append(curve, fmt.Sprintf("%.0f%% %s", pt.UtilizationFraction*100, usd(pt.USDPerTask)))
	}
	for i, l := range wrap("Fleet USD/task by utilization: "+strings.Join(curve, " · "), 110) {
		p("%s%s", map[bool]string{true: "  "}[i > 0], l)
	}
	p("")
	sn := c.Sensitivity
	p("SENSITIVITY: on-prem minus %s, USD/task (base %s), each input moved ±%.0f%%", sn.ReferenceModel, usd(sn.BaseUSDPerTask), sn.SwingFraction*100)
	p("  input\tlow\thigh\tswing\tprovenance")
	for i, row := range sn.Rows {
		if i == 8 {
			break
		}
		p("  %s\t%s\t%s\t%s\t%s", row.Input, usd(row.LowUSDPerTask), usd(row.HighUSDPerTask), usd(row.SwingUSDPerTask), row.Provenance)
	}
	p("")
	pj := c.Projection
	p("PROJECTION against %s: API prices −%s/yr, tokens/task +%s/yr", pj.ReferenceModel, pct(s.APIPriceDeclinePerYear), pct(s.TokensPerTaskGrowthPerYear))
	p("  year\tAPI USD\ton-prem USD\tnodes")
	for _, y := range pj.Years {
		p("  %d\t%s\t%s\t%d", y.Year, usd(y.APIUSD), usd(y.OnPremUSD), y.Nodes)
	}
	p("  %s", savingText(pj))
	if len(c.Notes) > 0 {
		p("")
		p("Notes:")
		for _, n := range c.Notes {
			for i, l := range wrap(n, 112) {
				p("%s%s", map[bool]string{false: "  - ", true: "    "}[i > 0], l)
			}
		}
	}
	return tw.Flush()
}

// refText names a profile: its name, with its file when it is not built in.
func refText(r runrecord.ProfileRef) string {
	s := r.Name
	if r.Path != "" && !strings.HasPrefix(r.Path, EmbeddedPrefix) {
		s += " (" + r.Path + ")"
	}
	if v, _, _ := strings.Cut(r.Version, " ("); v != "" {
		s += " " + v
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func tag(f runrecord.Figure) string { return "(" + string(f.Provenance) + ")" }

func pct(f runrecord.Figure) string {
	s := fmt.Sprintf("%.0f%%", f.Value*100)
	if f.Provenance != "" {
		s += " (" + string(f.Provenance) + ")"
	}
	return s
}

// FormatUSD formats money for people, with enough digits for fractions of
// a cent and no exponent: "$12.02", "$0.000432", "-$942336".
func FormatUSD(v float64) string { return usd(v) }

// usd formats money with enough digits for fractions of a cent.
func usd(v float64) string {
	sign, a := "", math.Abs(v)
	if v < 0 {
		sign = "-"
	}
	switch {
	case a >= 1000:
		return fmt.Sprintf("%s$%.0f", sign, a)
	case a >= 1:
		return fmt.Sprintf("%s$%.2f", sign, a)
	case a == 0:
		return "$0"
	default:
		return sign + "$" + FormatSig3(a)
	}
}

// FormatSig3 formats a value with three significant digits and no
// exponent (0.0000281, not 2.81e-05; -0.5 is -0.500), for readers outside
// engineering.
func FormatSig3(v float64) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	decimals := max(0, 2-int(math.Floor(math.Log10(math.Abs(v)))))
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.0f", v)
	}
	if a := math.Abs(v); a > 0 && a < 1 {
		return FormatSig3(v)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func ratio(f *runrecord.Figure) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%.2f×", f.Value)
}

func optNum(f *runrecord.Figure, none string) string {
	if f == nil {
		return none
	}
	if f.Value >= 10 {
		return fmt.Sprintf("%.0f", f.Value)
	}
	return fmt.Sprintf("%.1f", f.Value)
}

func provOf(api []runrecord.APICost) runrecord.Provenance {
	var ps []runrecord.Provenance
	for _, a := range api {
		ps = append(ps, a.USDPerTask.Provenance)
	}
	return runrecord.Weakest(ps...)
}

func provOfBE(be []runrecord.BreakEven) runrecord.Provenance {
	var ps []runrecord.Provenance
	for _, b := range be {
		if b.TasksPerDay != nil {
			ps = append(ps, b.TasksPerDay.Provenance)
		}
		ps = append(ps, b.SavingUSDPerMonth.Provenance)
	}
	return runrecord.Weakest(ps...)
}

// payback shows payback months, marking a payback beyond the amortisation period.
func payback(be runrecord.BreakEven) string {
	s := optNum(be.PaybackMonths, "never")
	if be.PaybackMonths != nil && be.PaybackReason != "" {
		s += " (> life)"
	}
	return s
}

// savingText says what the projection saves, or what owning costs more.
func savingText(pj runrecord.Projection) string {
	f := pj.CumulativeSavingUSD
	if f.Value < 0 {
		return fmt.Sprintf("over %d years on-prem costs %s MORE than %s (%s)", len(pj.Years), usd(-f.Value), pj.ReferenceModel, f.Provenance)
	}
	return fmt.Sprintf("over %d years on-prem saves %s against %s (%s)", len(pj.Years), usd(f.Value), pj.ReferenceModel, f.Provenance)
}

// wrap breaks text into lines of at most width characters, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len([]rune(line))+1+len([]rune(w)) > width {
			lines, line = append(lines, line), w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}
