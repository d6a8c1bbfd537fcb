package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
)

const rootLong = `tcobench answers one question: what does one task really cost on our own GPUs,
next to the API bill for the same task?

It replays recorded enterprise workflows (a support ticket resolved by an agent,
a drafted email, a contract redline) against a local open-weight model server
(Ollama, vLLM, llama.cpp server, TGI, SGLang), samples GPU power and energy
(NVML), host and server metrics while the load runs, and prices the result
with your hardware, site and energy costs beside the API price for the same
tokens, with the break-even point.

TYPICAL USE
  tcobench doctor --target http://127.0.0.1:11434
  tcobench run --workload tier1-support-ticket --target http://127.0.0.1:11434 \
      --model llama3 --concurrency 8 --duration 5m --out runs/ticket-c8
  tcobench cost runs/ticket-c8 --hardware 8xh100-sxm --site us-colo --prices api-2026
  tcobench report runs/ticket-c8 --format html
  tcobench compare runs/last-night runs/tonight     # exit 1 on regression

CONFIGURATION
  Every flag can also be set in a YAML config file (--config FILE, keys are flag
  names, e.g. "target: http://127.0.0.1:11434") or in the environment as
  TCOBENCH_<FLAG>, upper case with dashes as underscores (TCOBENCH_TARGET,
  TCOBENCH_REQUEST_TIMEOUT). Precedence, highest first:
      1. command-line flags
      2. TCOBENCH_* environment variables
      3. the config file
      4. built-in defaults
  An unknown key in the config file is an error.

EXIT STATUS
  0  success
  1  failure (the target did not answer, no request of a run succeeded,
     compare found a regression, no sweep point met the SLOs)
  2  bad usage or unusable input (unknown flag, a config, environment,
     workload, profile, price or suite value that cannot be used, a missing
     run directory, runs of different workloads given to compare)
  Errors are one line on standard error: "tcobench: what, where".

FILES
  A run writes a directory: run.json (configuration, environment, summary),
  requests.jsonl (every attempt, failed ones too) and telemetry.jsonl.
  See docs/ for the run record, the workload format and the cost model.`

func newRootCmd(a *app) *cobra.Command {
	var configPath string
	ver, rev := buildInfo()
	root := &cobra.Command{
		Use:           "tcobench",
		Short:         "Measure the on-prem cost per task of LLM workflows against the API price",
		Long:          rootLong,
		Version:       ver + " (commit " + rev + ")",
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE:          func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
		// A subcommand that defines its own PersistentPreRunE must call this one.
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if configPath == "" {
				configPath = a.v.GetString("config")
			}
			if err := a.loadConfig(configPath); err != nil {
				return err
			}
			return a.merge(cmd, configPath)
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
		newPortfolioCmd(a),
		newProfilesCmd(a),
		newPricesCmd(a),
		newReportCmd(a),
		newCompareCmd(a),
		newHistoryCmd(a),
		newFakeServerCmd(a),
		newDemoCmd(a),
	)
	for _, c := range root.Commands() {
		registerTree(a, c)
	}
	a.register(root)
	return root
}

func registerTree(a *app, c *cobra.Command) {
	a.register(c)
	if c.Args == nil {
		c.Args = noArgs
		if c.HasSubCommands() {
			c.Args = unknownSub
		}
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

// unknownSub refuses an unknown subcommand of a command group.
func unknownSub(cmd *cobra.Command, args []string) error { return noArgs(cmd, args) }

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
