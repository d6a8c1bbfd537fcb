package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tcobench/tcobench/report/chart"
)

// HistoryPoint is one figure of one stored run.
type HistoryPoint struct {
	RunID  string
	Time   time.Time
	Series string // what the trend line groups by ("workload @ target")
	Figure string
	Label  string
	Unit   string
	Value  float64
	// Passed is the gate's verdict (nil: not judged).
	Passed *bool
}

var historyTmpl = template.Must(template.New("history").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>tcobench history: {{.Title}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;margin:0}
main{max-width:1340px;margin:0 auto;padding:20px 28px 60px}h1{font-size:24px}
table{border-collapse:collapse;font-size:13px;margin:10px 0}th,td{border:1px solid #d5d9e0;padding:4px 8px}th{background:#eef2f7}
td.n{text-align:right;font-variant-numeric:tabular-nums}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:14px}
svg.chart{border:1px solid #e1e4ea;max-width:100%;height:auto}svg .title{font-size:13px;font-weight:600}svg .tick{font-size:10px;fill:#4a5060}
svg .axis{font-size:11px}svg .legend{font-size:10px}svg .nm{font-size:13px;fill:#777}svg .grid{stroke:#eceff3}svg .frame{fill:none;stroke:#9aa1ad}
svg .marker{stroke:#c0392b;stroke-dasharray:4 3}svg .mlabel{font-size:10px;fill:#c0392b}
</style></head><body><main>
<h1>tcobench history: {{.Title}}</h1>
<p>All figures measured on the stored runs (cost: derived). Gate: the regression gate's verdict on the run.</p>
<div class="charts">{{range .Charts}}{{.}}{{end}}</div>
<table><tr><th>Started</th><th>Run</th><th>Series</th><th>Gate</th>{{range .Figures}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr><td>{{.Time}}</td><td>{{.RunID}}</td><td>{{.Series}}</td><td>{{.Gate}}</td>{{range .Values}}<td class="n">{{.}}</td>{{end}}</tr>
{{end}}</table></main></body></html>
`))

// HistoryTable groups points into one row per run with a column per figure.
type HistoryTable struct {
	// Figures are the column headers ("ttft_p99 (ms)").
	Figures []string
	Rows    []HistoryRow
}

// HistoryRow is one run of a history table.
type HistoryRow struct {
	Time, RunID, Series, Gate string
	Values                    []string
}

// NewHistoryTable builds the table of points (in the order given: oldest first).
func NewHistoryTable(pts []HistoryPoint) HistoryTable {
	var t HistoryTable
	col := map[string]int{}
	var names []string
	for _, p := range pts {
		if _, ok := col[p.Figure]; !ok {
			col[p.Figure] = len(names)
			names = append(names, p.Figure)
		}
	}
	sort.Strings(names)
	units := map[string]string{}
	for _, p := range pts {
		units[p.Figure] = p.Unit
	}
	for i, n := range names {
		col[n] = i
		t.Figures = append(t.Figures, n+" ("+units[n]+")")
	}
	idx := map[string]int{}
	for _, p := range pts {
		i, ok := idx[p.RunID]
		if !ok {
			i = len(t.Rows)
			idx[p.RunID] = i
			t.Rows = append(t.Rows, HistoryRow{Time: p.Time.UTC().Format("2006-01-02 15:04"), RunID: p.RunID, Series: p.Series, Gate: gateText(p.Passed), Values: make([]string, len(names))})
		}
		t.Rows[i].Values[col[p.Figure]] = FormatValue(p.Value, p.Unit)
	}
	for i := range t.Rows {
		for j, v := range t.Rows[i].Values {
			if v == "" {
				t.Rows[i].Values[j] = "-"
			}
		}
	}
	return t
}

func gateText(p *bool) string {
	switch {
	case p == nil:
		return "not judged"
	case *p:
		return "passed"
	default:
		return "FAILED"
	}
}

// HistoryHTML writes a self-contained page: a trend chart per figure (a line
// per series, time on the x axis) and the table.
func HistoryHTML(w io.Writer, title string, pts []HistoryPoint) error {
	t := NewHistoryTable(pts)
	data := struct {
		Title  string
		Charts []template.HTML
		HistoryTable
	}{Title: title, HistoryTable: t}
	byFig := map[string]map[string]*chart.Series{}
	var figs []string
	var t0 time.Time
	for _, p := range pts {
		if t0.IsZero() || p.Time.Before(t0) {
			t0 = p.Time
		}
	}
	for _, p := range pts {
		if byFig[p.Figure] == nil {
			byFig[p.Figure] = map[string]*chart.Series{}
			figs = append(figs, p.Figure)
		}
		s := byFig[p.Figure][p.Series]
		if s == nil {
			s = &chart.Series{Name: p.Series, Points: true}
			byFig[p.Figure][p.Series] = s
		}
		s.X, s.Y = append(s.X, p.Time.Sub(t0).Hours()/24), append(s.Y, p.Value)
	}
	sort.Strings(figs)
	units := map[string]string{}
	for _, p := range pts {
		units[p.Figure] = p.Unit
	}
	for _, f := range figs {
		l := chart.Line{Title: f + " over time (measured)", XLabel: "days since " + t0.UTC().Format("2006-01-02"), YLabel: f + " (" + units[f] + ")"}
		keys := make([]string, 0, len(byFig[f]))
		for k := range byFig[f] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			l.Series = append(l.Series, *byFig[f][k])
		}
		data.Charts = append(data.Charts, l.SVG())
	}
	if len(figs) == 0 {
		data.Charts = append(data.Charts, chart.NotMeasured("History", "no stored runs match"))
	}
	var b bytes.Buffer
	if err := historyTmpl.Execute(&b, data); err != nil {
		return fmt.Errorf("render history: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// HistoryText writes the history as a text table, oldest run first; where
// names the store.
func HistoryText(w io.Writer, where string, pts []HistoryPoint) error {
	t := NewHistoryTable(pts)
	if len(t.Rows) == 0 {
		_, err := fmt.Fprintf(w, "no stored runs match (store %s)\n", where)
		return err
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "started\trun\tseries\tgate\t%s\t\n", strings.Join(t.Figures, "\t"))
	for _, r := range t.Rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.Time, r.RunID, r.Series, r.Gate, strings.Join(r.Values, "\t"))
	}
	return tw.Flush()
}

// WriteHistory writes the history in format: text (a table), html, json or csv.
func WriteHistory(w io.Writer, format, where string, pts []HistoryPoint) error {
	switch format {
	case "html":
		return HistoryHTML(w, where, pts)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Store  string         `json:"store"`
			Points []HistoryPoint `json:"points"`
		}{where, pts})
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"started_at", "run_id", "series", "figure", "value", "unit", "passed"})
		for _, p := range pts {
			passed := ""
			if p.Passed != nil {
				passed = strconv.FormatBool(*p.Passed)
			}
			_ = cw.Write([]string{p.Time.UTC().Format(time.RFC3339), p.RunID, p.Series, p.Figure,
				strconv.FormatFloat(p.Value, 'g', -1, 64), p.Unit, passed})
		}
		cw.Flush()
		return cw.Error()
	}
	return HistoryText(w, where, pts)
}
