package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

//go:embed report.html.tmpl
var htmlTemplate string

var funcs = template.FuncMap{
	"val":   FormatValue,
	"pct":   tco.FormatPercent,
	"add1":  func(i int) int { return i + 1 },
	"join":  strings.Join,
	"usd":   tco.FormatUSD,
	"secs":  func(f float64) string { return fmt.Sprintf("%.1f s", f) },
	"time":  func(t interface{ Format(string) string }) string { return t.Format("2006-01-02 15:04:05 MST") },
	"fig":   figValue,
	"empty": func(s string) bool { return s == "" },
	"age":   runrecord.PriceDateText,
	"usdp":  figUSD,
}

var tmpl = template.Must(template.New("report").Funcs(funcs).Parse(htmlTemplate))

// htmlRun is a run report with its charts, for the template.
type htmlRun struct {
	RunReport
	Charts []template.HTML
}

// HTML writes the report as one self-contained HTML page.
func (r *Report) HTML(w io.Writer) error {
	var runs []htmlRun
	for i, rr := range r.Runs {
		hr := htmlRun{RunReport: rr}
		if i < len(r.data) {
			hr.Charts = runCharts(r.data[i], &r.Runs[i], r.Suite || len(r.Runs) > 1)
		}
		runs = append(runs, hr)
	}
	data := struct {
		*Report
		HTMLRuns    []htmlRun
		SweepCharts []template.HTML
		Answers     []Answer
		AnswerChart template.HTML
	}{Report: r, HTMLRuns: runs, Answers: r.answers()}
	if !r.Suite && len(r.Runs) == 1 && r.Runs[0].Cost != nil {
		data.AnswerChart = costBarChart(&r.Runs[0])
	}
	if r.Suite {
		data.SweepCharts = operatingCurves(r.Sweeps)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// FormatValue formats a figure for people: four significant digits, a
// fraction as a percentage.
func FormatValue(v float64, unit string) string {
	if unit == "fraction" {
		return fmt.Sprintf("%.2f", 100*v)
	}
	a := math.Abs(v)
	switch {
	case a == 0:
		return "0"
	case a >= 1000:
		return fmt.Sprintf("%.0f", v)
	case a < 1e-4 && a >= 1e-12:
		// Four significant digits without an exponent: a finance reader
		// should see 0.00002808, not 2.808e-05.
		return fmt.Sprintf("%.*f", 3-int(math.Floor(math.Log10(a))), v)
	default:
		return fmt.Sprintf("%.4g", v)
	}
}

func figValue(rr RunReport, name string) string {
	for _, f := range rr.Figures {
		if f.Name == name {
			return FormatValue(f.Value, f.Unit) + " " + unitText(f.Unit)
		}
	}
	if name == "cost_per_task_usd" {
		return "not priced"
	}
	return "not measured"
}

func unitText(u string) string {
	if u == "fraction" {
		return "%"
	}
	return u
}
