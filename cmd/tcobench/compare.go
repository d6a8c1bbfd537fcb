package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/compare"
	"github.com/tcobench/tcobench/harness"
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
	var g harness.GateSpec
	var thresholds, markdown, junit string
	cmd := &cobra.Command{
		Use:   "compare BASELINE CANDIDATE [--thresholds FILE] [--markdown FILE] [--junit FILE]",
		Short: "Compare two runs (or suites) and fail on regression",
		Long:  compareLong,
		Example: `  tcobench compare runs/last-night runs/tonight
  tcobench compare runs/main runs/pr-123 --markdown compare.md --junit compare.xml
  tcobench compare last-good runs/nightly-2026-03-01 --store postgres://tcobench@db/tcobench --save`,
		Args: wantArgs(2, 2, "BASELINE and CANDIDATE directories"),
		RunE: func(cmd *cobra.Command, args []string) error {
			g.Baseline, g.Candidate, g.Text, g.Log, g.Config = args[0], args[1], a.out, a.errOut, compare.DefaultConfig()
			if thresholds != "" {
				c, err := compare.LoadConfig(thresholds)
				if err != nil {
					return badinput.Wrap(err)
				}
				g.Config = c
			}
			res, err := harness.Gate(cmd.Context(), g)
			if res != nil {
				if werr := writeGate(res, markdown, junit); werr != nil {
					return werr
				}
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&thresholds, "thresholds", "", "YAML file of per-figure thresholds (see above)")
	f.StringVar(&markdown, "markdown", "", "also write the comparison as Markdown to this file")
	f.StringVar(&junit, "junit", "", "also write the comparison as JUnit XML to this file")
	f.StringVar(&g.Store, "store", "", "results store DSN for last-good and --save (default: SQLite in the user's data directory)")
	f.BoolVar(&g.Save, "save", false, "save the candidate run(s) in the results store with their verdict")
	f.StringVar(&g.Push, "push", "", "push each candidate's summary and verdict to this Prometheus Pushgateway URL")
	return cmd
}

// writeGate writes the gate's Markdown and JUnit files, when asked.
func writeGate(res *harness.GateResult, markdown, junit string) error {
	if markdown != "" {
		if err := os.WriteFile(markdown, res.Markdown, 0o644); err != nil {
			return fmt.Errorf("write markdown: %w", err)
		}
	}
	if junit != "" {
		var b bytes.Buffer
		if err := compare.JUnitAll(&b, res.Results, res.Unusable); err != nil {
			return err
		}
		if err := os.WriteFile(junit, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write junit: %w", err)
		}
	}
	return nil
}
