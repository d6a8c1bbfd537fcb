package runrecord

import (
	"fmt"
	"time"
)

// SchemaVersion is the version of run.json's schema. Readers refuse newer versions.
const SchemaVersion = 1

// File names inside a run directory.
const (
	RunFile       = "run.json"
	RequestsFile  = "requests.jsonl"
	TelemetryFile = "telemetry.jsonl"
)

// Run is the content of run.json.
type Run struct {
	Schema int    `json:"schema"`
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	// Partial is true when the run did not finish as configured (interrupted,
	// or a fatal error); PartialReason says why.
	Partial       bool   `json:"partial"`
	PartialReason string `json:"partial_reason,omitempty"`

	// StartedAt is the wall-clock time of the run's clock zero; EndedAt when it stopped.
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`

	// Config is the resolved configuration the run used (flags, file and environment merged).
	Config RunConfig `json:"config"`
	// Environment describes the harness, the host and the server.
	Environment Environment `json:"environment"`
	// Workload describes what was sent.
	Workload WorkloadInfo `json:"workload"`
	// Window is the measurement window (warm-up and cool-down excluded), on the run clock.
	Window Window `json:"window"`

	// Summary holds the figures computed from the measured attempts.
	Summary *Summary `json:"summary,omitempty"`
	// Energy holds the energy accounting (see the collectors package), when any was done.
	Energy *Energy `json:"energy,omitempty"`
	// Collectors reports each collector's health.
	Collectors []CollectorHealth `json:"collectors,omitempty"`
	// GPUControl is what a power-limit or clock sweep set on each GPU for
	// this run; empty when the run changed no GPU setting.
	GPUControl []GPUControl `json:"gpu_control,omitempty"`
	// Cost holds the cost comparison computed by the tco package (tcobench
	// cost, or run with pricing), when priced.
	Cost *Cost `json:"cost,omitempty"`
	// Warnings are things a reader must know to trust the figures (the harness fell
	// behind its schedule, tokens were estimated, the energy window was too short...).
	Warnings []string `json:"warnings,omitempty"`
	// Fleet is set on a shard of a fleet run and on a fleet's merged result.
	Fleet *Fleet `json:"fleet,omitempty"`
}

// RunConfig is the resolved configuration of a run.
type RunConfig struct {
	Target   string     `json:"target"`
	Backend  string     `json:"backend"`
	Model    string     `json:"model"`
	Workload string     `json:"workload"`
	Load     LoadConfig `json:"load"`
	SLOs     []SLO      `json:"slos,omitempty"`
	Timeout  Duration   `json:"request_timeout"`
	Seed     uint64     `json:"seed"`
	// QuickAck is true when the client set TCP_QUICKACK on its connections
	// (acknowledging each segment at once); false: it acknowledged as a
	// pooled client does, with the kernel's delayed ACK.
	QuickAck bool     `json:"quickack"`
	Extra    RunExtra `json:"extra,omitempty"`
}

// RunExtra holds the settings a run was asked for that the resolved
// configuration does not show by itself: what --workload named, the replay
// mode asked for, the built-in synthetic workload's size, a trace window
// and the open-loop queue bound.
type RunExtra struct {
	// WorkloadArg is the workload as given (a catalog name or a file path;
	// empty for the built-in synthetic workload).
	WorkloadArg string `json:"workload_arg"`
	// Replay is the multi-turn replay mode asked for ("" for the workload's).
	Replay string `json:"replay"`
	// PromptTokens and MaxTokens size the built-in synthetic workload.
	PromptTokens int `json:"prompt_tokens,omitempty"`
	MaxTokens    int `json:"max_tokens,omitempty"`
	// TraceStart and TraceEnd are the window of a trace replay, as durations.
	TraceStart string `json:"trace_start,omitempty"`
	TraceEnd   string `json:"trace_end,omitempty"`
	// MaxQueue bounds arrivals waiting for the concurrency ceiling (0: none).
	MaxQueue int `json:"max_queue,omitempty"`
	// APIKeyEnv names the environment variable the API key was read from
	// (the key itself is never recorded).
	APIKeyEnv string `json:"api_key_env,omitempty"`
}

// LoadConfig says how load was applied.
type LoadConfig struct {
	// Mode is the arrival mode.
	Mode ArrivalMode `json:"mode"`
	// Concurrency is the number of closed-loop users, or the open-loop ceiling (0: none).
	Concurrency int `json:"concurrency,omitempty"`
	// RatePerS is the open-loop arrival rate of tasks per second.
	RatePerS float64 `json:"rate_per_s,omitempty"`
	// GammaShape is the gamma process shape (burstiness: below 1 is burstier than Poisson).
	GammaShape float64 `json:"gamma_shape,omitempty"`
	// TimeScale multiplies trace inter-arrival times (0.5 replays twice as fast).
	TimeScale float64  `json:"time_scale,omitempty"`
	Duration  Duration `json:"duration,omitempty"`
	Count     int      `json:"count,omitempty"`
	Warmup    Duration `json:"warmup,omitempty"`
	Cooldown  Duration `json:"cooldown,omitempty"`
	ThinkTime Duration `json:"think_time,omitempty"`
}

// String describes the load in words: "closed loop of 4 users", "poisson
// arrivals at 2 tasks/s, at most 8 in flight", "trace replay at 0.5× time".
func (l LoadConfig) String() string {
	switch l.Mode {
	case ArrivalClosed:
		return fmt.Sprintf("closed loop of %d users", l.Concurrency)
	case ArrivalTrace:
		s := fmt.Sprintf("trace replay at %g× time", max(l.TimeScale, 0))
		if l.TimeScale == 0 {
			s = "trace replay"
		}
		return s + ceilingText(l.Concurrency)
	case "":
		return "unknown load"
	}
	s := fmt.Sprintf("%s arrivals at %g tasks/s", l.Mode, l.RatePerS)
	if l.Mode == ArrivalGamma && l.GammaShape > 0 {
		s += fmt.Sprintf(" (shape %g)", l.GammaShape)
	}
	return s + ceilingText(l.Concurrency)
}

func ceilingText(n int) string {
	if n > 0 {
		return fmt.Sprintf(", at most %d in flight", n)
	}
	return ""
}

// Environment describes where and with what the run happened.
type Environment struct {
	TcobenchVersion string     `json:"tcobench_version"`
	TcobenchCommit  string     `json:"tcobench_commit,omitempty"`
	GoVersion       string     `json:"go_version"`
	Host            HostInfo   `json:"host"`
	Server          ServerInfo `json:"server"`
}

// HostInfo describes the machine that ran tcobench.
type HostInfo struct {
	Hostname    string `json:"hostname"`
	OS          string `json:"os"`
	Arch        string `json:"arch"`
	CPUModel    string `json:"cpu_model,omitempty"`
	CPUCores    int    `json:"cpu_cores"`
	MemoryBytes uint64 `json:"memory_bytes"`
}

// ServerInfo is the model server as it described itself.
type ServerInfo struct {
	URL     string `json:"url"`
	Kind    string `json:"kind,omitempty"`    // "ollama", "vllm", "llama.cpp", "tgi", "sglang", "openai-compatible"
	Version string `json:"version,omitempty"` // as reported by the server; empty when it would not say
	Model   string `json:"model,omitempty"`   // as reported by the server
}

// WorkloadInfo describes the workload of a run.
type WorkloadInfo struct {
	Name   string `json:"name"`
	Source string `json:"source,omitempty"` // catalog name or file path
	// ReplayMode is "recorded" or "live" for multi-turn sessions.
	ReplayMode string `json:"replay_mode,omitempty"`
	// PromptLengths says how synthesised prompt lengths were sized:
	// "calibrated" (measured tokenizer), "estimated" or "" (no synthesised prompts).
	PromptLengths string `json:"prompt_lengths,omitempty"`
	// TimestampPolicy says how a trace's coarse timestamps were turned into
	// send times (for example Mooncake's rounded seconds), when it mattered.
	TimestampPolicy string `json:"timestamp_policy,omitempty"`
	Tasks           int    `json:"tasks"`
	// RecordedAPICostUSD is the API cost the workload's source recorded, per task, when it had one.
	RecordedAPICostUSD map[string]float64 `json:"recorded_api_cost_usd,omitempty"`
	// Recorded is what the source recorded about the measured tasks: its
	// model, successes, bill and billed tokens.
	Recorded *RecordedOutcome `json:"recorded,omitempty"`
}

// Window is a span on the run clock, in nanoseconds from the run's start.
type Window struct {
	StartNS int64 `json:"start_ns"`
	EndNS   int64 `json:"end_ns"`
}

// Seconds is the window's length in seconds.
func (w Window) Seconds() float64 { return float64(w.EndNS-w.StartNS) / 1e9 }

// CollectorHealth is a collector's own report of how it did.
type CollectorHealth struct {
	Name        string   `json:"name"`
	OK          bool     `json:"ok"`
	Samples     int      `json:"samples"`
	Errors      int      `json:"errors"`
	Unsupported []string `json:"unsupported,omitempty"`
	Message     string   `json:"message,omitempty"`
}
