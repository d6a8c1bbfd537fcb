package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/report"
)

const reportLong = `Write the report of a run directory, or one combined report of a suite or
sweep directory (a directory of run directories).

  --format md    Markdown, for pull requests and chat (default)
  --format html  one self-contained HTML file: no external scripts, styles or
                 fonts, charts as inline SVG (latency CDFs, throughput against
                 latency across load points, power and utilisation over time,
                 energy per token, cost per task beside each API model, cost
                 against utilisation with the break-even, the sensitivity
                 tornado); it opens on an air-gapped machine
  --format json  the report's data, for machines

Every figure gives its unit and provenance: measured on the run, configured by
you, assumed (a default), or derived from measured and configured inputs. A
chart whose data the run lacks says "not measured on this run". Text that
comes from outside (model and server names, task names, error messages) is
escaped.

EXIT STATUS
  0  written
  1  the report could not be written
  2  bad usage, or DIR is no run, suite or sweep directory`

func newReportCmd(a *app) *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "report DIR [--format md|html|json] [--out FILE]",
		Short: "Write a report of a run or suite (md, html, json)",
		Long:  reportLong,
		Example: `  tcobench report runs/ticket-c8
  tcobench report runs/nightly --format html --out nightly.html`,
		Args: wantArgs(1, 1, "one run, suite or sweep DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "md", "markdown", "html", "json":
			default:
				return usageErrorf("--format %q: want md, html or json", format)
			}
			if fi, err := os.Stat(args[0]); errors.Is(err, fs.ErrNotExist) {
				return usageErrorf("%s: no such run, suite or sweep directory", args[0])
			} else if err == nil && !fi.IsDir() {
				return usageErrorf("%s: a file, not a run, suite or sweep directory", args[0])
			}
			r, err := report.Load(args[0])
			if err != nil {
				return badinput.Wrap(err)
			}
			var b bytes.Buffer
			if err := r.Write(&b, format); err != nil {
				return err
			}
			return a.writeOut(b.Bytes(), out, "report")
		},
	}
	cmd.Flags().StringVar(&format, "format", "md", "md, html or json")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	return cmd
}
