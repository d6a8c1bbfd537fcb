package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/compare"
	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/harness"
)

func newCompareCmd(a *app) *cobra.Command {
	var g harness.GateSpec
	var thresholds, markdown, junit string
	var o output
	cmd := &cobra.Command{
		Use:   "compare BASELINE CANDIDATE [--thresholds FILE] [--format text|md|json|junit] [--out FILE]",
		Short: "Compare two runs (or suites) and fail on regression",
		Long:  helpText("compare"),
		Example: `  tcobench compare runs/last-night runs/tonight
  tcobench compare runs/main runs/pr-123 --format md --out compare.md --junit compare.xml
  tcobench compare last-good runs/nightly-2026-03-01 --store postgres://tcobench@db/tcobench --save
  tcobench compare fleet:nightly-1041 fleet:nightly-1042 --store "$TCOBENCH_STORE"`,
		Args: wantArgs(2, 2, "BASELINE and CANDIDATE directories"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
			cleanup, err := fleet.MergeArgs(cmd.Context(), g.Store, args, g.Save)
			if err != nil {
				return err
			}
			defer cleanup()
			g.Baseline, g.Candidate, g.Log, g.Config = args[0], args[1], a.errOut, compare.DefaultConfig()
			var text bytes.Buffer
			g.Text = &text
			if thresholds != "" {
				c, err := compare.LoadConfig(thresholds)
				if err != nil {
					return badinput.Wrap(err)
				}
				g.Config = c
			}
			res, err := harness.Gate(cmd.Context(), g)
			if res == nil {
				return err
			}
			if werr := writeGate(res, markdown, junit); werr != nil {
				return werr
			}
			if werr := a.write(o, "comparison", func(b *bytes.Buffer, f string) error { return gateOutput(b, f, res, &text) }); werr != nil {
				return werr
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&thresholds, "thresholds", "", "YAML file of per-figure thresholds (see above)")
	o.bind(f, "text", "text", "md", "json", "junit")
	f.StringVar(&markdown, "markdown", "", "also write the comparison as Markdown to this file (beside --format)")
	f.StringVar(&junit, "junit", "", "also write the comparison as JUnit XML to this file (beside --format)")
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

// gateOutput renders the gate's verdict in format (text: as it was made).
func gateOutput(b *bytes.Buffer, format string, res *harness.GateResult, text *bytes.Buffer) error {
	switch format {
	case "md":
		_, err := b.Write(res.Markdown)
		return err
	case "junit":
		return compare.JUnitAll(b, res.Results, res.Unusable)
	case "json":
		return writeJSON(b, res)
	}
	_, err := b.Write(text.Bytes())
	return err
}
