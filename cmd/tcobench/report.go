package main

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/report"
)

func newReportCmd(a *app) *cobra.Command {
	var o output
	var fleetID, dsn string
	cmd := &cobra.Command{
		Use:   "report DIR [--format md|html|json|csv] [--out FILE]",
		Short: "Write a report of a run, suite or sweep (md, html, json, csv)",
		Long:  helpText("report"),
		Example: `  tcobench report runs/ticket-c8                      # writes runs/ticket-c8/report.md
  tcobench report runs/nightly --format html --out nightly.html
  tcobench report runs/ticket-c8 --format md --out -      # to standard output`,
		Args: wantArgs(0, 1, "one run, suite or sweep DIR (or --fleet ID)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Format == "markdown" {
				o.Format = "md"
			}
			if err := o.check(); err != nil {
				return err
			}
			if fleetID != "" {
				r, err := fleet.Report(cmd.Context(), dsn, fleetID)
				if err != nil {
					return err
				}
				return a.write(output{Format: o.Format, Out: o.Out}, "report", func(b *bytes.Buffer, f string) error { return r.Write(b, f) })
			} else if len(args) != 1 {
				return usageErrorf("report: want one run, suite or sweep DIR, or --fleet ID")
			}
			dir := args[0]
			if fi, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
				return usageErrorf("%s: no such run, suite or sweep directory", dir)
			} else if err == nil && !fi.IsDir() {
				return usageErrorf("%s: a file, not a run, suite or sweep directory", dir)
			}
			r, err := report.Load(dir)
			if err != nil {
				return badinput.Wrap(err)
			}
			path := reportPath(o, dir)
			if o.Format == "csv" && path != "" {
				rq := strings.TrimSuffix(path, ".csv") + "-requests.csv"
				if err := a.write(output{Out: rq}, "per-request CSV", func(b *bytes.Buffer, _ string) error { return r.RequestsCSV(b) }); err != nil {
					return err
				}
			}
			return a.write(output{Format: o.Format, Out: path}, "report", func(b *bytes.Buffer, f string) error { return r.Write(b, f) })
		},
	}
	o.bind(cmd.Flags(), "md", "md", "html", "json", "csv", "markdown")
	cmd.Flags().Lookup("out").Usage = "file to write (default: report.<format> in DIR, standard output with --fleet; - for standard output)"
	cmd.Flags().StringVar(&fleetID, "fleet", "", "report the fleet run of this ID, merged from the results store (--store)")
	cmd.Flags().StringVar(&dsn, "store", "", "results store DSN of --fleet (default: SQLite in the user's data directory)")
	return cmd
}

// reportPath is where a report goes: --out, else report.<format> in the
// directory; "" for standard output (--out -).
func reportPath(o output, dir string) string {
	switch o.Out {
	case "-":
		return ""
	case "":
		return filepath.Join(dir, "report."+o.Format)
	}
	return o.Out
}
