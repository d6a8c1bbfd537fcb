package main

import (
	"bytes"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/store"
)

func newHistoryCmd(a *app) *cobra.Command {
	var f store.Filter
	var metrics []string
	var dsn string
	var o output
	cmd := &cobra.Command{
		Use:   "history [--store DSN] [--workload W] [--target T] [--metric M...] [--format text|html|json|csv] [--out FILE]",
		Short: "Show trends of stored runs",
		Long:  helpText("history"),
		Example: `  tcobench history --workload tier1-support-ticket --metric ttft_p99,output_tok_s
  tcobench history --store postgres://tcobench@db/tcobench --format html --out trends.html`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Format == "table" {
				o.Format = "text"
			}
			if err := o.check(); err != nil {
				return err
			}
			f.Figures = splitMetrics(metrics)
			for _, m := range f.Figures {
				if !slices.Contains(rundata.FigureNames, m) {
					return usageErrorf("--metric %q: not a stored figure (want one of %s)", m, strings.Join(rundata.FigureNames, ", "))
				}
			}
			st, err := store.Open(cmd.Context(), dsn)
			if err != nil {
				return badinput.Wrap(err)
			}
			defer st.Close()
			pts, err := st.History(cmd.Context(), f)
			if err != nil {
				return err
			}
			return a.write(o, "history", func(b *bytes.Buffer, format string) error {
				return report.WriteHistory(b, format, st.Where, historyPoints(pts))
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dsn, "store", "", "results store DSN (default: SQLite in the user's data directory)")
	fl.StringVar(&f.Workload, "workload", "", "only runs of this workload")
	fl.StringVar(&f.Target, "target", "", "only runs against this target URL")
	fl.StringSliceVar(&metrics, "metric", []string{rundata.FigTTFTP99, rundata.FigE2EP99, rundata.FigOutputTokS, rundata.FigJPerToken, rundata.FigCostPerTask}, "figures to show")
	fl.IntVar(&f.Limit, "limit", 0, "only the latest N runs (0: all)")
	o.bind(fl, "text", "text", "html", "json", "csv", "table")
	return cmd
}

// splitMetrics reads repeated and comma-separated --metric values.
func splitMetrics(in []string) []string {
	var out []string
	for _, s := range in {
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func historyPoints(pts []store.Point) []report.HistoryPoint {
	out := make([]report.HistoryPoint, 0, len(pts))
	for _, p := range pts {
		out = append(out, report.HistoryPoint{RunID: p.RunID, Time: p.StartedAt, Series: p.Workload + " @ " + p.Target + " (" + p.Model + ")",
			Figure: p.Figure, Unit: p.Unit, Value: p.Value, Passed: p.Passed})
	}
	return out
}
