package perfmodel

import (
	"html/template"
	"io"
	"strings"

	"github.com/tcobench/tcobench/report/chart"
)

var planTmpl = template.Must(template.New("plan").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>tcobench plan: {{.Res.Workload}} on {{.Res.Model.Name}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;margin:0}
main{max-width:1340px;margin:0 auto;padding:20px 28px 60px}h1{font-size:24px}.lead{font-size:16px;max-width:900px}
table{border-collapse:collapse;font-size:13px;margin:10px 0}th,td{border:1px solid #d5d9e0;padding:4px 8px}th{background:#eef2f7}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(640px,1fr));gap:14px}
svg.chart{border:1px solid #e1e4ea;max-width:100%;height:auto}svg .title{font-size:13px;font-weight:600}svg .tick{font-size:10px;fill:#4a5060}
svg .axis{font-size:11px}svg .legend{font-size:10px}svg .nm{font-size:13px;fill:#777}svg .grid{stroke:#eceff3}svg .frame{fill:none;stroke:#9aa1ad}
svg .marker{stroke:#c0392b;stroke-dasharray:4 3}svg .mlabel{font-size:10px;fill:#c0392b}
</style></head><body><main>
<h1>Fleet plan: {{.Res.Workload}} on {{.Res.Model.Name}}</h1>
<p class="lead">{{.Res.Headline}}</p>
<p>Every capacity, latency, node count, energy and cost figure below is <b>projected</b> by the performance model, not measured, and carries its error band (docs/projection.md).</p>
<div class="charts">{{.Cost}}{{.Curve}}</div>
<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</table>
<ul>{{range .Tail}}<li>{{.}}</li>{{end}}</ul>
</main></body></html>
`))

// WriteHTML writes a self-contained page: the answer, cost per task by
// hardware (with the reference API), the latency–throughput curve per
// hardware, and the table.
func (res *PlanResult) WriteHTML(w io.Writer) error {
	bars := chart.Bars{Title: "Projected fleet cost per task by hardware", Unit: "USD"}
	curve := chart.Line{Title: "Latency–throughput per node (projected)", XLabel: "tasks/s per node", YLabel: "task latency p99 (s)"}
	for _, h := range res.Hardware {
		if h.Skipped != "" {
			continue
		}
		bars.Bars = append(bars.Bars, chart.Bar{Label: h.Hardware, Value: h.USDPerTask.Value})
		s := chart.Series{Name: h.Hardware, Points: true}
		for _, p := range h.Curve {
			s.X, s.Y = append(s.X, p.TasksPerS), append(s.Y, p.TaskP99MS/1e3)
		}
		curve.Series = append(curve.Series, s)
	}
	for _, h := range res.Hardware {
		if a := h.refAPI(res.Reference); a != nil {
			bars.Bars = append(bars.Bars, chart.Bar{Label: "API " + res.Reference, Value: a.USDPerTask.Value, Highlight: true})
			break
		}
	}
	head, rows := res.rows()
	var cells [][]string
	for _, r := range rows {
		cells = append(cells, r.cells)
	}
	var sb strings.Builder
	res.writeTail(&sb, "")
	tail := strings.Split(strings.TrimSpace(sb.String()), "\n")
	return planTmpl.Execute(w, map[string]any{"Res": res, "Cost": bars.SVG(), "Curve": curve.SVG(), "Head": head, "Rows": cells, "Tail": tail})
}
