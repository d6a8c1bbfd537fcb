package main

import (
	"bytes"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/perfmodel"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
)

// planOptions are `tcobench plan`'s flags.
type planOptions struct {
	perfmodel.PlanOptions
	SLO   string
	Quiet bool
	output
}

func newPlanCmd(a *app) *cobra.Command {
	o := planOptions{PlanOptions: perfmodel.PlanOptions{PromptTokens: 256, MaxTokens: 128, Site: "us-colo", Prices: tco.DefaultCatalog}}
	cmd := &cobra.Command{
		Use:   "plan --model M --volume N/day [--workload W] [--slo ...] [--hardware P,...] [--format text|md|json|html]",
		Short: "Project capacity, nodes and cost per task on hardware you do not own",
		Long:  helpText("plan"),
		Example: `  tcobench plan --workload tier1-support-ticket --model llama-3.1-70b --slo ttft=2s,tpot=50ms --volume 50000/day
  tcobench plan --model qwen3-235b-a22b@fp8 --prompt-tokens 1000 --max-tokens 500 --volume 1e6 --hardware 8xh200,8xmi300x --format html --out plan.html`,
		Args: wantArgs(0, 0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			slos, err := runrecord.ParseSLOs(o.SLO)
			if err != nil {
				return usageErrorf("--slo: %v", err)
			}
			po := o.PlanOptions
			po.SLOs = slos
			if !o.Quiet {
				po.Progress = a.errOut
			}
			res, err := perfmodel.PlanFrom(cmd.Context(), po)
			if err != nil {
				return badinput.Wrap(err)
			}
			return a.write(o.output, "plan", func(b *bytes.Buffer, f string) error { return res.Write(b, f) })
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Workload, "workload", "", "catalog workload name or workload/trace file (default: built-in synthetic prompt, see --prompt-tokens)")
	f.IntVar(&o.PromptTokens, "prompt-tokens", o.PromptTokens, "prompt length of the built-in synthetic workload, tokens")
	f.IntVar(&o.MaxTokens, "max-tokens", o.MaxTokens, "output limit of the built-in synthetic workload, tokens")
	f.IntVar(&o.Concurrency, "concurrency", 0, "closed loop: users on one node (default: the workload's arrival; capacity is searched either way)")
	f.Float64Var(&o.RatePerS, "rate", 0, "open loop: task arrival rate on one node, tasks per second")
	f.StringVar(&o.Model, "model", "", "model architecture: built-in name (@fp8 etc. for the weights' precision), GGUF file or Hugging Face config.json")
	f.StringVar(&o.SLO, "slo", "", "service-level objectives the capacity must meet, e.g. ttft=2s,tpot=50ms,e2e=10s,task_latency=30s (95 % of requests)")
	f.StringVar(&o.Volume, "volume", "", "tasks per day to serve, e.g. 50000 or 50000/day")
	f.StringSliceVar(&o.Hardware, "hardware", nil, "hardware profiles, comma-separated (default: every built-in one; tcobench profiles list)")
	f.StringVar(&o.Site, "site", o.Site, "site profile: built-in name or YAML file")
	f.StringVar(&o.Prices, "prices", o.Prices, "API price catalog: built-in name or YAML file")
	f.Float64Var(&o.Utilization, "utilization", 0, "average utilization of the nodes, 0-1 (unset: 0.5, labelled assumed)")
	f.IntVar(&o.TP, "tp", 0, "tensor-parallel size (default: searched)")
	f.Float64Var(&o.PassRate, "pass-rate", 0, "share of tasks that succeed, 0-1, for a cost per successful task (unset: none)")
	f.StringVar(&o.PassRateRun, "pass-rate-from", "", "run directory whose share of succeeded tasks is the pass rate")
	f.StringVar(&o.CalibrationRun, "calibrate", "", "run directory measured on your own hardware to fit the efficiency factors to")
	f.StringVar(&o.CalibrationHardware, "calibrate-hardware", "", "hardware profile the --calibrate run was measured on")
	f.StringVar(&o.CalibrationModel, "calibrate-model", "", "model architecture of the --calibrate run (default: its model name)")
	f.Uint64Var(&o.Seed, "seed", 0, "seed of the workload and the arrivals (default: the workload's)")
	f.BoolVar(&o.Quiet, "quiet", false, "no progress output")
	o.bind(f, perfmodel.FormatText, perfmodel.Formats...)
	return cmd
}
