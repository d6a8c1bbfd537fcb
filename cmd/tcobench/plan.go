package main

import (
	"bytes"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/perfmodel"
)

const planLong = `Size a fleet before buying it: for a workload, a model, SLOs and a daily
volume, project on every hardware profile (or those named) the capacity of one
node at the SLOs, the nodes the volume needs, the energy and the cost per task
(and per successful task with --pass-rate), beside the API price and the
break-even, as tcobench cost gives them. Tensor parallelism is searched (the
size giving the most capacity per node) unless --tp fixes it.

Nothing is measured: a performance model (a roofline cost of each engine step
inside a simulation of continuous batching that replays the workload's own
arrivals, steps and token lengths) projects every figure, and each carries its
error band. Its efficiency factors default to a fit on published measurements;
--calibrate RUN_DIR fits them to a run of yours (docs/projection.md).

The model is a built-in architecture (llama-3.1-70b, qwen3-235b-a22b,
gpt-oss-120b, ...; append @fp8 for FP8 weights), a GGUF file or a Hugging Face
config.json.

EXIT STATUS
  0  planned
  2  bad usage or unusable input: unknown model, a profile missing a figure the
     model needs, a model that fits the hardware's memory at no
     tensor-parallel size, no load meeting the SLOs`

func newPlanCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan --model M --volume N/day [--workload W] [--slo ...] [--hardware P,...] [--format text|md|json|html]",
		Short: "Project capacity, nodes and cost per task on hardware you do not own",
		Long:  planLong,
		Example: `  tcobench plan --workload tier1-support-ticket --model llama-3.1-70b --slo ttft=2s,tpot=50ms --volume 50000/day
  tcobench plan --model qwen3-235b-a22b@fp8 --prompt-tokens 1000 --max-tokens 500 --volume 1e6 --hardware 8xh200,8xmi300x --format html --out plan.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			v := a.v
			format := v.GetString("format")
			switch format {
			case perfmodel.FormatText, perfmodel.FormatMarkdown, perfmodel.FormatJSON, perfmodel.FormatHTML:
			default:
				return usageErrorf("--format %q: want text, md, json or html", format)
			}
			var progress io.Writer
			if !v.GetBool("quiet") {
				progress = a.errOut
			}
			slos, err := parseSLOs(strings.Join(v.GetStringSlice("slo"), ","))
			if err != nil {
				return usageErrorf("--slo: %v", err)
			}
			res, err := perfmodel.PlanFrom(cmd.Context(), perfmodel.PlanOptions{
				Workload: v.GetString("workload"), PromptTokens: v.GetInt("prompt-tokens"), MaxTokens: v.GetInt("max-tokens"),
				Concurrency: v.GetInt("concurrency"), RatePerS: v.GetFloat64("rate"), Model: v.GetString("model"), SLOs: slos,
				Volume: v.GetString("volume"), Hardware: v.GetStringSlice("hardware"), Site: v.GetString("site"), Prices: v.GetString("prices"),
				TP: v.GetInt("tp"), PassRate: v.GetFloat64("pass-rate"), PassRateRun: v.GetString("pass-rate-from"), Utilization: v.GetFloat64("utilization"),
				CalibrationRun: v.GetString("calibrate"), CalibrationHardware: v.GetString("calibrate-hardware"), CalibrationModel: v.GetString("calibrate-model"),
				Seed: v.GetUint64("seed"), Progress: progress,
			})
			if err != nil {
				return withExit(2, err)
			}
			var b bytes.Buffer
			if err := res.Write(&b, format); err != nil {
				return err
			}
			return a.writeOut(b.Bytes(), "plan")
		},
	}
	f := cmd.Flags()
	f.String("workload", "", "catalog workload name or workload/trace file (default: built-in synthetic prompt, see --prompt-tokens)")
	f.Int("prompt-tokens", 256, "prompt length of the built-in synthetic workload, tokens")
	f.Int("max-tokens", 128, "output limit of the built-in synthetic workload, tokens")
	f.Int("concurrency", 0, "closed loop: users on one node (default: the workload's arrival; capacity is searched either way)")
	f.Float64("rate", 0, "open loop: task arrival rate on one node, tasks per second")
	f.String("model", "", "model architecture: built-in name (@fp8 etc. for the weights' precision), GGUF file or Hugging Face config.json")
	f.StringSlice("slo", nil, "service-level objectives the capacity must meet, e.g. ttft=2s,tpot=50ms,e2e=10s,task_latency=30s (95 % of requests)")
	f.String("volume", "", "tasks per day to serve, e.g. 50000 or 50000/day")
	f.StringSlice("hardware", nil, "hardware profiles, comma-separated (default: every built-in one; tcobench profiles list)")
	f.String("site", "us-colo", "site profile: built-in name or YAML file")
	f.String("prices", "api-2026", "API price catalog: built-in name or YAML file")
	f.Float64("utilization", 0, "average utilization of the nodes, 0-1 (unset: 0.5, labelled assumed)")
	f.Int("tp", 0, "tensor-parallel size (default: searched)")
	f.Float64("pass-rate", 0, "share of tasks that succeed, 0-1, for a cost per successful task (unset: none)")
	f.String("pass-rate-from", "", "run directory whose share of succeeded tasks is the pass rate")
	f.String("calibrate", "", "run directory measured on your own hardware to fit the efficiency factors to")
	f.String("calibrate-hardware", "", "hardware profile the --calibrate run was measured on")
	f.String("calibrate-model", "", "model architecture of the --calibrate run (default: its model name)")
	f.Uint64("seed", 0, "seed of the workload and the arrivals (default: the workload's)")
	f.String("format", "text", "text, md, json or html")
	f.String("out", "", "write to this file instead of standard output")
	f.Bool("quiet", false, "no progress output")
	return cmd
}
