package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/fleet"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
)

// runOptions are `tcobench run`'s flags: the run's settings, and the
// command's own.
type runOptions struct {
	harness.RunSettings
	Fleet fleet.Settings
	Suite string
	Quiet bool
}

func newRunCmd(a *app) *cobra.Command {
	o := runOptions{RunSettings: harness.Defaults(), Fleet: fleet.DefaultSettings()}
	cmd := &cobra.Command{
		Use:   "run [--workload W] --target URL --model M [load flags]",
		Short: "Run a workload against a model server and write a run record",
		Long:  helpText("run"),
		Example: `  tcobench run --target http://127.0.0.1:11434 --model llama3 --concurrency 4 --duration 1m
  tcobench run --workload tier1-support-ticket --backend ollama --model llama3 \
      --rate 2 --arrival poisson --duration 5m --warmup 30s --slo ttft=500ms,tpot=50ms
  tcobench run --workload draft-email --model llama3 --requests 200 --concurrency 8 \
      --hardware cpu-server --site office --out runs/email-c8     # priced at the end
  tcobench run --suite examples/nightly-suite.yaml --out runs/nightly`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Suite != "" {
				return a.runSuite(cmd.Context(), o)
			}
			spec, err := o.Spec()
			if err != nil {
				return err
			}
			var shard []fleet.Spec
			if o.Fleet.ID != "" {
				shard = append(shard, fleet.Spec{Settings: o.Fleet, Store: o.Store})
			}
			res, err := a.runSpec(cmd.Context(), spec, o.Quiet, shard...)
			if res != nil {
				printSummary(a.out, res.Run, res.Dir)
			}
			return err
		},
	}
	o.Bind(cmd.Flags())
	o.Fleet.Bind(cmd.Flags())
	cmd.Flags().StringVar(&o.Suite, "suite", "", "run every run of a suite file into one suite directory (--out) with one combined report; the file sets each run, so only --out, --quiet, --save, --store and the fleet flags go with it")
	cmd.Flags().BoolVar(&o.Quiet, "quiet", false, "no progress output")
	return cmd
}

// runSpec runs one spec (as a shard of a fleet, when given one) with the
// command's progress, notes and GC setting.
func (a *app) runSpec(ctx context.Context, spec harness.Spec, quiet bool, shard ...fleet.Spec) (*harness.Result, error) {
	a.prepare(&spec, quiet)
	if !quiet {
		c := spec.Load
		fmt.Fprintf(a.errOut, "run: %s → %s (%s, model %s), writing %s\n", c.Plan.Name, c.Target.URL, c.Target.API, c.Target.Model, c.OutDir)
	}
	defer load.RaiseGC()()
	if len(shard) > 0 {
		shard[0].Run = spec
		return fleet.Run(ctx, shard[0])
	}
	return harness.Run(ctx, spec)
}

// prepare sets what the command adds to every run: the version in the
// record, progress and notes on standard error.
func (a *app) prepare(spec *harness.Spec, quiet bool) {
	spec.Load.Version, spec.Load.Commit = buildInfo()
	spec.Log = a.errOut
	if !quiet {
		spec.Load.Progress = a.errOut
	}
}

// runSuite is `tcobench run --suite FILE`: every run of the suite through
// the same library call as a plain run.
func (a *app) runSuite(ctx context.Context, o runOptions) error {
	if err := a.suiteOnlyFlags(); err != nil {
		return err
	}
	s, err := harness.LoadSuite(o.Suite)
	if err != nil {
		return err
	}
	base := harness.Defaults()
	base.Save, base.Store = o.Save, o.Store
	defer load.RaiseGC()()
	res, err := fleet.RunSuite(ctx, harness.SuiteSpec{Suite: s, Dir: harness.SuiteDir(s, o.Out), Base: &base, Log: a.errOut,
		Prepare: func(sp *harness.Spec) { a.prepare(sp, o.Quiet) }}, fleet.Spec{Settings: o.Fleet, Store: o.Store})
	if res != nil && res.Report != "" {
		fmt.Fprintf(a.out, "report: %s\n", res.Report)
	}
	return err
}

// suiteOnlyFlags refuses a command-line flag that --suite would silently
// ignore: each run's settings come from the suite file.
func (a *app) suiteOnlyFlags() error {
	var ignored []string
	for name := range a.given {
		switch name {
		case "suite", "out", "quiet", "save", "store", "config", "fleet", "shard", "fleet-split", "fleet-nodes", "fleet-wait":
		default:
			ignored = append(ignored, "--"+name)
		}
	}
	if len(ignored) > 0 {
		sort.Strings(ignored)
		return usageErrorf("%s: not used with --suite (each run's settings come from the suite file: set them in its defaults, targets or loads)", strings.Join(ignored, ", "))
	}
	return nil
}
