package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/fleet"
)

// newFleetCmd groups the fleet launchers and the merge.
func newFleetCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{Use: "fleet", Short: "Run one benchmark as shards on Slurm or Kubernetes, merged into one result", Long: helpText("fleet")}
	cmd.AddCommand(newFleetSlurmCmd(a), newFleetK8sCmd(a), newFleetMergeCmd(a))
	return cmd
}

func newFleetSlurmCmd(a *app) *cobra.Command {
	o := fleet.DefaultSlurm()
	var out string
	var submit bool
	cmd := &cobra.Command{
		Use:   "slurm --fleet NAME --shards N [--gpus G] [--submit] -- RUN_FLAGS...",
		Short: "Write (and submit) a Slurm job array with one shard per task",
		Long:  helpText("fleet-slurm"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.RunArgs = args
			var b bytes.Buffer
			if err := fleet.WriteSlurm(&b, o); err != nil {
				return err
			}
			if !submit {
				return a.writeOut(b.Bytes(), out, "job script")
			}
			if out == "" {
				out = "tcobench-" + o.Fleet + ".sbatch"
			}
			if err := os.WriteFile(out, b.Bytes(), 0o755); err != nil {
				return fmt.Errorf("write job script: %w", err)
			}
			id, err := fleet.SubmitSlurm(cmd.Context(), "", out)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "submitted %s as job %s: fleet %s-%s (tcobench report --fleet %s-%s)\n", out, id, o.Fleet, id, o.Fleet, id)
			return nil
		},
	}
	o.Bind(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "write the script to this file (default: standard output; with --submit tcobench-NAME.sbatch)")
	cmd.Flags().BoolVar(&submit, "submit", false, "submit the script with sbatch and print the fleet's ID")
	cmd.Args = cobra.ArbitraryArgs
	return cmd
}

func newFleetK8sCmd(a *app) *cobra.Command {
	o := fleet.DefaultK8s()
	var out string
	cmd := &cobra.Command{
		Use:   "k8s --fleet NAME --shards N --image IMAGE [--gpus G] [--node-selector K=V] -- RUN_FLAGS...",
		Short: "Write a Kubernetes Indexed Job (or CronJob) with one shard per completion index",
		Long:  helpText("fleet-k8s"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.RunArgs = args
			var b bytes.Buffer
			if err := fleet.WriteK8s(&b, o); err != nil {
				return err
			}
			return a.writeOut(b.Bytes(), out, "manifest")
		},
	}
	o.Bind(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "write the manifest to this file instead of standard output")
	cmd.Args = cobra.ArbitraryArgs
	return cmd
}

func newFleetMergeCmd(a *app) *cobra.Command {
	ms := fleet.MergeSpec{Save: true}
	cmd := &cobra.Command{
		Use:   "merge FLEET_ID [--store DSN] [--out DIR]",
		Short: "Merge a fleet's shards from the results store into one run directory",
		Long:  helpText("fleet-merge"),
		Args:  wantArgs(1, 1, "one FLEET_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ms.ID = args[0]
			if ms.Dir == "" {
				ms.Dir = "runs/fleet-" + ms.ID
			}
			m, err := fleet.MergeInto(cmd.Context(), ms)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.out, "merged into %s\n", ms.Dir)
			return fleet.WriteShards(a.out, m.Run)
		},
	}
	cmd.Flags().StringVar(&ms.Store, "store", "", "results store DSN the shards stored into (default: SQLite in the user's data directory)")
	cmd.Flags().StringVar(&ms.Dir, "out", "", "run directory to write (default runs/fleet-ID)")
	cmd.Flags().BoolVar(&ms.Save, "save", ms.Save, "save the merged run in the store (history and compare last-good see the fleet as one run)")
	return cmd
}
