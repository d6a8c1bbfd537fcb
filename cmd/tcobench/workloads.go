package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

func newWorkloadsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workloads",
		Short: "List, show, validate, import and calibrate workloads",
		Long:  helpText("workloads"),
	}
	cmd.AddCommand(newWorkloadsListCmd(a), newWorkloadsShowCmd(a), newWorkloadsValidateCmd(a),
		newWorkloadsImportCmd(a), newWorkloadsCalibrateCmd(a))
	return cmd
}

func newWorkloadsListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Short:   "List the built-in catalog",
		Long:    helpText("workloads-list"),
		Example: `  tcobench workloads list`,
		RunE:    func(*cobra.Command, []string) error { return workloads.WriteCatalog(a.out) },
	}
}

func newWorkloadsShowCmd(a *app) *cobra.Command {
	var instance int
	var seed uint64
	var resolvedOnly bool
	cmd := &cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Show a workload and one resolved task instance",
		Long:  helpText("workloads-show"),
		Example: `  tcobench workloads show tier1-support-ticket
  tcobench workloads show draft-email --instance 3 --resolved-only
  tcobench workloads show my-workload.yaml --seed 7`,
		Args: wantArgs(1, 1, "one workload NAME or FILE (tcobench workloads list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if b, err := workloads.CatalogYAML(args[0]); err == nil && !resolvedOnly {
				fmt.Fprintf(a.out, "# catalog entry %s\n%s\n", args[0], b)
			}
			var ro workloads.ResolveOptions
			if seed != 0 {
				ro.Seed = &seed
			}
			p, err := workloads.Open(args[0], ro)
			if err != nil {
				return badinput.Wrap(err)
			}
			return workloads.WritePlan(a.out, p, instance)
		},
	}
	cmd.Flags().IntVar(&instance, "instance", 0, "which task instance to show (from 0)")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "seed (0: the workload's own)")
	cmd.Flags().BoolVar(&resolvedOnly, "resolved-only", false, "show only the resolved instance, not the catalog YAML")
	return cmd
}

func newWorkloadsValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:     "validate FILE...",
		Short:   "Check workload YAML files and JSONL traces; report every problem with file:line",
		Long:    helpText("workloads-validate"),
		Example: `  tcobench workloads validate my-workload.yaml traces/prod.jsonl`,
		Args:    wantArgs(1, -1, "one or more workload or trace FILEs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			for _, f := range args {
				problems := workloads.Problems(f)
				for _, p := range problems {
					fmt.Fprintln(a.out, p)
				}
				if len(problems) > 0 {
					bad++
					continue
				}
				fmt.Fprintf(a.out, "ok %s\n", f)
			}
			if bad > 0 {
				return usageErrorf("%d of %d file(s) have problems (listed above)", bad, len(args))
			}
			return nil
		},
	}
}

func newWorkloadsImportCmd(a *app) *cobra.Command {
	var o workloads.ImportOptions
	var out, process string
	var rate float64
	cmd := &cobra.Command{
		Use:   "import FILE --out TRACE.jsonl",
		Short: "Convert a public trace (azure, mooncake, tau2, lengths CSV) or a recording into a tcobench trace",
		Long:  helpText("workloads-import"),
		Example: `  tcobench workloads import AzureLLMInferenceTrace_conv_2023.csv --out traces/azure-conv.jsonl
  tcobench workloads import mooncake_conversation_trace.jsonl --out traces/mooncake.jsonl --timestamp-policy burst
  tcobench run --workload traces/azure-conv.jsonl --arrival trace --time-scale 0.5 --model llama3`,
		Args: wantArgs(1, 1, "one source FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageErrorf("import: --out FILE is required")
			}
			if rate > 0 {
				o.Arrival = &workloads.TraceArrival{Process: runrecord.ArrivalMode(process), RatePerS: rate}
			}
			t, rep, err := workloads.Import(args[0], o)
			if rep != nil && len(rep.Bad) > 0 && err == nil {
				for _, p := range rep.Bad {
					fmt.Fprintf(a.errOut, "skipped %s\n", p)
				}
			}
			if err != nil {
				return badinput.Wrap(err)
			}
			var buf bytes.Buffer
			if err := workloads.WriteTrace(&buf, t); err != nil {
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("import: %w", err)
			}
			p := workloads.TracePlan(t, out, workloads.ResolveOptions{})
			fmt.Fprintf(a.out, "imported %d of %d rows (%d bad, skipped) from %s into %s: %d task instances, %d calls\n",
				rep.Imported, rep.Rows, len(rep.Bad), args[0], out, p.Len, len(t.Calls))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "trace file to write (JSONL)")
	f.StringVar(&o.Format, "format", "", "source format: trace, azure, mooncake, tau2, lengths (default: detected)")
	f.BoolVar(&o.SkipBad, "skip-bad", false, "import the good rows and list the bad ones instead of refusing the file")
	f.StringVar(&o.Name, "name", "", "workload name (default: the file's base name)")
	f.StringVar(&o.TimestampPolicy, "timestamp-policy", workloads.PolicySpread, "Mooncake rows sharing a timestamp: spread (evenly over the next second) or burst")
	f.StringVar(&process, "process", string(runrecord.ArrivalPoisson), "arrival process for a length-only CSV: poisson or constant")
	f.Float64Var(&rate, "rate", 0, "arrival rate for a length-only CSV, tasks/s (default 1)")
	return cmd
}

func newWorkloadsCalibrateCmd(a *app) *cobra.Command {
	var o workloads.CalibrateOptions
	var out string
	cmd := &cobra.Command{
		Use:   "calibrate --target URL --model NAME",
		Short: "Measure the target's tokenizer so synthesised prompts land within 5% of the asked length",
		Long:  helpText("workloads-calibrate"),
		Example: `  tcobench workloads calibrate --target http://127.0.0.1:11434 --model llama3 --backend ollama
  tcobench workloads calibrate --target http://127.0.0.1:8000 --model meta-llama/Llama-3.1-8B-Instruct`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Target == "" || o.Model == "" {
				return usageErrorf("calibrate: --target and --model are required")
			}
			c, err := workloads.Calibrate(cmd.Context(), o)
			if err != nil {
				return err
			}
			if out == "" {
				if out, err = workloads.CalibrationPath(o.Target, o.Model); err != nil {
					return err
				}
			}
			if err := workloads.SaveCalibration(out, c); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%s %s: %.4f tokens/char (measured, %d requests), %.1f tokens of chat-template overhead per request; check error %.1f%% (target: under 5%%)\nsaved %s\n",
				o.Target, o.Model, c.TokensPerChar, len(c.Samples), c.OverheadTokens, c.MaxErrorPct, out)
			if c.MaxErrorPct > 5 {
				return fmt.Errorf("calibrate: check error %.1f%% is above 5%%", c.MaxErrorPct)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Target, "target", "", "server base URL, e.g. http://127.0.0.1:11434")
	f.StringVar(&o.Model, "model", "", "model name to send")
	f.StringVar(&o.API, "backend", modelapi.KindOpenAIChat, "API, as tcobench run names it: "+strings.Join(modelapi.Kinds, ", "))
	f.StringVar(&o.API, "api", modelapi.KindOpenAIChat, "old name of --backend (openai is openai-chat)")
	_ = f.MarkHidden("api")
	f.StringVar(&out, "out", "", "calibration file (default: the calibration directory, see docs/workloads.md)")
	return cmd
}
