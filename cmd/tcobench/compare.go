package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/compare"
	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/harness"
)

func newCompareCmd(a *app) *cobra.Command {
	var g harness.GateSpec
	var thresholds, markdown, junit string
	cmd := &cobra.Command{
		Use:   "compare BASELINE CANDIDATE [--thresholds FILE] [--markdown FILE] [--junit FILE]",
		Short: "Compare two runs (or suites) and fail on regression",
		Long:  helpText("compare"),
		Example: `  tcobench compare runs/last-night runs/tonight
  tcobench compare runs/main runs/pr-123 --markdown compare.md --junit compare.xml
  tcobench compare last-good runs/nightly-2026-03-01 --store postgres://tcobench@db/tcobench --save
  tcobench compare fleet:nightly-1041 fleet:nightly-1042 --store "$TCOBENCH_STORE"`,
		Args: wantArgs(2, 2, "BASELINE and CANDIDATE directories"),
		RunE: func(cmd *cobra.Command, args []string) error {
			for i, arg := range args {
				if id, ok := strings.CutPrefix(arg, "fleet:"); ok {
					if g.Save {
						return usageErrorf("--save with %s: merge the fleet into a directory first (tcobench fleet merge %s) and compare that", arg, id)
					}
					dir, cleanup, err := fleet.TempMerge(cmd.Context(), g.Store, id, nil)
					if err != nil {
						return err
					}
					defer cleanup()
					args[i] = dir
				}
			}
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
