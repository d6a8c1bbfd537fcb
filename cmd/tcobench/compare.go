package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/compare"
	"github.com/tcobench/tcobench/livemetrics"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

const compareLong = `Compare a candidate run with a baseline, figure by figure, and fail on regression.

Each latency figure (p50/p99 TTFT, p50/p99 end-to-end, TPOT, ITL) is compared
from the raw per-request samples of requests.jsonl: the change and a bootstrap
interval of the difference (95 %, 1000 resamples, fixed seed), so noise between
two runs of the same server is not called a regression. Throughput is compared
over time bins of the measurement window, the error rate with a two-proportion
test; energy per token and cost per task, one figure per run, on their
thresholds alone.

A figure regresses when it got worse beyond its threshold AND the change is
significant. Default thresholds: p50/p99 TTFT, p99 E2E and p50 TPOT +10 %,
output and request throughput -5 %, J/token +5 %, cost per task +5 %, error
rate +1 percentage point. --thresholds FILE (YAML) changes them:
    confidence: 0.95
    resamples: 1000
    thresholds:
      ttft_p99: 15        # percent worse allowed
      itl_p99: 20         # gate a reported figure
      ttft_p50: null      # drop a default gate

BASELINE and CANDIDATE are run directories, or suite directories (runs paired
by directory name). BASELINE "last-good" takes, for each candidate run, the
latest run in the results store (--store) of the same workload, target, model
and load point that passed the gate; with none stored yet, the candidate is
accepted as the first baseline. --save stores the candidate runs with their
verdict, so the next comparison can use them.

EXIT STATUS
  0  no regression
  1  a figure regressed (a regression wins over unusable inputs in a suite)
  2  unusable inputs: different workloads, a gated figure missing from one
     run, too few requests, unreadable directories`

func newCompareCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare BASELINE CANDIDATE [--thresholds FILE] [--markdown FILE] [--junit FILE]",
		Short: "Compare two runs (or suites) and fail on regression",
		Long:  compareLong,
		Example: `  tcobench compare runs/last-night runs/tonight
  tcobench compare runs/main runs/pr-123 --markdown compare.md --junit compare.xml
  tcobench compare last-good runs/nightly-2026-03-01 --store postgres://tcobench@db/tcobench --save`,
		Args: wantArgs(2, 2, "BASELINE and CANDIDATE directories"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.compare(cmd.Context(), args[0], args[1])
		},
	}
	f := cmd.Flags()
	f.String("thresholds", "", "YAML file of per-figure thresholds (see above)")
	f.String("markdown", "", "also write the comparison as Markdown to this file")
	f.String("junit", "", "also write the comparison as JUnit XML to this file")
	f.String("store", "", "results store DSN for last-good and --save (default: SQLite in the user's data directory)")
	f.Bool("save", false, "save the candidate run(s) in the results store with their verdict")
	f.String("push", "", "push each candidate's summary and verdict to this Prometheus Pushgateway URL")
	return cmd
}

// pair is one comparison to make.
type pair struct {
	name, base, cand string
	// accepted is set when no baseline exists yet (first run of a series).
	accepted string
}

func (a *app) compare(ctx context.Context, baseArg, candArg string) error {
	cfg := compare.DefaultConfig()
	if p := a.v.GetString("thresholds"); p != "" {
		c, err := compare.LoadConfig(p)
		if err != nil {
			return usageErrorf("%v", err)
		}
		cfg = c
	}
	for _, d := range [][2]string{{"baseline", baseArg}, {"candidate", candArg}} {
		if d[1] == "last-good" && d[0] == "baseline" {
			continue
		}
		if _, err := os.Stat(d[1]); errors.Is(err, fs.ErrNotExist) {
			return usageErrorf("%s %s: no such run or suite directory", d[0], d[1])
		}
	}
	cands, err := runDirsOf(candArg)
	if err != nil {
		return usageErrorf("candidate: %v", err)
	}
	var st *store.Store
	if baseArg == "last-good" || a.v.GetBool("save") {
		if st, err = store.Open(ctx, a.v.GetString("store")); err != nil {
			return withExit(2, err)
		}
		defer st.Close()
	}
	pairs, err := pairUp(ctx, st, baseArg, candArg, cands)
	if err != nil {
		return withExit(2, err)
	}
	var results []*compare.Result
	var bad []compare.Unusable
	var md bytes.Buffer
	for _, p := range pairs {
		if p.accepted != "" {
			fmt.Fprintf(a.out, "%s: %s\n", p.name, p.accepted)
			fmt.Fprintf(&md, "- %s: %s\n\n", p.name, p.accepted)
			continue
		}
		r, err := compare.Dirs(p.base, p.cand, cfg)
		if err != nil {
			bad = append(bad, compare.Unusable{Name: p.name, Reason: err.Error()})
			fmt.Fprintf(a.out, "%s: %v\n", p.name, err)
			fmt.Fprintf(&md, "- %s: %v\n\n", p.name, err)
			continue
		}
		results = append(results, r)
		_ = r.Text(a.out)
		_ = r.Markdown(&md)
		md.WriteString("\n")
	}
	if err := a.compareOutputs(md.Bytes(), results, bad); err != nil {
		return err
	}
	if err := a.saveAndPush(ctx, st, pairs, results, bad); err != nil {
		return err
	}
	return compareExit(results, bad)
}

// runDirsOf lists the runs of a run or suite directory.
func runDirsOf(dir string) ([]string, error) {
	if rundata.IsRunDir(dir) {
		return []string{dir}, nil
	}
	ds, err := rundata.RunDirs(dir)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("%s holds no run (no %s in it or below it)", dir, runrecord.RunFile)
	}
	return ds, nil
}

func pairUp(ctx context.Context, st *store.Store, baseArg, candArg string, cands []string) ([]pair, error) {
	var out []pair
	if baseArg == "last-good" {
		for _, c := range cands {
			run, err := runrecord.ReadRun(c)
			if err != nil {
				return nil, err
			}
			p := pair{name: filepath.Base(c), cand: c}
			row, err := st.LastGood(ctx, store.Filter{Series: store.SeriesKey(run)})
			switch {
			case errors.Is(err, store.ErrNotFound):
				p.accepted = "no run of this workload, target, model and load has passed before: accepted as the first baseline"
			case err != nil:
				return nil, err
			case !rundata.IsRunDir(row.Dir):
				return nil, fmt.Errorf("%s: the last good run %s was stored from %s, which is gone", p.name, row.ID, row.Dir)
			default:
				p.base = row.Dir
			}
			out = append(out, p)
		}
		return out, nil
	}
	if rundata.IsRunDir(candArg) {
		if !rundata.IsRunDir(baseArg) {
			return nil, fmt.Errorf("baseline %s is not a run directory (no %s) but the candidate is", baseArg, runrecord.RunFile)
		}
		return []pair{{name: filepath.Base(candArg), base: baseArg, cand: candArg}}, nil
	}
	for _, c := range cands {
		b := filepath.Join(baseArg, filepath.Base(c))
		if !rundata.IsRunDir(b) {
			return nil, fmt.Errorf("baseline suite %s has no run %s to compare with", baseArg, filepath.Base(c))
		}
		out = append(out, pair{name: filepath.Base(c), base: b, cand: c})
	}
	return out, nil
}

func (a *app) compareOutputs(md []byte, results []*compare.Result, bad []compare.Unusable) error {
	if p := a.v.GetString("markdown"); p != "" {
		if err := os.WriteFile(p, md, 0o644); err != nil {
			return fmt.Errorf("write markdown: %w", err)
		}
	}
	if p := a.v.GetString("junit"); p != "" {
		var b bytes.Buffer
		if err := compare.JUnitAll(&b, results, bad); err != nil {
			return err
		}
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write junit: %w", err)
		}
	}
	return nil
}

// saveAndPush stores the candidates with their verdicts and pushes them.
func (a *app) saveAndPush(ctx context.Context, st *store.Store, pairs []pair, results []*compare.Result, bad []compare.Unusable) error {
	verdict := map[string]*compare.Result{}
	for _, r := range results {
		verdict[r.CandidateDir] = r
	}
	unusable := map[string]bool{}
	for _, u := range bad {
		unusable[u.Name] = true
	}
	for _, p := range pairs {
		run, err := runrecord.ReadRun(p.cand)
		if err != nil {
			return err
		}
		r := verdict[p.cand]
		passed := p.accepted != "" || r != nil && r.ExitCode() == 0
		if a.v.GetBool("save") && st != nil {
			if err := st.SaveRun(ctx, p.cand, run); err != nil {
				return err
			}
			if !unusable[p.name] {
				if err := st.SetPassed(ctx, run.ID, passed); err != nil {
					return err
				}
			}
			fmt.Fprintf(a.errOut, "saved %s in %s (passed: %v)\n", run.ID, st.Where, passed && !unusable[p.name])
		}
		if url := a.v.GetString("push"); url != "" {
			if err := livemetrics.Push(ctx, url, livemetrics.DefaultJob, run, gateRegistry(run, r, unusable[p.name])); err != nil {
				return err
			}
		}
	}
	return nil
}

// gateRegistry holds the gate's verdict on a run as gauges.
func gateRegistry(run *runrecord.Run, r *compare.Result, unusable bool) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	labels := prometheus.Labels{"run_id": run.ID}
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tcobench_gate_regressed", Help: "1 when the regression gate failed the run, 0 when it passed, -1 when the inputs could not be compared."}, []string{"run_id"})
	reg.MustRegister(g)
	v := 0.0
	switch {
	case unusable:
		v = -1
	case r != nil && r.ExitCode() != 0:
		v = 1
	}
	g.With(labels).Set(v)
	if r == nil {
		return reg
	}
	ch := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "tcobench_gate_change_ratio", Help: "Relative change of a figure against the baseline (0.1 = 10 % higher)."}, []string{"run_id", "figure"})
	reg.MustRegister(ch)
	for _, row := range r.Rows {
		if row.Baseline != 0 {
			ch.WithLabelValues(run.ID, row.Name).Set(row.ChangePct / 100)
		}
	}
	return reg
}

func compareExit(results []*compare.Result, bad []compare.Unusable) error {
	var regressed []string
	for _, r := range results {
		for _, n := range r.Regressions {
			regressed = append(regressed, filepath.Base(r.CandidateDir)+": "+n)
		}
	}
	if len(regressed) > 0 {
		return withExit(1, fmt.Errorf("regression: %s", strings.Join(regressed, ", ")))
	}
	if len(bad) > 0 {
		var rs []string
		for _, u := range bad {
			rs = append(rs, u.Name+": "+strings.TrimPrefix(u.Reason, "cannot compare: "))
		}
		return withExit(2, fmt.Errorf("cannot compare: %s", strings.Join(rs, "; ")))
	}
	return nil
}
