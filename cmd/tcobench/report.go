package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/report"
)

func newReportCmd(a *app) *cobra.Command {
	var format, out, fleetID, dsn string
	cmd := &cobra.Command{
		Use:   "report DIR [--format md|html|json] [--out FILE]",
		Short: "Write a report of a run or suite (md, html, json)",
		Long:  helpText("report"),
		Example: `  tcobench report runs/ticket-c8
  tcobench report runs/nightly --format html --out nightly.html`,
		Args: wantArgs(0, 1, "one run, suite or sweep DIR (or --fleet ID)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "md", "markdown", "html", "json":
			default:
				return usageErrorf("--format %q: want md, html or json", format)
			}
			if fleetID != "" {
				return a.writeReport(fleet.Report(cmd.Context(), dsn, fleetID))(format, out)
			} else if len(args) != 1 {
				return usageErrorf("report: want one run, suite or sweep DIR, or --fleet ID")
			}
			if fi, err := os.Stat(args[0]); errors.Is(err, fs.ErrNotExist) {
				return usageErrorf("%s: no such run, suite or sweep directory", args[0])
			} else if err == nil && !fi.IsDir() {
				return usageErrorf("%s: a file, not a run, suite or sweep directory", args[0])
			}
			r, err := report.Load(args[0])
			return a.writeReport(r, badinput.Wrap(err))(format, out)
		},
	}
	cmd.Flags().StringVar(&format, "format", "md", "md, html or json")
	cmd.Flags().StringVar(&out, "out", "", "write to this file instead of standard output")
	cmd.Flags().StringVar(&fleetID, "fleet", "", "report the fleet run of this ID, merged from the results store (--store)")
	cmd.Flags().StringVar(&dsn, "store", "", "results store DSN of --fleet (default: SQLite in the user's data directory)")
	return cmd
}

// writeReport writes a loaded report in format to out.
func (a *app) writeReport(r *report.Report, err error) func(format, out string) error {
	return func(format, out string) error {
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := r.Write(&b, format); err != nil {
			return err
		}
		return a.writeOut(b.Bytes(), out, "report")
	}
}
