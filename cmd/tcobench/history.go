package main

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/store"
)

const historyLong = `Show trends of the runs in the results store: one row per run with the
chosen figures, oldest first, and the regression gate's verdict on each.

The store is SQLite by default, at $XDG_DATA_HOME/tcobench/results.db (else
~/.local/share/tcobench/results.db); --store postgres://user@host/db uses
PostgreSQL. Runs get there with tcobench compare --save (nightly) or when
tcobench run --save stores them.

Figures (--metric, repeatable or comma-separated): ttft_p50, ttft_p99,
e2e_p50, e2e_p99, tpot_p50, tpot_p99, itl_p99 (ms); output_tok_s (tokens/s),
requests_s (requests/s), error_rate (fraction), measured_requests; energy_j
(J), avg_power_w (W), j_per_token (J/token); cost_per_task_usd (USD/task),
cost_per_mtok_usd (USD per million output tokens).`

func newHistoryCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "history [--store DSN] [--workload W] [--target T] [--metric M...] [--format table|html]",
		Short: "Show trends of stored runs",
		Long:  historyLong,
		Example: `  tcobench history --workload tier1-support-ticket --metric ttft_p99,output_tok_s
  tcobench history --store postgres://tcobench@db/tcobench --format html --out trends.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			format := a.v.GetString("format")
			if format != "table" && format != "html" {
				return usageErrorf("--format %q: want table or html", format)
			}
			if err := checkMetrics(metricList(a.v.GetStringSlice("metric"))); err != nil {
				return err
			}
			st, err := store.Open(cmd.Context(), a.v.GetString("store"))
			if err != nil {
				return withExit(2, err)
			}
			defer st.Close()
			f := store.Filter{Workload: a.v.GetString("workload"), Target: a.v.GetString("target"), Figures: metricList(a.v.GetStringSlice("metric")), Limit: a.v.GetInt("limit")}
			pts, err := st.History(cmd.Context(), f)
			if err != nil {
				return err
			}
			return a.writeHistory(format, st.Where, historyPoints(pts))
		},
	}
	f := cmd.Flags()
	f.String("store", "", "results store DSN (default: SQLite in the user's data directory)")
	f.String("workload", "", "only runs of this workload")
	f.String("target", "", "only runs against this target URL")
	f.StringSlice("metric", []string{rundata.FigTTFTP99, rundata.FigE2EP99, rundata.FigOutputTokS, rundata.FigJPerToken, rundata.FigCostPerTask}, "figures to show")
	f.Int("limit", 0, "only the latest N runs (0: all)")
	f.String("format", "table", "table or html")
	f.String("out", "", "write to this file instead of standard output")
	return cmd
}

// historyFigures are the figures the results store keeps for each run.
var historyFigures = []string{rundata.FigTTFTP50, rundata.FigTTFTP99, rundata.FigE2EP50, rundata.FigE2EP99,
	rundata.FigTPOTP50, rundata.FigTPOTP99, rundata.FigITLP99, rundata.FigOutputTokS, rundata.FigRequestsS,
	rundata.FigErrorRate, rundata.FigMeasuredCount, rundata.FigEnergyJ, rundata.FigAvgPowerW, rundata.FigJPerToken,
	rundata.FigCostPerTask, rundata.FigCostPerMTok}

// checkMetrics rejects a --metric that names no stored figure, which would
// otherwise show an empty column.
func checkMetrics(ms []string) error {
	for _, m := range ms {
		if !contains(historyFigures, m) {
			return usageErrorf("--metric %q: not a stored figure (want one of %s)", m, strings.Join(historyFigures, ", "))
		}
	}
	return nil
}

func metricList(in []string) []string {
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

func (a *app) writeHistory(format, where string, pts []report.HistoryPoint) error {
	var b bytes.Buffer
	if format == "html" {
		if err := report.HistoryHTML(&b, where, pts); err != nil {
			return err
		}
	} else {
		t := report.NewHistoryTable(pts)
		if len(t.Rows) == 0 {
			fmt.Fprintf(&b, "no stored runs match (store %s)\n", where)
		} else {
			tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "started\trun\tseries\tgate\t%s\t\n", strings.Join(t.Figures, "\t"))
			for _, r := range t.Rows {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.Time, r.RunID, r.Series, r.Gate, strings.Join(r.Values, "\t"))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	return a.writeOut(b.Bytes(), "history")
}
