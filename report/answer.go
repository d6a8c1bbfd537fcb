package report

import (
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/tco"
)

// Answer is what a report says first, for one run: what was measured in a
// sentence, then the cost headline when the run was priced.
type Answer struct {
	Run string `json:"run"`
	// Measured says what the run measured; Cost is the cost model's
	// headline (empty when the run was not priced, NotPriced then says how).
	Measured  string `json:"measured"`
	Cost      string `json:"cost,omitempty"`
	NotPriced string `json:"not_priced,omitempty"`
}

// answers are the report's answers, one per run.
func (r *Report) answers() []Answer {
	out := make([]Answer, 0, len(r.Runs))
	for _, rr := range r.Runs {
		a := Answer{Run: rr.ID, Measured: measuredSentence(rr)}
		if c := rr.Cost; c != nil && c.Comparison != nil {
			a.Cost = c.Comparison.Headline
		} else {
			a.NotPriced = "Not priced: tcobench cost " + rr.Dir + " --hardware PROFILE --site SITE prices it (tcobench profiles list)."
		}
		out = append(out, a)
	}
	return out
}

// measuredSentence says in one sentence what a run measured, each figure
// with its unit; all are measured.
func measuredSentence(rr RunReport) string {
	f := rundata.FigureMap(rr.Figures)
	var parts []string
	if t, ok := f[rundata.FigTasks]; ok {
		parts = append(parts, fmt.Sprintf("%s tasks of %s", FormatValue(t.Value, ""), rr.Workload))
	}
	if t, ok := f[rundata.FigTasksS]; ok {
		parts = append(parts, fmt.Sprintf("%s tasks/s", FormatValue(t.Value, "")))
	}
	for _, k := range []struct{ name, label string }{{rundata.FigTTFTP50, "TTFT p50"}, {rundata.FigTaskLatencyP50, "task latency p50"}} {
		if v, ok := f[k.name]; ok {
			parts = append(parts, fmt.Sprintf("%s %s", k.label, seconds(v.Value)))
		}
	}
	if g, ok := f[rundata.FigGoodputFraction]; ok {
		parts = append(parts, fmt.Sprintf("%s of requests met the SLOs (%s)", tco.FormatPercent(g.Value), strings.Join(rr.SLOs, ", ")))
	}
	if e, ok := f[rundata.FigErrorRate]; ok {
		parts = append(parts, fmt.Sprintf("%s errors", tco.FormatPercent(e.Value)))
	}
	if len(parts) == 0 {
		return ""
	}
	s := fmt.Sprintf("Measured on %s (%s): %s.", rr.Model, rr.Load, strings.Join(parts, ", "))
	if rr.Partial {
		s += " Partial run: " + rr.PartialReason + "."
	}
	return s
}

// seconds shows a latency in ms as seconds above 10 s, milliseconds below.
func seconds(ms float64) string {
	if ms >= 10000 {
		return fmt.Sprintf("%.0f s", ms/1000)
	}
	if ms >= 1000 {
		return fmt.Sprintf("%.1f s", ms/1000)
	}
	return fmt.Sprintf("%.0f ms", ms)
}
