// Package workloads defines what tcobench sends: tasks (units of business work
// made of LLM-call steps), workloads (a weighted mix of tasks and how they
// arrive), the embedded catalog of enterprise tasks, importers for public
// traces, and the resolved Plan that the load engine (package bench) runs.
package workloads

import (
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// Plan is a workload resolved for one run: concrete task instances, each with
// rendered messages and sampled delays, and how they arrive. The load engine
// runs a Plan; it never reads the workload file format itself.
type Plan struct {
	// Name and Source identify the workload (catalog name or file path).
	Name   string
	Source string
	// Arrival says how tasks arrive; see the Arrival* constants.
	Arrival Arrival
	// ReplayMode is ReplayRecorded or ReplayLive: whether a step's carried
	// context holds the recorded outputs of earlier steps or the server's
	// actual replies in this run.
	ReplayMode string
	// PromptLengths is "calibrated", "estimated" or "" (no synthesised text).
	PromptLengths string
	// TimestampPolicy says how a trace's recorded timestamps became arrival
	// offsets (for example Mooncake's whole seconds spread across each
	// second); "" for workloads that are not traces.
	TimestampPolicy string
	// Instances returns task instance i (from 0), deterministic for the plan's
	// seed. ok is false past the end of a finite plan (a trace).
	Instance func(i int) (Instance, bool)
	// Len is the number of instances of a finite plan (a trace), or -1 when
	// the plan generates instances without end (a weighted mix).
	Len int
	// HasChecks is true when the workload's tasks or steps carry success
	// checks; Judges lists its judge checks (each spec once), whose backends
	// a run probes before it sends anything.
	HasChecks bool
	Judges    []*CheckSpec
}

// Arrival is how task instances arrive.
type Arrival struct {
	// Process is the arrival mode.
	Process runrecord.ArrivalMode
	// RatePerS is the open-loop arrival rate in tasks per second.
	RatePerS float64
	// GammaShape is the shape of the gamma process (1 is Poisson; below 1 burstier).
	GammaShape float64
	// Users is the number of closed-loop users.
	Users int
	// ThinkTimeNS is a closed-loop user's pause between tasks.
	ThinkTimeNS int64
	// Seed makes the schedule and the task mix reproducible.
	Seed uint64
}

// Replay modes.
const (
	ReplayRecorded = "recorded"
	ReplayLive     = "live"
)

// Instance is one task to execute: its steps, ready to send.
type Instance struct {
	// ID is unique within the run; Name is the task kind ("tier1-support-ticket").
	ID   string
	Name string
	// AtNS is the arrival offset from the run's start for trace replay (before
	// time scaling), or -1 when the arrival process decides.
	AtNS  int64
	Steps []Step
	// RecordedCostUSD is the API cost the source recorded for this task, when
	// HasRecordedCost is true (tau2 sessions).
	RecordedCostUSD float64
	HasRecordedCost bool
	// RecordedSuccess is the source's success flag, when it had one;
	// RecordedModel the model the source ran.
	RecordedSuccess *bool
	RecordedModel   string
	// Key names the instance's ground truth: instances with the same Key are
	// repeated trials of one instance (pass^k). For a task mix, the task
	// kind and the content records drawn; for a trace, the source's task id.
	Key string
	// Checks judge the task as a whole, resolved for this instance.
	Checks []Check
}

// Step is one LLM call of a task instance.
type Step struct {
	ID string
	// DependsOn lists step IDs that must finish first. With no dependencies a
	// step waits for the step before it (steps run in order).
	DependsOn []string
	// DelayNS is the tool or think time before the step is sent, already sampled.
	DelayNS int64
	// MaxTokens is the output limit sent to the server.
	MaxTokens int
	// Messages are this step's own new messages.
	Messages []modelapi.Message
	// Carry lists earlier steps whose messages and output are prepended, in
	// step order, to this step's messages (growing context). CarryAll carries
	// every earlier step.
	Carry    []string
	CarryAll bool
	// RecordedOutput is the output recorded for this step; in recorded replay
	// mode it is what later steps carry forward instead of the live reply.
	RecordedOutput string
	// PromptTokens is the intended prompt length when the text was synthesised
	// from a length spec (0 otherwise), so estimates can be checked.
	PromptTokens int
	// RecordedInputTokens and RecordedOutputTokens are the token counts the
	// source's usage billed for this call (0 when it recorded none).
	RecordedInputTokens, RecordedOutputTokens int
	// Checks judge the step's output, resolved for this instance.
	Checks []Check
	// Tools is the request's tools, JSON in the OpenAI layout (nil: none).
	Tools []byte
	// ResponseSchema, when set, is sent as the structured-output schema.
	ResponseSchema []byte
}
