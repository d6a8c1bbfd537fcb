package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// runOptions is everything `tcobench run` needs, resolved from flags,
// TCOBENCH_* variables and the config file (see app.runOptions), or built
// directly by demo, suites and sweep.
type runOptions struct {
	Name     string
	Workload string // catalog name or file; "" for the built-in synthetic plan
	// PromptTokens and MaxTokens size the built-in synthetic plan.
	PromptTokens, MaxTokens int
	Replay                  string // "recorded" or "live" ("" the workload's)
	Target, Backend, Model  string
	IgnoreEOS               bool

	Arrival     string // closed, constant, poisson, gamma, trace ("": poisson with a rate, closed with a concurrency alone, else the workload's)
	Concurrency int    // closed-loop users, or the open-loop ceiling
	Rate        float64
	GammaShape  float64
	Duration    time.Duration
	Requests    int
	Warmup      time.Duration
	Cooldown    time.Duration
	ThinkTime   time.Duration
	TimeScale   float64
	TraceStart  time.Duration
	TraceEnd    time.Duration
	MaxQueue    int

	SLOs           []runrecord.SLO
	RequestTimeout time.Duration
	Grace          time.Duration
	Seed           uint64
	SeedSet        bool
	Out            string
	Quiet          bool
}

const runLong = `Run a workload against a model server and write a run directory:
requests.jsonl (every attempt, appended as it finishes) and run.json
(configuration, environment, summary, warnings).

LOAD
  closed loop   --concurrency N users, each starting its next task when the
                last one ended (plus --think-time)
  open loop     --rate R tasks/s with --arrival constant|poisson|gamma
                (--gamma-shape below 1 is burstier than Poisson); the schedule
                is fixed from the run's start, whatever the server does;
                --concurrency then caps requests in flight and the time
                spent waiting for a slot is recorded as queue time
  trace         --arrival trace replays a trace's recorded offsets, times
                --time-scale, within --trace-start/--trace-end
  Limits: --duration (measured phase) and/or --requests (measured tasks);
  --warmup and --cooldown run before and after and are excluded from figures.

Latencies are kept both from the scheduled time (no coordinated omission)
and from the actual send. Ctrl-C stops sending, gives requests in flight
--grace to finish, and writes the run marked partial.

PRICING
  With --hardware and --site (and --prices, --utilization...), the run is
  priced at its end as tcobench cost would, into run.json; tcobench report
  then shows the cost per task beside each API model.

EXIT STATUS
  0  the run completed and at least one request succeeded
  1  no request succeeded (every attempt is still recorded), the run was
     interrupted (a partial record is written), or it could not be written
  2  bad usage or unusable input: flags, workload, suite or profile files`

func newRunCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [--workload W] --target URL --model M [load flags]",
		Short: "Run a workload against a model server and write a run record",
		Long:  runLong,
		Example: `  tcobench run --target http://127.0.0.1:11434 --model llama3 --concurrency 4 --duration 1m
  tcobench run --workload tier1-support-ticket --backend ollama --model llama3 \
      --rate 2 --arrival poisson --duration 5m --warmup 30s --slo ttft=500ms,tpot=50ms
  tcobench run --workload draft-email --model llama3 --requests 200 --concurrency 8 \
      --hardware cpu-server --site office --out runs/email-c8     # priced at the end
  tcobench run --suite examples/nightly-suite.yaml --out runs/nightly`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if path := a.v.GetString("suite"); path != "" {
				if err := suiteOnlyFlags(cmd); err != nil {
					return err
				}
				return a.runSuiteFile(cmd.Context(), path)
			}
			opts, err := a.runOptions()
			if err != nil {
				return err
			}
			cfg, err := opts.benchConfig()
			if err != nil {
				return err
			}
			hooks, cleanup, err := a.runHooks(cmd.Context(), opts.Target)
			if err != nil {
				return err
			}
			defer cleanup()
			run, dir, err := a.startRun(cmd.Context(), cfg, opts.Quiet, hooks)
			if err != nil {
				return err
			}
			if err := a.saveRun(cmd.Context(), dir, run); err != nil {
				return err
			}
			return a.reportRun(run, dir)
		},
	}
	addRunFlags(cmd)
	cmd.Flags().String("suite", "", "run every run of a suite file into one suite directory (--out) with one combined report; the file sets each run, so only --out, --quiet, --save and --store go with it")
	cmd.Flags().Bool("save", false, "save the run in the results store (see --store; tcobench history shows trends)")
	cmd.Flags().String("store", "", "results store DSN: postgres://..., a SQLite file path, or empty for SQLite in the user's data directory")
	addCollectorFlags(cmd)
	addCostFlags(cmd)
	return cmd
}

// runHooks builds the collector and cost hooks the flags ask for.
func (a *app) runHooks(ctx context.Context, target string) ([]load.Hooks, func(), error) {
	col, cleanup, err := a.collectorHooks(ctx, target)
	if err != nil {
		return nil, func() {}, err
	}
	hooks := []load.Hooks{col}
	cost, ok, err := a.costHook()
	if err != nil {
		cleanup()
		return nil, func() {}, err
	}
	if ok {
		hooks = append(hooks, cost)
	}
	return hooks, cleanup, nil
}

// addRunFlags registers the workload, target and load flags (run and sweep).
func addRunFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.String("name", "", "label of the run")
	f.String("workload", "", "catalog workload name or workload/trace file (default: built-in synthetic prompt, see --prompt-tokens)")
	f.Int("prompt-tokens", 256, "prompt length of the built-in synthetic workload, tokens (estimated at 4 characters per token)")
	f.Int("max-tokens", 128, "output limit of the built-in synthetic workload, tokens")
	f.String("replay", "", "multi-turn replay mode: recorded (carry recorded outputs) or live (carry the server's replies)")
	f.String("target", "http://127.0.0.1:11434", "model server base URL")
	f.String("backend", modelapi.KindOpenAIChat, "API: "+strings.Join(modelapi.Kinds, ", "))
	f.String("model", "", "model name to send")
	f.Bool("ignore-eos", false, "ask OpenAI-compatible servers that support it (vLLM, llama.cpp) to generate exactly max tokens")
	f.String("arrival", "", "arrival process: closed, constant, poisson, gamma or trace (default: poisson with --rate, closed with --concurrency alone, else the workload's)")
	f.Int("concurrency", 0, "closed loop: number of users (default 1); open loop: ceiling on requests in flight (0: none)")
	f.Float64("rate", 0, "open loop: task arrival rate, tasks per second")
	f.Float64("gamma-shape", 1, "gamma arrivals: shape (1 is Poisson, below 1 burstier)")
	f.Duration("duration", 0, "length of the measured phase (warm-up and cool-down are added)")
	f.Int("requests", 0, "number of measured tasks (single-step workloads: requests)")
	f.Int("count", 0, "same as --requests")
	_ = f.MarkHidden("count")
	f.Duration("warmup", 0, "warm-up before the measured phase, excluded from the figures")
	f.Duration("cooldown", 0, "load kept after the measured phase, excluded from the figures")
	f.Duration("think-time", 0, "closed loop: a user's pause between tasks")
	f.Float64("time-scale", 1, "trace replay: multiply recorded offsets (0.5 replays twice as fast)")
	f.Duration("trace-start", 0, "trace replay: skip arrivals recorded before this offset")
	f.Duration("trace-end", 0, "trace replay: stop at arrivals recorded at or after this offset (0: the end)")
	f.Int("max-queue", 0, "open loop with a ceiling: arrivals beyond this many waiting are dropped and recorded (0: no bound)")
	f.StringSlice("slo", nil, "service-level objectives for goodput, e.g. ttft=500ms,tpot=50ms,e2e=10s,task_latency=30s (judged from the scheduled time; repeatable)")
	f.Duration("request-timeout", 5*time.Minute, "limit on one request from send to the end of its stream (0: none)")
	f.Duration("grace", load.DefaultGrace, "after Ctrl-C, how long requests in flight may finish")
	f.Uint64("seed", 0, "seed of the arrival schedule and the workload (default: the workload's, else 0)")
	f.String("out", "", "run directory to write (default runs/<workload>-<UTC time>)")
	f.Bool("quiet", false, "no progress output")
}

// runOptions reads the run flags (flag > TCOBENCH_* > config file > default).
func (a *app) runOptions() (runOptions, error) {
	v := a.v
	o := runOptions{
		Name: v.GetString("name"), Workload: v.GetString("workload"), PromptTokens: v.GetInt("prompt-tokens"),
		MaxTokens: v.GetInt("max-tokens"), Replay: v.GetString("replay"), Target: v.GetString("target"),
		Backend: v.GetString("backend"), Model: v.GetString("model"), IgnoreEOS: v.GetBool("ignore-eos"),
		Arrival: v.GetString("arrival"), Concurrency: v.GetInt("concurrency"), Rate: v.GetFloat64("rate"),
		GammaShape: v.GetFloat64("gamma-shape"), Duration: v.GetDuration("duration"), Requests: v.GetInt("requests"),
		Warmup: v.GetDuration("warmup"), Cooldown: v.GetDuration("cooldown"), ThinkTime: v.GetDuration("think-time"),
		TimeScale: v.GetFloat64("time-scale"), TraceStart: v.GetDuration("trace-start"), TraceEnd: v.GetDuration("trace-end"),
		MaxQueue: v.GetInt("max-queue"), RequestTimeout: v.GetDuration("request-timeout"), Grace: v.GetDuration("grace"),
		Seed: v.GetUint64("seed"), SeedSet: v.IsSet("seed") && v.GetUint64("seed") != 0, Out: v.GetString("out"),
		Quiet: v.GetBool("quiet"),
	}
	if o.Requests == 0 {
		o.Requests = v.GetInt("count")
	}
	slos, err := parseSLOs(strings.Join(v.GetStringSlice("slo"), ","))
	if err != nil {
		return o, usageErrorf("--slo: %v", err)
	}
	o.SLOs = slos
	return o, nil
}

// parseSLOs reads "ttft=500ms,tpot=50ms".
func parseSLOs(s string) ([]runrecord.SLO, error) {
	var out []runrecord.SLO
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want metric=duration, e.g. ttft=500ms", part)
		}
		d, err := time.ParseDuration(strings.TrimSpace(val))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("%q: want a positive duration such as 500ms", part)
		}
		switch k = strings.TrimSpace(k); k {
		case "ttft", "tpot", "itl", "e2e", "task_latency", "ttft_sched", "e2e_sched", "task_latency_sched":
		default:
			return nil, fmt.Errorf("%q: metric %q: want ttft, tpot, itl, e2e or task_latency", part, k)
		}
		out = append(out, runrecord.SLO{Metric: k, Max: runrecord.Duration(d)})
	}
	return out, nil
}

// executeRun resolves the workload, runs it with the given extra hooks and
// returns the run record and its directory. It is the core of `tcobench
// run`, reused by sweep, demo and suites.
func (a *app) executeRun(ctx context.Context, o runOptions, hooks ...load.Hooks) (*runrecord.Run, string, error) {
	cfg, err := o.benchConfig()
	if err != nil {
		return nil, "", err
	}
	return a.startRun(ctx, cfg, o.Quiet, hooks)
}

// startRun runs a resolved configuration (see executeRun).
func (a *app) startRun(ctx context.Context, cfg load.Config, quiet bool, hooks []load.Hooks) (*runrecord.Run, string, error) {
	cfg.Hooks = hooks
	if !quiet {
		cfg.Progress = a.errOut
	}
	ver, rev := buildInfo()
	cfg.Version, cfg.Commit = ver, rev
	if !quiet {
		fmt.Fprintf(a.errOut, "run: %s → %s (%s, model %s), writing %s\n", cfg.Plan.Name, cfg.Target, cfg.Backend, cfg.Model, cfg.OutDir)
	}
	run, err := load.Run(ctx, cfg)
	if err != nil {
		return nil, cfg.OutDir, withExit(1, err)
	}
	return run, cfg.OutDir, nil
}

// benchConfig turns the options into the engine's configuration.
func (o runOptions) benchConfig() (load.Config, error) {
	if o.Model == "" {
		return load.Config{}, usageErrorf("--model is required (the model name the server knows)")
	}
	if err := o.checkLoadFlags(); err != nil {
		return load.Config{}, err
	}
	plan, err := o.plan()
	if err != nil {
		return load.Config{}, err
	}
	mode := o.Arrival
	switch {
	case mode != "":
	case o.Rate > 0:
		mode = workloads.ArrivalPoisson
	case o.Concurrency > 0:
		mode = workloads.ArrivalClosed
	case plan.Arrival.Process != "":
		mode = plan.Arrival.Process
	default:
		mode = workloads.ArrivalClosed
	}
	if (mode == workloads.ArrivalConstant || mode == workloads.ArrivalPoisson || mode == workloads.ArrivalGamma) && o.Rate <= 0 && plan.Arrival.RatePerS <= 0 {
		return load.Config{}, usageErrorf("--arrival %s needs --rate (tasks per second)", mode)
	}
	if mode != workloads.ArrivalTrace && o.Duration <= 0 && o.Requests <= 0 {
		return load.Config{}, usageErrorf("give --duration or --requests (the workload has no end)")
	}
	out := o.Out
	if out == "" {
		out = filepath.Join("runs", sanitize(plan.Name)+"-"+time.Now().UTC().Format("20060102T150405Z"))
	}
	cfg := load.Config{
		Name: o.Name, OutDir: out, Target: o.Target, Backend: o.Backend, Model: o.Model, IgnoreEOS: o.IgnoreEOS,
		Plan: *plan,
		Load: runrecord.LoadConfig{Mode: mode, Concurrency: o.Concurrency, RatePerS: o.Rate, GammaShape: o.GammaShape,
			TimeScale: o.TimeScale, Duration: runrecord.Duration(o.Duration), Count: o.Requests,
			Warmup: runrecord.Duration(o.Warmup), Cooldown: runrecord.Duration(o.Cooldown), ThinkTime: runrecord.Duration(o.ThinkTime)},
		TraceStartNS: int64(o.TraceStart), TraceEndNS: int64(o.TraceEnd), MaxQueue: o.MaxQueue,
		SLOs: o.SLOs, RequestTimeout: o.RequestTimeout, Grace: o.Grace, Seed: o.Seed,
		Extra: map[string]any{"workload_arg": o.Workload, "replay": o.Replay},
	}
	if o.Workload == "" {
		cfg.Extra["prompt_tokens"], cfg.Extra["max_tokens"] = o.PromptTokens, o.MaxTokens
	}
	if mode == workloads.ArrivalTrace {
		cfg.Extra["trace_start"], cfg.Extra["trace_end"] = o.TraceStart.String(), o.TraceEnd.String()
	}
	if o.MaxQueue > 0 {
		cfg.Extra["max_queue"] = o.MaxQueue
	}
	if _, err := modelapi.New(o.Backend, o.Target, modelapi.Options{}); err != nil {
		return cfg, usageErrorf("%v", err)
	}
	return cfg, nil
}

// suiteOnlyFlags rejects a command-line flag that --suite would silently
// ignore: each run's settings come from the suite file.
func suiteOnlyFlags(cmd *cobra.Command) error {
	var ignored []string
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "suite", "out", "quiet", "save", "store", "config":
		default:
			ignored = append(ignored, "--"+f.Name)
		}
	})
	if len(ignored) > 0 {
		return usageErrorf("%s: not used with --suite (each run's settings come from the suite file: set them in its defaults, targets or loads)", strings.Join(ignored, ", "))
	}
	return nil
}

// checkLoadFlags rejects load flags no run can use, naming the flag, before
// anything is resolved or sent.
func (o runOptions) checkLoadFlags() error {
	switch o.Arrival {
	case "", workloads.ArrivalClosed, workloads.ArrivalConstant, workloads.ArrivalPoisson, workloads.ArrivalGamma, workloads.ArrivalTrace:
	default:
		return usageErrorf("--arrival %q: want closed, constant, poisson, gamma or trace", o.Arrival)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"duration", o.Duration}, {"warmup", o.Warmup}, {"cooldown", o.Cooldown}, {"think-time", o.ThinkTime},
		{"trace-start", o.TraceStart}, {"trace-end", o.TraceEnd}, {"request-timeout", o.RequestTimeout}, {"grace", o.Grace}} {
		if d.v < 0 {
			return usageErrorf("--%s %s: must not be negative", d.name, d.v)
		}
	}
	for _, n := range []struct {
		name string
		v    float64
	}{{"concurrency", float64(o.Concurrency)}, {"requests", float64(o.Requests)}, {"max-queue", float64(o.MaxQueue)},
		{"rate", o.Rate}, {"gamma-shape", o.GammaShape}, {"time-scale", o.TimeScale}} {
		if n.v < 0 || math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			return usageErrorf("--%s %g: must be a finite number, 0 or more", n.name, n.v)
		}
	}
	return nil
}

// plan resolves the workload, or builds the synthetic one.
func (o runOptions) plan() (*workloads.Plan, error) {
	if o.Workload == "" {
		if o.PromptTokens <= 0 || o.MaxTokens <= 0 {
			return nil, usageErrorf("--prompt-tokens and --max-tokens must be positive")
		}
		p := load.SimplePlan(o.PromptTokens, o.MaxTokens)
		return &p, nil
	}
	ro := workloads.ResolveOptions{Replay: o.Replay}
	if o.SeedSet {
		seed := o.Seed
		ro.Seed = &seed
	}
	c, err := workloads.FindCalibration(o.Target, o.Model)
	if err != nil {
		return nil, usageErrorf("tokenizer calibration for %s (%s): %v (re-run tcobench workloads calibrate, or remove the file)", o.Target, o.Model, err)
	}
	ro.Calibration = c
	p, err := workloads.Open(o.Workload, ro)
	if err != nil {
		return nil, withExit(2, err)
	}
	return p, nil
}

func sanitize(s string) string {
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
	if s == "" {
		return "run"
	}
	return s
}

// reportRun prints the run's headline figures and its warnings.
func (a *app) reportRun(run *runrecord.Run, dir string) error {
	printSummary(a.out, run, dir)
	s := run.Summary
	switch {
	case run.Partial:
		return withExit(1, fmt.Errorf("partial record written to %s: %s", dir, run.PartialReason))
	case s != nil && s.Requests.Scheduled > 0 && s.Requests.OK == 0:
		return withExit(1, noSuccessError(run, dir))
	}
	return nil
}

// noSuccessError says why a run in which no request succeeded failed: how
// many attempts failed, by error class, and where to look next.
func noSuccessError(run *runrecord.Run, dir string) error {
	s := run.Summary
	failed := s.Requests.Sent - s.Requests.OK
	classes := make([]string, 0, len(s.ErrorsByClass))
	for k, n := range s.ErrorsByClass {
		classes = append(classes, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(classes)
	msg := fmt.Sprintf("no request succeeded: %d of %d sent failed", failed, s.Requests.Sent)
	if len(classes) > 0 {
		msg += " (" + strings.Join(classes, ", ") + ")"
	}
	if s.ErrorsByClass["refused"] > 0 {
		msg += fmt.Sprintf("; is a model server listening at %s? (tcobench doctor --target %s)", run.Config.Target, run.Config.Target)
	}
	return errors.New(msg + "; every attempt is in " + filepath.Join(dir, "requests.jsonl"))
}
