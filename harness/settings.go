package harness

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/livemetrics"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// RunSettings are the settings of one run as people state them: flat, by
// name, each with its default and help. The same names serve the CLI's
// flags, TCOBENCH_* variables, config files and a suite file's `flags:`
// (Bind registers them on a flag set); Spec resolves them into a Spec.
type RunSettings struct {
	Name     string
	Workload string // catalog name or file; "" for the built-in synthetic workload
	// PromptTokens and MaxTokens size the built-in synthetic workload.
	PromptTokens, MaxTokens int
	Replay                  string // "recorded" or "live" ("" the workload's)

	Target, Backend, Model string
	IgnoreEOS              bool
	// QuickAck sets TCP_QUICKACK on the client's connections (Linux).
	QuickAck bool

	Load load.LoadSettings
	// Duration and Requests end the measured phase; Warmup and Cooldown run around it.
	Duration, Warmup, Cooldown time.Duration
	Requests                   int
	SLOs                       []string // metric=duration, as ParseSLOs reads them
	RequestTimeout, Grace      time.Duration
	Seed                       uint64 // 0: the workload's
	Out                        string // "" runs/<workload>-<UTC time>
	// Replace lets a run write into a directory that holds an earlier
	// run's files (deleting them); else such a directory is refused.
	Replace bool

	Telemetry TelemetrySettings
	Pricing   PricingSettings
	Outcomes  OutcomeSettings
	// Save stores the run in the results store at Store (a DSN; "" SQLite in
	// the user's data directory).
	Save  bool
	Store string
}

// Bind registers every run setting on fs under its name, with its help;
// the values s holds are the flags' defaults (bind Defaults() for tcobench's).
func (s *RunSettings) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&s.Name, "name", s.Name, "label of the run")
	fs.StringVar(&s.Workload, "workload", s.Workload, "catalog workload name or workload/trace file (default: built-in synthetic prompt, see --prompt-tokens)")
	fs.IntVar(&s.PromptTokens, "prompt-tokens", s.PromptTokens, "prompt length of the built-in synthetic workload, tokens (estimated at 4 characters per token)")
	fs.IntVar(&s.MaxTokens, "max-tokens", s.MaxTokens, "output limit of the built-in synthetic workload, tokens")
	fs.StringVar(&s.Replay, "replay", s.Replay, "multi-turn replay mode: recorded (carry recorded outputs) or live (carry the server's replies)")
	fs.StringVar(&s.Target, "target", s.Target, "model server base URL")
	fs.StringVar(&s.Backend, "backend", s.Backend, "API: "+strings.Join(modelapi.Kinds, ", "))
	fs.StringVar(&s.Model, "model", s.Model, "model name to send")
	fs.BoolVar(&s.IgnoreEOS, "ignore-eos", s.IgnoreEOS, "ask OpenAI-compatible servers that support it (vLLM, llama.cpp) to generate exactly max tokens")
	fs.BoolVar(&s.QuickAck, "quickack", s.QuickAck, "acknowledge every TCP segment at once (TCP_QUICKACK, Linux): measures a server with Nagle's algorithm on without the client's delayed ACK (default: as a pooled client)")
	l := &s.Load
	fs.StringVar(&l.Arrival, "arrival", l.Arrival, "arrival process: closed, constant, poisson, gamma or trace (default: poisson with --rate, closed with --concurrency alone, else the workload's)")
	fs.IntVar(&l.Concurrency, "concurrency", l.Concurrency, "closed loop: number of users (default 1); open loop: ceiling on requests in flight (0: none)")
	fs.Float64Var(&l.Rate, "rate", l.Rate, "open loop: task arrival rate, tasks per second")
	fs.Float64Var(&l.GammaShape, "gamma-shape", l.GammaShape, "gamma arrivals: shape (1 is Poisson, below 1 burstier)")
	fs.DurationVar(&l.ThinkTime, "think-time", l.ThinkTime, "closed loop: a user's pause between tasks")
	fs.Float64Var(&l.TimeScale, "time-scale", l.TimeScale, "trace replay: multiply recorded offsets (0.5 replays twice as fast)")
	fs.DurationVar(&l.TraceStart, "trace-start", l.TraceStart, "trace replay: skip arrivals recorded before this offset")
	fs.DurationVar(&l.TraceEnd, "trace-end", l.TraceEnd, "trace replay: stop at arrivals recorded at or after this offset (0: the end)")
	fs.IntVar(&l.MaxQueue, "max-queue", l.MaxQueue, "open loop with a ceiling: arrivals beyond this many waiting are dropped and recorded (0: no bound)")
	fs.DurationVar(&s.Duration, "duration", s.Duration, "length of the measured phase (warm-up and cool-down are added)")
	fs.IntVar(&s.Requests, "requests", s.Requests, "number of measured tasks (single-step workloads: requests)")
	fs.IntVar(&s.Requests, "count", s.Requests, "same as --requests")
	_ = fs.MarkHidden("count")
	fs.DurationVar(&s.Warmup, "warmup", s.Warmup, "warm-up before the measured phase, excluded from the figures")
	fs.DurationVar(&s.Cooldown, "cooldown", s.Cooldown, "load kept after the measured phase, excluded from the figures")
	fs.StringSliceVar(&s.SLOs, "slo", s.SLOs, "service-level objectives for goodput, e.g. ttft=500ms,tpot=50ms,e2e=10s,task_latency=30s (judged from the scheduled time; repeatable)")
	fs.DurationVar(&s.RequestTimeout, "request-timeout", s.RequestTimeout, "limit on one request from send to the end of its stream (0: none)")
	fs.DurationVar(&s.Grace, "grace", s.Grace, "after Ctrl-C, how long requests in flight may finish")
	fs.Uint64Var(&s.Seed, "seed", s.Seed, "seed of the arrival schedule and the workload (default: the workload's, else 0)")
	fs.StringVar(&s.Out, "out", s.Out, "run directory to write (default runs/<workload>-<UTC time>)")
	fs.BoolVar(&s.Replace, "replace", s.Replace, "write into an --out that holds an earlier run's files, deleting them (else it is refused)")
	s.Telemetry.Bind(fs)
	s.Pricing.Bind(fs)
	s.Outcomes.Bind(fs)
	fs.BoolVar(&s.Save, "save", s.Save, "save the run in the results store (see --store; tcobench history shows trends)")
	fs.StringVar(&s.Store, "store", s.Store, "results store DSN: postgres://..., a SQLite file path, or empty for SQLite in the user's data directory")
}

// Defaults are tcobench's run settings before anyone states one.
func Defaults() RunSettings {
	return RunSettings{
		PromptTokens: 256, MaxTokens: 128, Target: "http://127.0.0.1:11434", Backend: modelapi.KindOpenAIChat,
		Load:           load.LoadSettings{GammaShape: 1, TimeScale: 1},
		RequestTimeout: 5 * time.Minute, Grace: load.DefaultGrace,
		Telemetry: TelemetrySettings{Collectors: "nvml,host,server", GPUs: "all", PowerSampleHz: 10,
			EnergyInterval: time.Second, SampleInterval: time.Second, IdleBaseline: 30 * time.Second,
			MinEnergyWindow: energy.DefaultMinWindow, ServerKind: "auto", PromNodeLabel: "Hostname",
			PromSettle: 40 * time.Second, PushgatewayJob: livemetrics.DefaultJob},
		Pricing: PricingSettings{Utilization: Stated{Value: 0.5},
			APIPriceDecline: Stated{Value: 0.30}, TokenGrowth: Stated{Value: 0.25}},
	}
}

// Apply sets the named settings from text, as a suite file's `flags:` or a
// config file gives them; an unknown name or a value the setting cannot take
// is an error naming it.
func (s *RunSettings) Apply(values map[string]string) error {
	fs := pflag.NewFlagSet("settings", pflag.ContinueOnError)
	s.Bind(fs)
	for _, k := range sortedKeys(values) {
		if fs.Lookup(k) == nil {
			return badinput.Field(k, nil, "not a run setting")
		}
		if err := fs.Set(k, values[k]); err != nil {
			return badinput.Field(k, values[k], "%v", err)
		}
	}
	return nil
}

// Spec resolves the settings: the workload plan, the schedule, the
// collectors and the pricing, checked before anything is sent. Errors name
// the setting (*badinput.FieldError) or are marked bad input.
func (s RunSettings) Spec() (Spec, error) {
	var sp Spec
	slos, err := runrecord.ParseSLOs(strings.Join(s.SLOs, ","))
	if err != nil {
		return sp, badinput.Field("slo", nil, "%v", err)
	}
	tgt := modelapi.Target{URL: s.Target, API: s.Backend, Model: s.Model, IgnoreEOS: s.IgnoreEOS}
	if err := tgt.Validate(); err != nil {
		return sp, err
	}
	if tgt.APIKey, err = s.Outcomes.apiKey(); err != nil {
		return sp, err
	}
	plan, err := s.plan()
	if err != nil {
		return sp, err
	}
	sched, err := s.Load.Schedule(plan.Arrival)
	if err != nil {
		return sp, err
	}
	sp.Load = load.Config{Name: s.Name, OutDir: s.outDir(plan.Name), Replace: s.Replace, Target: tgt, Plan: *plan, Schedule: sched,
		Limits: load.Limits{Duration: s.Duration, Count: s.Requests, Warmup: s.Warmup, Cooldown: s.Cooldown,
			RequestTimeout: s.RequestTimeout, Grace: s.Grace},
		SLOs: slos, Seed: s.Seed, QuickAck: s.QuickAck, Settings: s.record(sched), Checks: s.Outcomes.checker()}
	if err := sp.Load.Validate(); err != nil {
		return sp, err
	}
	if sp.Telemetry, err = s.Telemetry.Spec(); err != nil {
		return sp, err
	}
	if sp.Pricing, err = s.Pricing.Request(); err != nil {
		return sp, err
	}
	sp.Projection = s.Pricing.Projection()
	if s.Save {
		sp.Save = &SaveSpec{DSN: s.Store}
	}
	return sp, nil
}

// plan resolves the workload, or builds the synthetic one.
func (s RunSettings) plan() (*workloads.Plan, error) {
	if s.Workload == "" {
		if s.PromptTokens <= 0 {
			return nil, badinput.Field("prompt-tokens", s.PromptTokens, "must be positive")
		}
		if s.MaxTokens <= 0 {
			return nil, badinput.Field("max-tokens", s.MaxTokens, "must be positive")
		}
		p := load.SimplePlan(s.PromptTokens, s.MaxTokens)
		return &p, nil
	}
	ro := workloads.ResolveOptions{Replay: s.Replay}
	if s.Seed != 0 {
		seed := s.Seed
		ro.Seed = &seed
	}
	c, err := workloads.FindCalibration(s.Target, s.Model)
	if err != nil {
		return nil, badinput.Errorf("tokenizer calibration for %s (%s): %v (re-run tcobench workloads calibrate, or remove the file)", s.Target, s.Model, err)
	}
	ro.Calibration = c
	p, err := workloads.Open(s.Workload, ro)
	if err != nil {
		return nil, badinput.Wrap(err)
	}
	return p, nil
}

// record is what the run record keeps of the settings beyond the resolved configuration.
func (s RunSettings) record(sched load.Schedule) runrecord.RunExtra {
	x := runrecord.RunExtra{WorkloadArg: s.Workload, Replay: s.Replay, MaxQueue: s.Load.MaxQueue, APIKeyEnv: s.Outcomes.APIKeyEnv}
	if s.Workload == "" {
		x.PromptTokens, x.MaxTokens = s.PromptTokens, s.MaxTokens
	}
	if sched.Mode() == runrecord.ArrivalTrace {
		x.TraceStart, x.TraceEnd = s.Load.TraceStart.String(), s.Load.TraceEnd.String()
	}
	return x
}

// outDir is Out, else runs/<workload>-<UTC time>.
func (s RunSettings) outDir(workload string) string { return DefaultDir(s.Out, workload) }

// DefaultDir is out when given, else runs/<name>-<UTC time now>: where a
// run, sweep or suite goes when no directory is named.
func DefaultDir(out, name string) string {
	if out != "" {
		return out
	}
	return filepath.Join("runs", safeName(name)+"-"+time.Now().UTC().Format("20060102T150405Z"))
}

// safeName keeps letters, digits, '-' and '_' of s for a directory name.
func safeName(s string) string {
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

// settingError names the setting whose value could not be used.
func settingError(name string, value any, err error) error {
	return badinput.Field(name, value, "%v", err)
}
