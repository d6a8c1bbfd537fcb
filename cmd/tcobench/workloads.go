package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/tcobench/tcobench/workloads"
)

func newWorkloadsCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "workloads",
		Short: "List, show, validate, import and calibrate workloads",
		Long: `Workloads say what tcobench sends: tasks (units of business work made of LLM
calls) mixed with weights, and how they arrive. The catalog is built in; YAML
files describe your own; JSONL traces replay recorded traffic (tcobench record,
or an import of a public trace). See docs/workloads.md and docs/catalog.md.`,
	}
	cmd.AddCommand(newWorkloadsListCmd(a), newWorkloadsShowCmd(a), newWorkloadsValidateCmd(a),
		newWorkloadsImportCmd(a), newWorkloadsCalibrateCmd(a))
	return cmd
}

func newWorkloadsListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in catalog",
		Long: `List the built-in catalog: each workload's name (what --workload takes), its
number of LLM calls per task and a one-line description. docs/catalog.md
describes each one and its sources.`,
		Example: `  tcobench workloads list`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			entries, err := workloads.Catalog()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tSTEPS\tDESCRIPTION")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", e.Name, e.Steps, firstSentence(e.Description))
			}
			return tw.Flush()
		},
	}
}

func firstSentence(s string) string {
	if i := strings.Index(s, ": "); i > 0 && i < 90 {
		return s[:i]
	}
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i]
	}
	return s
}

func newWorkloadsShowCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show NAME|FILE",
		Short: "Show a workload and one resolved task instance",
		Long: `Show a workload (a catalog name or a YAML/JSONL file): its catalog YAML, then
one task instance as tcobench would send it, step by step: delay, carried
steps, message count, prompt characters and the output limit (max tokens).`,
		Example: `  tcobench workloads show tier1-support-ticket
  tcobench workloads show draft-email --instance 3 --resolved-only
  tcobench workloads show my-workload.yaml --seed 7`,
		Args: wantArgs(1, 1, "one workload NAME or FILE (tcobench workloads list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if b, err := workloads.CatalogYAML(args[0]); err == nil && !a.v.GetBool("resolved-only") {
				fmt.Fprintf(a.out, "# catalog entry %s\n%s\n", args[0], b)
			}
			opts, err := resolveOpts(a)
			if err != nil {
				return err
			}
			p, err := workloads.Open(args[0], opts)
			if err != nil {
				return withExit(2, err)
			}
			return showPlan(a, p, a.v.GetInt("instance"))
		},
	}
	cmd.Flags().Int("instance", 0, "which task instance to show (from 0)")
	cmd.Flags().Uint64("seed", 0, "seed (0: the workload's own)")
	cmd.Flags().Bool("resolved-only", false, "show only the resolved instance, not the catalog YAML")
	return cmd
}

func resolveOpts(a *app) (workloads.ResolveOptions, error) {
	var o workloads.ResolveOptions
	if s := a.v.GetUint64("seed"); s != 0 {
		o.Seed = &s
	}
	return o, nil
}

func showPlan(a *app, p *workloads.Plan, i int) error {
	n := "unbounded (a weighted mix)"
	if p.Len >= 0 {
		n = fmt.Sprintf("%d task instances", p.Len)
	}
	fmt.Fprintf(a.out, "workload %s (%s): %s; arrival %s", p.Name, p.Source, n, p.Arrival.Process)
	switch p.Arrival.Process {
	case workloads.ArrivalClosed:
		fmt.Fprintf(a.out, ", %d users, think time %s", p.Arrival.Users, time.Duration(p.Arrival.ThinkTimeNS))
	case workloads.ArrivalTrace:
	default:
		fmt.Fprintf(a.out, ", %g tasks/s", p.Arrival.RatePerS)
	}
	fmt.Fprintf(a.out, "; replay %s", p.ReplayMode)
	if p.PromptLengths != "" {
		fmt.Fprintf(a.out, "; synthesised prompt lengths %s", p.PromptLengths)
	}
	fmt.Fprintln(a.out)
	in, ok := p.Instance(i)
	if !ok {
		return usageErrorf("workload %s has no instance %d", p.Name, i)
	}
	fmt.Fprintf(a.out, "instance %d: id %s, task %s", i, in.ID, in.Name)
	if in.AtNS >= 0 {
		fmt.Fprintf(a.out, ", arrives at %s (recorded)", time.Duration(in.AtNS))
	}
	if in.HasRecordedCost {
		fmt.Fprintf(a.out, ", recorded API cost $%.4f", in.RecordedCostUSD)
	}
	if in.RecordedSuccess != nil {
		fmt.Fprintf(a.out, ", recorded success %v", *in.RecordedSuccess)
	}
	fmt.Fprintln(a.out)
	tw := tabwriter.NewWriter(a.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tDELAY\tCARRY\tMESSAGES\tCHARS\tMAX TOKENS\tLAST MESSAGE STARTS")
	for _, s := range in.Steps {
		chars := 0
		for _, m := range s.Messages {
			chars += len(m.Content)
		}
		carry := strings.Join(s.Carry, ",")
		if s.CarryAll {
			carry = "all"
		}
		first := ""
		if len(s.Messages) > 0 {
			first = oneLineTrim(s.Messages[len(s.Messages)-1].Content, 50)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\n", s.ID, time.Duration(s.DelayNS).Round(time.Microsecond), carry, len(s.Messages), chars, s.MaxTokens, first)
	}
	return tw.Flush()
}

func oneLineTrim(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func newWorkloadsValidateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check workload YAML files and JSONL traces; report every problem with file:line",
		Long: `Check workload YAML files and JSONL traces without sending anything: strict
YAML (an unknown field is a problem), every field's range, templates, content
files and step references. Prints "ok FILE" for a good file and one line per
problem, "file:line: field: what is wrong", for a bad one (on standard error).

EXIT STATUS
  0  every file is valid
  2  at least one file has problems`,
		Example: `  tcobench workloads validate my-workload.yaml traces/prod.jsonl`,
		Args:    wantArgs(1, -1, "one or more workload or trace FILEs"),
		RunE: func(cmd *cobra.Command, args []string) error {
			bad := 0
			for _, f := range args {
				problems := validateOne(f)
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

// validateOne returns one line per problem of a workload file or trace.
func validateOne(path string) []string {
	if _, err := workloads.CatalogYAML(path); err == nil {
		if _, err := workloads.Open(path, workloads.ResolveOptions{}); err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		if _, err := workloads.Decode(path, data); err != nil {
			var pe *workloads.ProblemsError
			if errors.As(err, &pe) {
				return strings.Split(pe.Error(), "\n")
			}
			return []string{err.Error()}
		}
		if _, err := workloads.Open(path, workloads.ResolveOptions{}); err != nil {
			return []string{err.Error()}
		}
		return nil
	}
	_, rep, err := workloads.ImportData(workloads.DetectFormat(path, data), path, data, workloads.ImportOptions{SkipBad: true})
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range rep.Bad {
		out = append(out, p.String())
	}
	return out
}

func newWorkloadsImportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE --out TRACE.jsonl",
		Short: "Convert a public trace (azure, mooncake, tau2, lengths CSV) or a recording into a tcobench trace",
		Long: `Convert a public trace or a recording into a tcobench JSONL trace that
tcobench run --workload replays: the Azure LLM inference CSVs (azure), the
Mooncake JSONL traces (mooncake), tau2-bench simulation results (tau2), a CSV
of prompt and output lengths (lengths; arrivals drawn with --process and
--rate) or a tcobench trace (trace). The format is detected unless --format
says it. A bad row stops the import with its file:line, unless --skip-bad.
See docs/workloads.md.`,
		Example: `  tcobench workloads import AzureLLMInferenceTrace_conv_2023.csv --out traces/azure-conv.jsonl
  tcobench workloads import mooncake_conversation_trace.jsonl --out traces/mooncake.jsonl --timestamp-policy burst
  tcobench run --workload traces/azure-conv.jsonl --arrival trace --time-scale 0.5 --model llama3`,
		Args: wantArgs(1, 1, "one source FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := a.v.GetString("out")
			if out == "" {
				return usageErrorf("import: --out FILE is required")
			}
			o := workloads.ImportOptions{Format: a.v.GetString("format"), SkipBad: a.v.GetBool("skip-bad"),
				Name: a.v.GetString("name"), TimestampPolicy: a.v.GetString("timestamp-policy")}
			if r := a.v.GetFloat64("rate"); r > 0 {
				o.Arrival = &workloads.TraceArrival{Process: a.v.GetString("process"), RatePerS: r}
			}
			t, rep, err := workloads.Import(args[0], o)
			if rep != nil && len(rep.Bad) > 0 && err == nil {
				for _, p := range rep.Bad {
					fmt.Fprintf(a.errOut, "skipped %s\n", p)
				}
			}
			if err != nil {
				return withExit(2, err)
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
	f.String("out", "", "trace file to write (JSONL)")
	f.String("format", "", "source format: trace, azure, mooncake, tau2, lengths (default: detected)")
	f.Bool("skip-bad", false, "import the good rows and list the bad ones instead of refusing the file")
	f.String("name", "", "workload name (default: the file's base name)")
	f.String("timestamp-policy", workloads.PolicySpread, "Mooncake rows sharing a timestamp: spread (evenly over the next second) or burst")
	f.String("process", workloads.ArrivalPoisson, "arrival process for a length-only CSV: poisson or constant")
	f.Float64("rate", 0, "arrival rate for a length-only CSV, tasks/s (default 1)")
	return cmd
}

func newWorkloadsCalibrateCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "calibrate --target URL --model NAME",
		Short: "Measure the target's tokenizer so synthesised prompts land within 5% of the asked length",
		Long: `Measure the target model's tokens per character: it sends a probe, then
prompts of about 64, 256 and 1,024 tokens with a one-token output limit,
reads the server's prompt token counts (--api openai: usage.prompt_tokens;
--api ollama: prompt_eval_count) and fits tokens = slope × chars + overhead,
then checks the fit on two more prompts. tcobench run then uses the saved
file for that target and model, so that synthesised prompts ("tokens: 1000"
in a workload) land within 5 % of the asked length instead of the estimate
of 0.15 tokens per character. See docs/workloads.md.

EXIT STATUS
  0  calibrated, check error under 5 %
  1  the target did not answer, or the check error is above 5 % (file still saved)
  2  bad usage`,
		Example: `  tcobench workloads calibrate --target http://127.0.0.1:11434 --model llama3 --api ollama
  tcobench workloads calibrate --target http://127.0.0.1:8000 --model meta-llama/Llama-3.1-8B-Instruct`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			target, model := a.v.GetString("target"), a.v.GetString("model")
			if target == "" || model == "" {
				return usageErrorf("calibrate: --target and --model are required")
			}
			c, err := workloads.Calibrate(cmd.Context(), workloads.CalibrateOptions{Target: target, Model: model, API: a.v.GetString("api")})
			if err != nil {
				return err
			}
			out := a.v.GetString("out")
			if out == "" {
				if out, err = workloads.CalibrationPath(target, model); err != nil {
					return err
				}
			}
			if err := workloads.SaveCalibration(out, c); err != nil {
				return err
			}
			fmt.Fprintf(a.out, "%s %s: %.4f tokens/char (measured, %d requests), %.1f tokens of chat-template overhead per request; check error %.1f%% (target: under 5%%)\nsaved %s\n",
				target, model, c.TokensPerChar, len(c.Samples), c.OverheadTokens, c.MaxErrorPct, out)
			if c.MaxErrorPct > 5 {
				return fmt.Errorf("calibrate: check error %.1f%% is above 5%%", c.MaxErrorPct)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.String("target", "", "server base URL, e.g. http://127.0.0.1:11434")
	f.String("model", "", "model name to send")
	f.String("api", "openai", "how to read prompt token counts: openai (usage.prompt_tokens) or ollama (prompt_eval_count)")
	f.String("out", "", "calibration file (default: the calibration directory, see docs/workloads.md)")
	return cmd
}
