package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
)

func newRecoverCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "recover DIR",
		Short: "Write the run.json of a run that was killed, from its requests.jsonl",
		Long:  helpText("recover"),
		Example: `  tcobench recover runs/ticket-c8
  tcobench report runs/ticket-c8     # report, compare and cost read such a directory without it too`,
		Args: wantArgs(1, 1, "one run DIR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if _, err := os.Stat(filepath.Join(dir, runrecord.RunFile)); err == nil {
				return usageErrorf("%s: already has a %s: nothing to recover", dir, runrecord.RunFile)
			}
			run, err := metrics.Recover(dir)
			if err != nil {
				return badinput.Wrap(err)
			}
			if err := runrecord.WriteRun(dir, run); err != nil {
				return err
			}
			printSummary(a.out, run, dir)
			return nil
		},
	}
}
