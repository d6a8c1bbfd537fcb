package report

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// md escapes outside text for Markdown: no HTML, no table breaks, no links.
func md(s string) string {
	r := strings.NewReplacer("\\", "\\\\", "|", "\\|", "<", "&lt;", ">", "&gt;", "&", "&amp;", "`", "\\`",
		"*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "\r", " ", "\n", " ")
	return r.Replace(s)
}

// Markdown writes the report as Markdown, for pull requests and chat.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# tcobench report: %s\n\n", md(r.Title))
	for _, a := range r.answers() {
		if r.Suite {
			fmt.Fprintf(&b, "- **%s**: ", md(a.Run))
		}
		if a.Cost != "" {
			fmt.Fprintf(&b, "%s **%s**\n\n", md(a.Measured), md(a.Cost))
		} else {
			fmt.Fprintf(&b, "%s _%s_\n\n", md(a.Measured), md(a.NotPriced))
		}
	}
	if r.Suite {
		r.mdSuite(&b)
	}
	for i, rr := range r.Runs {
		mdRun(&b, i, rr, r.Suite)
	}
	b.WriteString("\nProvenance: measured on this run; configured by you; assumed default; derived from measured and configured inputs.\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) mdSuite(b *strings.Builder) {
	fmt.Fprintf(b, "Suite of %d runs.\n\n", len(r.Runs))
	b.WriteString("| # | Run | Workload | Target | Model | Load | TTFT p99 | E2E p99 | Output throughput | Energy per token | Cost per task |\n")
	b.WriteString("|---|---|---|---|---|---|---:|---:|---:|---:|---:|\n")
	for i, rr := range r.Runs {
		fmt.Fprintf(b, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", i+1, md(rr.ID), md(rr.Workload), md(rr.Target), md(rr.Model), md(rr.Load),
			figValue(rr, "ttft_p99"), figValue(rr, "e2e_p99"), figValue(rr, "output_tok_s"), figValue(rr, "j_per_token"), figValue(rr, "cost_per_task_usd"))
	}
	for _, f := range r.Failed {
		fmt.Fprintf(b, "\n> Run %s did not finish: %s\n", md(f.Dir), md(f.Error))
	}
	b.WriteString("\n")
	mdSweeps(b, r.Sweeps)
}

// mdSweeps writes the operating curve of each sweep as a table.
func mdSweeps(b *strings.Builder, sw []Sweep) {
	for _, s := range sw {
		if len(s.Points) < 2 {
			continue
		}
		fmt.Fprintf(b, "### Operating curve: %s @ %s\n\n", md(s.Workload), md(s.Target))
		b.WriteString("| Load | Output tokens/s | Tokens/s per user (1000 / TPOT p90) | TTFT p90 | USD per million output tokens | J per output token | Meets SLOs |\n|---|---:|---:|---:|---:|---:|---|\n")
		best := s.Best()
		for i, p := range s.Points {
			load := md(p.Load)
			if i == best {
				load += " **(highest meeting the SLOs)**"
			}
			usd, j, meets := "not priced", "not measured", "no SLOs"
			if p.USDPerMTok > 0 {
				usd = tco.FormatUSD(p.USDPerMTok)
			}
			if p.JPerToken > 0 {
				j = FormatValue(p.JPerToken, "J/token")
			}
			if p.HasSLOs {
				meets = map[bool]string{true: "yes", false: "no"}[p.Meets]
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s ms | %s | %s | %s |\n", load, FormatValue(p.OutputTokS, "tokens/s"),
				FormatValue(p.UserTokS, "tokens/s"), FormatValue(p.TTFTP90MS, "ms"), usd, j, meets)
		}
		b.WriteString("\nAll measured on these runs, except cost (derived from measured throughput and configured prices).\n\n")
	}
}

func mdRun(b *strings.Builder, i int, rr RunReport, suite bool) {
	h := "##"
	if suite {
		fmt.Fprintf(b, "%s %d. Run %s\n\n", h, i+1, md(rr.ID))
	} else {
		fmt.Fprintf(b, "%s Run %s\n\n", h, md(rr.ID))
	}
	if rr.Partial {
		fmt.Fprintf(b, "> **Partial run**: %s\n\n", md(rr.PartialReason))
	}
	for _, w := range rr.Warnings {
		fmt.Fprintf(b, "> Warning: %s\n", md(w))
	}
	if len(rr.Warnings) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(b, "- Workload: %s\n- Target: %s (%s, %s)\n- Model: %s\n- Load: %s\n- Started: %s, ran %.1f s\n\n",
		md(rr.Workload), md(rr.Target), md(rr.Backend), md(rr.Server), md(rr.Model), md(rr.Load), rr.Started.Format("2006-01-02 15:04:05 MST"), rr.DurationS)
	b.WriteString("| Figure | Value | Unit | Provenance | How |\n|---|---:|---|---|---|\n")
	for _, f := range append(rr.Figures[:len(rr.Figures):len(rr.Figures)], rr.Config...) {
		unit := f.Unit
		if unit == "fraction" {
			unit = "%"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", md(f.Label), FormatValue(f.Value, f.Unit), md(unit), f.Provenance, md(f.Source))
	}
	b.WriteString("\n")
	mdFleet(b, rr.Fleet)
	if e := rr.Energy; e != nil && !e.Measured {
		fmt.Fprintf(b, "Energy not measured on this run: %s\n\n", md(e.Reason))
	}
	if c := rr.Cost; c != nil {
		mdCost(b, c)
	}
	if len(rr.Errors) > 0 {
		keys := make([]string, 0, len(rr.Errors))
		for k := range rr.Errors {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString("Failed requests:")
		for _, k := range keys {
			fmt.Fprintf(b, " %s ×%d", md(k), rr.Errors[k])
		}
		b.WriteString("\n\n")
	}
}

// JSON writes the report as indented JSON.
func (r *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	lead := struct {
		Answers []Answer `json:"answers"`
		*Report
	}{r.answers(), r}
	if err := enc.Encode(lead); err != nil {
		return fmt.Errorf("write json report: %w", err)
	}
	return nil
}

// Write renders the report in a format: "md" (or "markdown"), "html",
// "json" or "csv".
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "md", "markdown":
		return r.Markdown(w)
	case "html":
		return r.HTML(w)
	case "json":
		return r.JSON(w)
	case "csv":
		return r.CSV(w)
	}
	return fmt.Errorf("unknown report format %q (want md, html, json or csv)", format)
}

func mdCost(b *strings.Builder, c *CostView) {
	cmp := c.Comparison
	if c.Headline != "" {
		fmt.Fprintf(b, "**%s**\n\n", md(c.Headline))
	}
	prices := md(cmp.Prices.Name)
	if v := cmp.Prices.Version; v != "" {
		prices += " (" + md(v) + ")"
	}
	fmt.Fprintf(b, "Priced with hardware %s, site %s, prices %s, at %.0f%% utilization (%s).\n\n", md(cmp.Hardware.Name), md(cmp.Site.Name), prices, 100*c.Utilisation.Value, c.Utilisation.Provenance)
	if pa := c.PriceAge; pa != nil && pa.Stale > 0 {
		fmt.Fprintf(b, "> **Stale prices**: %d of the prices used are older than %d days (oldest: %s, %s). Re-check them before quoting these figures.\n\n",
			pa.Stale, pa.StaleAfterDays, md(pa.OldestKey), md(pa.OldestDate))
	}
	for _, line := range []string{c.Success, c.Basis} {
		if line != "" {
			fmt.Fprintf(b, "%s\n\n", md(line))
		}
	}
	b.WriteString("| Option, cheapest API first | USD per task | USD per successful task | Provenance | Price date | Owning is the cheaper above | Payback at the stated volume |\n|---|---:|---:|---|---|---|---|\n")
	if c.HasOnPrem {
		fmt.Fprintf(b, "| **on-prem %s** (fleet, all-in) | %s | %s | %s | | | |\n", md(cmp.Hardware.Name), tco.FormatUSD(c.OnPremPerTaskUSD), figUSD(c.OnPremPerSuccessfulTask), c.OnPremProvenance)
	}
	for _, a := range c.APIRows() {
		fmt.Fprintf(b, "| API: %s | %s | %s | %s price | %s | %s | %s |\n", md(a.Model), tco.FormatUSD(a.PerTaskUSD), figUSD(a.PerSuccessfulTask), a.Provenance,
			md(runrecord.PriceDateText(a.Checked, a.AgeDays, a.Stale)), md(withProvenance(a.BreakEven, a.BreakEvenProvenance)), md(a.Payback))
	}
	b.WriteString("\n")
	mdSideBySide(b, c)
}

// mdSideBySide sets owned, rented and API per task side by side, with the
// break-even between each pair.
// withProvenance labels a derived text figure with its provenance ("" stays "").
func withProvenance(text string, p runrecord.Provenance) string {
	if text == "" || p == "" {
		return text
	}
	return text + " (" + string(p) + ")"
}

func mdSideBySide(b *strings.Builder, c *CostView) {
	if len(c.Options) == 0 {
		return
	}
	b.WriteString("Owned, rented and API side by side, for the same measured throughput:\n\n")
	b.WriteString("| Option | USD per task | USD per successful task | USD per million tokens | Provenance | Price date |\n|---|---:|---:|---:|---|---|\n")
	for _, o := range c.Options {
		fmt.Fprintf(b, "| %s %s | %s | %s | %s | %s | %s |\n", o.Kind, md(o.Key), tco.FormatUSD(o.USDPerTask.Value), figUSD(o.USDPerSuccessfulTask), tco.FormatUSD(o.USDPerMillionTokens.Value),
			o.USDPerTask.Provenance, md(runrecord.PriceDateText(o.PriceDate, o.PriceAgeDays, o.Stale)))
	}
	b.WriteString("\n")
	if len(c.Pairs) == 0 {
		return
	}
	b.WriteString("| Pair (A vs B) | Where A becomes the cheaper | A saves per month at the stated volume (USD) | Provenance |\n|---|---|---:|---|\n")
	for _, p := range c.Pairs {
		fmt.Fprintf(b, "| %s vs %s | %s | %s | %s |\n", md(p.A), md(p.B), md(p.Text), tco.FormatUSD(p.SavingUSDPerMonth.Value), p.SavingUSDPerMonth.Provenance)
	}
	b.WriteString("\n")
}

// figUSD shows an optional cost with its provenance ("-" when absent).
func figUSD(f *runrecord.Figure) string {
	if f == nil {
		return "-"
	}
	return tco.FormatUSD(f.Value) + " (" + string(f.Provenance) + ")"
}

// CostMarkdown writes a run's priced comparison alone, as the report's
// cost section does.
func CostMarkdown(w io.Writer, c *runrecord.Cost) error {
	v := rundata.CostView(c)
	if v == nil {
		return nil
	}
	var b strings.Builder
	mdCost(&b, &CostView{Cost: v, Comparison: c, BreakEvenUtilisation: v.BreakEven, Hourly: hourly(c.OnPrem.PerNodeHour)})
	_, err := io.WriteString(w, b.String())
	return err
}
