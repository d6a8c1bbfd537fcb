package main

import (
	"bytes"

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
	o, out, submit := fleet.DefaultSlurm(), "", false
	cmd := &cobra.Command{Use: "slurm --fleet NAME --shards N [--gpus G] [--submit] -- RUN_FLAGS...", Args: cobra.ArbitraryArgs,
		Short: "Write (and submit) a Slurm job array with one shard per task", Long: helpText("fleet-slurm"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.RunArgs = args; submit {
				return fleet.Submit(cmd.Context(), o, a.out)
			}
			return a.write(output{Out: out}, "job script", func(b *bytes.Buffer, _ string) error { return fleet.WriteSlurm(b, o) })
		}}
	o.Bind(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "write the script to this file instead of standard output")
	cmd.Flags().BoolVar(&submit, "submit", false, "write the script (--script) and submit it with sbatch; print the fleet's ID")
	return cmd
}

func newFleetK8sCmd(a *app) *cobra.Command {
	o, out := fleet.DefaultK8s(), ""
	cmd := &cobra.Command{Use: "k8s --fleet NAME --shards N --image IMAGE [--gpus G] [--node-selector K=V] -- RUN_FLAGS...", Args: cobra.ArbitraryArgs,
		Short: "Write a Kubernetes Indexed Job (or CronJob) with one shard per completion index", Long: helpText("fleet-k8s"),
		RunE: func(_ *cobra.Command, args []string) error {
			o.RunArgs = args
			return a.write(output{Out: out}, "manifest", func(b *bytes.Buffer, _ string) error { return fleet.WriteK8s(b, o) })
		}}
	o.Bind(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "write the manifest to this file instead of standard output")
	return cmd
}

func newFleetMergeCmd(a *app) *cobra.Command {
	ms := fleet.MergeSpec{Save: true, Log: a.out}
	cmd := &cobra.Command{Use: "merge FLEET_ID [--store DSN] [--out DIR]", Args: wantArgs(1, 1, "one FLEET_ID"),
		Short: "Merge a fleet's shards from the results store into one run directory", Long: helpText("fleet-merge"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ms.ID = args[0]
			_, err := fleet.MergeInto(cmd.Context(), ms)
			return err
		}}
	cmd.Flags().StringVar(&ms.Store, "store", "", "results store DSN the shards stored into (default: SQLite in the user's data directory)")
	cmd.Flags().StringVar(&ms.Dir, "out", "", "run directory to write (default runs/fleet-ID)")
	cmd.Flags().BoolVar(&ms.Save, "save", ms.Save, "save the merged run in the store (history and compare last-good see the fleet as one run)")
	return cmd
}
