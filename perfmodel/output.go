package perfmodel

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// Output formats of a plan.
const (
	FormatText     = "text"
	FormatMarkdown = "md"
	FormatJSON     = "json"
	FormatHTML     = "html"
)

// Formats lists the output formats.
var Formats = []string{FormatText, FormatMarkdown, FormatJSON, FormatHTML}

// Write renders the plan in a format.
func (res *PlanResult) Write(w io.Writer, format string) error {
	switch format {
	case FormatText, "":
		return res.WriteText(w)
	case FormatMarkdown:
		return res.WriteMarkdown(w)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case FormatHTML:
		return res.WriteHTML(w)
	}
	return fmt.Errorf("format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// label says how sure a banded figure is: "projected ±40 %", and whether
// assumed inputs (an estimated capex) weaken it further.
func label(b Banded) string {
	s := fmt.Sprintf("projected ±%.0f %%", 100*b.Band)
	if b.Provenance == runrecord.Assumed {
		s += ", assumed inputs"
	}
	return s
}

// FormatNumber formats a figure as the text and Markdown outputs show it
// (three significant digits, whole numbers from 100).
func FormatNumber(v float64) string { return num(v) }

func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return tco.FormatSig3(v)
}

func usd(v float64) string { return "$" + num(v) }

func rangeOf(b Banded, f func(float64) string) string {
	return fmt.Sprintf("%s (%s–%s)", f(b.Value), f(b.Low), f(b.High))
}

func sloText(slos []runrecord.SLO) string {
	if len(slos) == 0 {
		return "no SLOs (capacity at saturation)"
	}
	parts := make([]string, len(slos))
	for i, s := range slos {
		parts[i] = fmt.Sprintf("%s ≤ %s", s.Metric, time.Duration(s.Max))
	}
	return "SLOs " + strings.Join(parts, ", ") + " for 95 % of requests"
}

// Headline is the answer in plain words.
func (res *PlanResult) Headline() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Serving %s with %s at %s tasks/day, %s:", res.Workload, res.Model.Name, num(res.Volume.Value), sloText(res.SLOs))
	for _, h := range res.Hardware {
		if h.Hardware != res.Cheapest {
			continue
		}
		fmt.Fprintf(&b, " cheapest on %s, %s node(s) at %s per task (%s, %s–%s)", h.Hardware, whole(h.Nodes.Value), usd(h.USDPerTask.Value), label(h.USDPerTask), usd(h.USDPerTask.Low), usd(h.USDPerTask.High))
		if a := h.refAPI(res.Reference); a != nil {
			cmp := "more than"
			if a.USDPerTask.Value < h.USDPerTask.Value {
				cmp = "less than"
			}
			fmt.Fprintf(&b, "; the API (%s) costs %s per task, %s on-prem at this volume", res.Reference, usd(a.USDPerTask.Value), cmp)
		}
		b.WriteString(".")
	}
	return b.String()
}

// refAPI is the reference model's API cost in the plan's cost record.
func (h *HardwarePlan) refAPI(key string) *runrecord.APICost {
	if h.Cost == nil {
		return nil
	}
	for i := range h.Cost.API {
		if h.Cost.API[i].Key == key {
			return &h.Cost.API[i]
		}
	}
	return nil
}

func (h *HardwarePlan) breakEven(key string) string {
	if h.Cost == nil {
		return ""
	}
	for _, be := range h.Cost.BreakEven {
		if be.Key != key {
			continue
		}
		if !be.Reachable || be.TasksPerDay == nil {
			return "never"
		}
		return tco.FormatCount(be.TasksPerDay.Value) + "/day"
	}
	return ""
}

type row struct{ cells []string }

func (res *PlanResult) rows() (head []string, rows []row) {
	head = []string{"hardware", "TP × replicas", "capacity/node (tasks/s)", "nodes", "USD/task (fleet)", "USD/successful task", "energy/task (node, Wh)", "TTFT p99 (ms)", "TPOT p99 (ms)", "break-even vs " + res.Reference, "basis"}
	for _, h := range res.Hardware {
		if h.Skipped != "" {
			continue
		}
		succ := "—"
		if h.USDPerSuccessfulTask != nil {
			succ = rangeOf(*h.USDPerSuccessfulTask, usd)
		}
		wh := func(j float64) string { return num(j / 3600) }
		rows = append(rows, row{[]string{h.Hardware, fmt.Sprintf("%d × %d", h.TP, h.Replicas), rangeOf(h.CapacityTasksPerS, num),
			rangeOf(h.Nodes, whole), rangeOf(h.USDPerTask, usd), succ, rangeOf(h.EnergyPerTaskJ, wh), num(h.TTFTP99MS.Value), num(h.TPOTP99MS.Value),
			h.breakEven(res.Reference), label(h.USDPerTask)}})
	}
	return head, rows
}

// WriteText prints the plan as a plain-text table.
func (res *PlanResult) WriteText(w io.Writer) error {
	fmt.Fprintln(w, res.Headline())
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	head, rows := res.rows()
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(head, "\t")))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r.cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	res.writeTail(w, "")
	return nil
}

// WriteMarkdown prints the plan as Markdown.
func (res *PlanResult) WriteMarkdown(w io.Writer) error {
	fmt.Fprintf(w, "# Fleet plan: %s on %s\n\n%s\n\n", res.Workload, res.Model.Name, res.Headline())
	head, rows := res.rows()
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, r := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.cells, " | "))
	}
	res.writeTail(w, "- ")
	return nil
}

func (res *PlanResult) writeTail(w io.Writer, bullet string) {
	fmt.Fprintln(w)
	for _, h := range res.Hardware {
		if h.Skipped != "" {
			fmt.Fprintf(w, "%sskipped %s: %s\n", bullet, h.Hardware, h.Skipped)
		}
	}
	fmt.Fprintf(w, "%smodel: %s, %s weights, %s KV cache (%s)\n", bullet, res.Model.Name, res.Model.Weights, res.Model.KVCache, res.Model.Source)
	fmt.Fprintf(w, "%ssite %s, prices %s; costs at the stated utilisation, from package tco (docs/cost-model.md)\n", bullet, res.Site, res.Prices)
	if res.PassRate != nil {
		fmt.Fprintf(w, "%spass rate %.0f %% (%s, %s)\n", bullet, 100*res.PassRate.Value, res.PassRate.Provenance, res.PassRate.Source)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "%snote: %s\n", bullet, n)
	}
}

func whole(v float64) string { return fmt.Sprintf("%.0f", v) }
