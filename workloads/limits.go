package workloads

import (
	"math"
	"time"
)

// Limits on what a workload or trace may ask for. Each is stated in
// docs/workloads.md; a file beyond one is refused with file:line, the field
// and the limit, before anything is built or sent.
const (
	// MaxTokens bounds every length in tokens: a step's max_tokens and
	// output_tokens, a tokens: message (every value of its distribution), a
	// trace call's prompt, completion, output-limit and pad lengths, and the
	// prompt a step sends (its synthesised messages plus the context it
	// carries).
	MaxTokens = 1_000_000
	// MaxTasks bounds the tasks of a workload; MaxSteps the steps of a task;
	// MaxMessages the messages of a step; MaxPick the records a content
	// source draws per instance; MaxValues the values of an empirical
	// distribution.
	MaxTasks    = 10_000
	MaxSteps    = 1_000
	MaxMessages = 1_000
	MaxPick     = 1_000
	MaxValues   = 100_000
	// MaxUsers bounds closed-loop users; MaxRatePerS the open-loop rate
	// (tasks per second); MaxGammaShape the gamma shape.
	MaxUsers      = 100_000
	MaxRatePerS   = 100_000
	MaxGammaShape = 1_000
	// MaxDelay bounds a step's delay (every value of its distribution; a
	// sample of an unbounded distribution is capped here) and the think time.
	MaxDelay = 24 * time.Hour
	// MaxWeight bounds a task's weight.
	MaxWeight = 1e9
)

// finite reports whether x is a number (not NaN or infinite).
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
