package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"

	"github.com/tcobench/tcobench/report/chart"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/tco"
)

// runCharts draws every chart of one run, in a fixed order. A chart whose
// data the run lacks says "not measured on this run".
func runCharts(d *rundata.Data, rr *RunReport, standalone bool) []template.HTML {
	out := []template.HTML{
		cdfChart("TTFT distribution (CDF, measured)", "time to first token (ms)", d, rundata.SampleTTFT),
		cdfChart("End-to-end latency distribution (CDF, measured)", "end-to-end latency (ms)", d, rundata.SampleE2E),
		chart.NotMeasured("Throughput against latency (measured)", "one load point on this run: a sweep or suite draws this"),
	}
	out = append(out, telemetryCharts(d)...)
	out = append(out, energyChart(rr), costCurveChart(rr), tornadoChart(rr))
	if standalone || rr.Cost == nil {
		out = append(out, costBarChart(rr)) // else it leads the report, beside the answer
	}
	return out
}

func cdfChart(title, xl string, d *rundata.Data, sample string) template.HTML {
	s := d.Sorted(sample)
	if len(s) == 0 {
		return chart.NotMeasured(title, "not measured on this run")
	}
	return chart.Line{Title: title, XLabel: xl, YLabel: "fraction of requests", LogX: s[0] > 0 && s[len(s)-1]/s[0] > 50,
		Series: []chart.Series{chart.CDF(fmt.Sprintf("%d requests", len(s)), s)}}.SVG()
}

func telemetryCharts(d *rundata.Data) []template.HTML {
	win := d.Window()
	markers := []chart.Marker{{X: float64(win.StartNS) / 1e9, Label: "measure"}, {X: float64(win.EndNS) / 1e9, Label: "end"}}
	power := chart.Line{Title: "GPU power over time (measured)", XLabel: "time from run start (s)", YLabel: "power (W)", Markers: markers}
	if m := d.PowerMetric(); m != "" {
		for _, s := range d.Series(m) {
			power.Series = append(power.Series, chart.Series{Name: s.Key, X: s.T, Y: s.V})
		}
	}
	util := chart.Line{Title: "Utilization over time (measured)", XLabel: "time from run start (s)", YLabel: "utilization (%)", Markers: markers}
	for _, m := range d.UtilMetrics() {
		for _, s := range d.Series(m) {
			util.Series = append(util.Series, chart.Series{Name: m + " " + s.Key, X: s.T, Y: s.V})
		}
	}
	return []template.HTML{lineOrNot(power), lineOrNot(util)}
}

func lineOrNot(l chart.Line) template.HTML {
	if len(l.Series) == 0 {
		return chart.NotMeasured(l.Title, "not measured on this run")
	}
	return l.SVG()
}

func energyChart(rr *RunReport) template.HTML {
	c := chart.Bars{Title: "Energy per output token", Unit: "J/token"}
	if e := rr.Energy; e != nil && e.Measured {
		for _, b := range e.Boundaries {
			if b.Fleet.JPerOutputToken > 0 {
				c.Bars = append(c.Bars, chart.Bar{Label: b.Name + " (" + string(b.Provenance) + ")", Value: b.Fleet.JPerOutputToken})
			}
			if b.Marginal != nil && b.Marginal.JPerOutputToken > 0 {
				c.Bars = append(c.Bars, chart.Bar{Label: b.Name + " marginal", Value: b.Marginal.JPerOutputToken, Highlight: true})
			}
		}
	}
	if len(c.Bars) == 0 {
		if f, ok := rundata.FigureMap(rr.Figures)[rundata.FigJPerToken]; ok {
			c.Bars = append(c.Bars, chart.Bar{Label: "GPU (" + string(f.Provenance) + ")", Value: f.Value})
		}
	}
	return c.SVG()
}

// costBarChart draws cost per task, cheapest first: on-prem highlighted
// and drawn as a line across the others, each API bar noting where owning
// breaks even against it.
func costBarChart(rr *RunReport) template.HTML {
	c := chart.Bars{Title: "Cost per task, cheapest first: on-prem, rented and API", Unit: "USD", Value: tco.FormatUSD}
	cv := rr.Cost
	if cv == nil {
		return c.SVG()
	}
	type row struct {
		bar  chart.Bar
		note string
	}
	var rows []row
	if cv.HasOnPrem {
		rows = append(rows, row{chart.Bar{Label: "on-prem " + cv.C.Hardware.Name, Value: cv.OnPremPerTaskUSD, Highlight: true}, string(cv.OnPremProvenance)})
		v := cv.OnPremPerTaskUSD
		c.Line, c.LineLabel = &v, "on-prem "+tco.FormatUSD(v)
	}
	for _, o := range cv.Options {
		if o.Kind == "rented" {
			rows = append(rows, row{chart.Bar{Label: "rented " + o.Key, Value: o.USDPerTask.Value}, string(o.USDPerTask.Provenance)})
		}
	}
	be := map[string]rundata.BreakEven{}
	for _, b := range cv.BreakEven {
		be[b.Model] = b
	}
	for _, a := range cv.APIs {
		note := string(a.Provenance)
		if b, ok := be[a.Model]; ok && cv.HasOnPrem {
			if b.Reached {
				note = "break-even " + tco.FormatCount(b.TasksPerDay) + " tasks/day"
			} else {
				note = "owning never cheaper"
			}
		}
		rows = append(rows, row{chart.Bar{Label: a.Model, Value: a.PerTaskUSD}, note})
	}
	if len(cv.APIs) > 0 {
		c.Title += " (API prices " + string(cv.APIs[0].Provenance) + ")"
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].bar.Value < rows[j].bar.Value })
	for _, r := range rows {
		c.Bars, c.Notes = append(c.Bars, r.bar), append(c.Notes, r.note)
	}
	return c.SVG()
}

func costCurveChart(rr *RunReport) template.HTML {
	title := "On-prem cost per task against utilization, with break-even"
	cv := rr.Cost
	if cv == nil || len(cv.Curve) == 0 {
		return chart.NotMeasured(title, "not measured on this run (no cost model applied)")
	}
	l := chart.Line{Title: title, XLabel: "utilization of one node (%)", YLabel: "USD per task", LogY: true}
	on := chart.Series{Name: "on-prem (" + string(cv.OnPremProvenance) + ")", Points: true}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range cv.Curve {
		on.X, on.Y = append(on.X, 100*p.Utilisation), append(on.Y, p.PerTaskUSD)
		lo, hi = math.Min(lo, 100*p.Utilisation), math.Max(hi, 100*p.Utilisation)
	}
	l.Series = append(l.Series, on)
	// Draw the API models whose break-even falls inside one node's range:
	// the reference model first, then the cheapest; at most four stay legible.
	price := map[string]float64{}
	for _, a := range cv.APIs {
		price[a.Model] = a.PerTaskUSD
	}
	var be []rundata.BreakEven
	for _, b := range cv.BreakEven {
		if _, ok := price[b.Model]; ok && b.Reached && b.Utilisation > 0 && b.Utilisation <= 1 {
			be = append(be, b)
		}
	}
	ref := cv.Sensitivity.ReferenceModel
	sort.SliceStable(be, func(i, j int) bool {
		if (be[i].Model == ref) != (be[j].Model == ref) {
			return be[i].Model == ref
		}
		return price[be[i].Model] < price[be[j].Model]
	})
	if len(be) > 4 {
		be = be[:4]
	}
	for _, b := range be {
		p := price[b.Model]
		l.Series = append(l.Series, chart.Series{Name: b.Model, X: []float64{lo, hi}, Y: []float64{p, p}})
		l.Markers = append(l.Markers, chart.Marker{X: 100 * b.Utilisation, Label: b.Model + ": " + tco.FormatPercent(b.Utilisation)})
	}
	return l.SVG()
}

func tornadoChart(rr *RunReport) template.HTML {
	t := chart.Tornado{Title: "Sensitivity of cost per task (on-prem minus API)", Unit: "USD/task"}
	if cv := rr.Cost; cv != nil {
		s := cv.Sensitivity
		if s.ReferenceModel != "" {
			t.Title = fmt.Sprintf("Sensitivity: on-prem minus %s, USD/task, inputs ±%.0f%%", s.ReferenceModel, 100*s.SwingFraction)
		}
		t.LowLabel = fmt.Sprintf("input −%.0f %%", 100*s.SwingFraction)
		t.HighLabel = fmt.Sprintf("input +%.0f %%", 100*s.SwingFraction)
		t.Base = s.BaseUSDPerTask
		for _, b := range s.Bars {
			t.Bars = append(t.Bars, chart.TornadoBar{Label: b.Input + " (" + orDefault(string(b.Provenance), "?") + ")", Low: b.LowUSD, High: b.HighUSD})
		}
	}
	return t.SVG()
}

// operatingCurves draws, per sweep, the operating curve (MLPerf
// Endpoints' view): total output tokens/s against the tokens/s one user
// sees (1000 / TPOT p90), each point labelled with its load, cost per
// million tokens and joules per token, the highest load meeting the SLOs
// ringed; and beside it TTFT p90 against the same total throughput.
func operatingCurves(sw []Sweep) []template.HTML {
	title := "Operating curve: total against per-user output throughput (measured)"
	curve := chart.Line{Title: title, XLabel: "output tokens/s per user (1000 / TPOT p90)", YLabel: "total output tokens/s"}
	ttft := chart.Line{Title: "TTFT p90 against total output throughput (measured)", XLabel: "total output tokens/s", YLabel: "TTFT p90 (ms)"}
	for _, s := range sw {
		if len(s.Points) < 2 {
			continue
		}
		name := s.Workload + " @ " + s.Target
		c := chart.Series{Name: name, Points: true, Ring: s.Best() + 1}
		t := chart.Series{Name: name, Points: true, Ring: s.Best() + 1}
		for _, p := range s.Points {
			c.X, c.Y, c.Labels = append(c.X, p.UserTokS), append(c.Y, p.OutputTokS), append(c.Labels, pointLabel(p))
			t.X, t.Y, t.Labels = append(t.X, p.OutputTokS), append(t.Y, p.TTFTP90MS), append(t.Labels, p.Tag)
		}
		curve.Series, ttft.Series = append(curve.Series, c), append(ttft.Series, t)
	}
	if len(curve.Series) == 0 {
		return []template.HTML{chart.NotMeasured(title, "not measured on this run: no workload ran at two or more load points")}
	}
	return []template.HTML{curve.SVG(), ttft.SVG()}
}

// pointLabel is a point's load with its cost per million tokens and energy
// per token, when they were priced and measured.
func pointLabel(p SweepPoint) string {
	l := p.Tag
	if p.USDPerMTok > 0 {
		l += " " + tco.FormatUSD(p.USDPerMTok) + "/Mtok"
	}
	if p.JPerToken > 0 {
		l += fmt.Sprintf(" %.3g J/tok", p.JPerToken)
	}
	return l
}
