package portfolio

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tcobench/tcobench/report/chart"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Formats lists the output formats.
var Formats = []string{"text", "md", "json", "html"}

// Write renders the portfolio in one of Formats.
func (r *Result) Write(w io.Writer, format string) error {
	switch format {
	case "", "text":
		return r.Text(w)
	case "markdown", "md":
		return r.Markdown(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "html":
		return r.HTML(w)
	}
	return fmt.Errorf("format %q: want %s", format, strings.Join(Formats, ", "))
}

// Headline says the answer in plain words.
func (r *Result) Headline() []string {
	var out []string
	for _, w := range r.Workflows {
		if w.Chosen < 0 {
			out = append(out, fmt.Sprintf("%s: no option meets the SLOs and a %.0f %% pass rate", w.Name, 100*r.MinPassRate))
			continue
		}
		o := w.Options[w.Chosen]
		out = append(out, fmt.Sprintf("%s: %s, %s per successful task (%s per task, pass rate %.1f %% %s)", w.Name, o.Name,
			tco.FormatUSD(o.USDPerSuccessfulTask.Value), tco.FormatUSD(o.USDPerTask.Value), 100*o.PassRate.Value, o.PassRate.Provenance))
	}
	vol := "at the stated volumes"
	if len(r.Workflows) > 0 && r.Workflows[0].Volume.Provenance == runrecord.Assumed {
		vol = "at an assumed 1,000 successful tasks a day per workflow"
	}
	s := fmt.Sprintf("Portfolio %s: %s a day", vol, tco.FormatUSD(r.ChosenUSDPerDay))
	if r.Frontier != "" {
		s += fmt.Sprintf("; saves %s a day (%s) against %s for everything", tco.FormatUSD(r.SavingVsFrontierUSDPerDay), share(r.SavingVsFrontierUSDPerDay, r.FrontierUSDPerDay), r.Frontier)
	}
	if r.BestSingle != "" {
		s += fmt.Sprintf(", %s against the best single option (%s)", tco.FormatUSD(r.SavingVsBestSingleUSDPerDay), r.BestSingle)
	}
	if r.OracleUSDPerDay != nil {
		s += fmt.Sprintf("; the oracle bound (each task instance on its cheapest successful option) is %s a day", tco.FormatUSD(*r.OracleUSDPerDay))
	}
	return append([]string{s + "."}, out...)
}

// Text writes the portfolio for a terminal.
func (r *Result) Text(w io.Writer) error {
	for _, l := range r.Headline() {
		fmt.Fprintln(w, l)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, wf := range r.Workflows {
		fmt.Fprintf(tw, "\nWORKFLOW %s, %.0f successful tasks/day (%s)\tkind\tUSD/task\tpass rate\tUSD/successful task\tSLOs\tchoice\n", wf.Name, wf.Volume.Value, wf.Volume.Provenance)
		for i, o := range wf.Options {
			fmt.Fprintf(tw, "  %s\t%s\t%s (%s)\t%.1f %% (%s)\t%s\t%s\t%s\n", o.Name, o.Kind, tco.FormatUSD(o.USDPerTask.Value), o.USDPerTask.Provenance,
				100*o.PassRate.Value, o.PassRate.Provenance, optUSD(o.USDPerSuccessfulTask), o.SLOs, mark(i, wf.Chosen, o))
		}
		if wf.OracleUSDPerSuccessfulTask != nil {
			fmt.Fprintf(tw, "  oracle: %s per successful task over the %.0f %% of instances some option solved\t\t\t\t\t\t\n", tco.FormatUSD(*wf.OracleUSDPerSuccessfulTask), 100*wf.OracleCoverage)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note: "+n)
	}
	return nil
}

func mark(i, chosen int, o Option) string {
	switch {
	case i == chosen:
		return "CHOSEN"
	case o.Eligible:
		return "eligible"
	}
	return "no: " + o.Why
}

// Markdown writes the portfolio as Markdown.
func (r *Result) Markdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# Portfolio\n\n")
	for _, l := range r.Headline() {
		b.WriteString("- " + md(l) + "\n")
	}
	for _, wf := range r.Workflows {
		fmt.Fprintf(&b, "\n## %s (%.0f successful tasks/day, %s)\n\n| option | kind | USD/task | pass rate | USD/successful task | SLOs | choice |\n|---|---|---|---|---|---|---|\n",
			md(wf.Name), wf.Volume.Value, wf.Volume.Provenance)
		for i, o := range wf.Options {
			fmt.Fprintf(&b, "| %s | %s | %s (%s) | %.1f %% (%s) | %s | %s | %s |\n", md(o.Name), o.Kind, tco.FormatUSD(o.USDPerTask.Value), o.USDPerTask.Provenance,
				100*o.PassRate.Value, o.PassRate.Provenance, optUSD(o.USDPerSuccessfulTask), md(o.SLOs), md(mark(i, wf.Chosen, o)))
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			b.WriteString("- " + md(n) + "\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func md(s string) string { return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s) }

var page = template.Must(template.New("p").Parse(`<!doctype html><html><head><meta charset="utf-8"><title>tcobench portfolio</title>
<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}
.chosen{font-weight:bold;background:#eef6ee}.chart text{font-size:11px}.chart .title{font-size:13px;font-weight:bold}.chart .grid{stroke:#eee}.chart .frame{fill:none;stroke:#999}.chart .tick{fill:#555}</style></head><body>
<h1>Portfolio</h1><ul>{{range .Headline}}<li>{{.}}</li>{{end}}</ul>
{{range .Workflows}}<h2>{{.Name}}</h2>{{.Chart}}
<table><tr><th>option</th><th>kind</th><th>USD/task</th><th>pass rate</th><th>USD/successful task</th><th>SLOs</th><th>choice</th></tr>
{{range .Rows}}<tr{{if .Chosen}} class="chosen"{{end}}>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}</table>{{end}}
{{if .Notes}}<h2>Notes</h2><ul>{{range .Notes}}<li>{{.}}</li>{{end}}</ul>{{end}}</body></html>
`))

// HTML writes a self-contained page: per workflow a chart of cost per
// successful task against pass rate, the chosen option marked.
func (r *Result) HTML(w io.Writer) error {
	type row struct {
		Chosen bool
		Cells  []string
	}
	type wf struct {
		Name  string
		Chart template.HTML
		Rows  []row
	}
	data := struct {
		Headline, Notes []string
		Workflows       []wf
	}{Headline: r.Headline(), Notes: r.Notes}
	for _, x := range r.Workflows {
		sc := chart.Scatter{Title: x.Name + ": cost per successful task against pass rate", XLabel: "pass rate, %", YLabel: "USD per successful task", LogY: true}
		v := wf{Name: x.Name}
		for i, o := range x.Options {
			if o.USDPerSuccessfulTask != nil {
				sc.Points = append(sc.Points, chart.Point{Label: o.Name, X: 100 * o.PassRate.Value, Y: o.USDPerSuccessfulTask.Value, Marked: i == x.Chosen})
			}
			v.Rows = append(v.Rows, row{Chosen: i == x.Chosen, Cells: []string{o.Name, o.Kind, tco.FormatUSD(o.USDPerTask.Value) + " (" + string(o.USDPerTask.Provenance) + ")",
				fmt.Sprintf("%.1f %% (%s)", 100*o.PassRate.Value, o.PassRate.Provenance), optUSD(o.USDPerSuccessfulTask), o.SLOs, mark(i, x.Chosen, o)}})
		}
		v.Chart = sc.SVG()
		data.Workflows = append(data.Workflows, v)
	}
	return page.Execute(w, data)
}

func optUSD(f *runrecord.Figure) string {
	if f == nil {
		return "-"
	}
	return tco.FormatUSD(f.Value) + " (" + string(f.Provenance) + ")"
}

func share(part, whole float64) string {
	if whole <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f %%", 100*part/whole)
}
