package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
)

func newRootCmd(a *app) *cobra.Command {
	var configPath string
	ver, rev := buildInfo()
	root := &cobra.Command{
		Use:           "tcobench",
		Short:         "Measure the on-prem cost per task of LLM workflows against the API price",
		Long:          helpText("tcobench"),
		Version:       ver + " (commit " + rev + ")",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		// A subcommand that defines its own PersistentPreRunE must call this one.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				configPath = a.cfg.Env("config")
			}
			if err := a.cfg.Load(configPath); err != nil {
				return err
			}
			return a.cfg.Merge(cmd, configPath)
		},
	}
	root.PersistentFlags().StringVar(&configPath, "config", "", "YAML config file whose keys are flag names (env TCOBENCH_CONFIG)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badinput.Wrap(err) })
	root.AddCommand(
		newVersionCmd(a),
		newDoctorCmd(a),
		newTestModelCmd(a),
		newRunCmd(a),
		newSweepCmd(a),
		newWorkloadsCmd(a),
		newRecordCmd(a),
		newCostCmd(a),
		newPlanCmd(a),
		newPortfolioCmd(a),
		newProfilesCmd(a),
		newPricesCmd(a),
		newReportCmd(a),
		newRecoverCmd(a),
		newCompareCmd(a),
		newHistoryCmd(a),
		newFleetCmd(a),
		newFakeServerCmd(a),
		newDemoCmd(a),
	)
	for _, c := range root.Commands() {
		registerTree(a, c)
	}
	a.cfg.Register(root)
	return root
}

func registerTree(a *app, c *cobra.Command) {
	a.cfg.Register(c)
	if c.Args == nil { // a command group too: an unknown subcommand is bad usage
		c.Args = noArgs
	}
	for _, sub := range c.Commands() {
		registerTree(a, sub)
	}
}

// noArgs refuses positional arguments, as bad usage.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unknown command %q for %q (see %s --help)", args[0], cmd.CommandPath(), cmd.CommandPath())
	}
	return nil
}

// wantArgs accepts between lo and hi positional arguments (hi < 0: no upper
// bound) and otherwise says which ones the command takes: "cost: want one
// RUN_DIR, got 0 argument(s) (see tcobench cost --help)".
func wantArgs(lo, hi int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || hi >= 0 && len(args) > hi {
			return usageErrorf("%s: want %s, got %d argument(s) (see %s --help)",
				strings.TrimPrefix(cmd.CommandPath(), "tcobench "), names, len(args), cmd.CommandPath())
		}
		return nil
	}
}
