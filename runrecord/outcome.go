package runrecord

// CheckResult is the result of one success check of a workload (docs/outcomes.md):
// a step's check on the attempt it checked, a task's check in the task's
// outcome.
type CheckResult struct {
	// Type is the check's type ("json_schema", "regex", "equals", "contains",
	// "one_of", "number", "tool_call", "judge"); Name its name, when it has one.
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
	Pass bool   `json:"pass"`
	// Detail says why a check failed, in a few words (at most 200 bytes).
	Detail string `json:"detail,omitempty"`
	// Judge is the judge model's request, for a judge check: its tokens and
	// cost are the check's, kept apart from the task's.
	Judge *JudgeUsage `json:"judge,omitempty"`
}

// JudgeUsage is one LLM-as-judge request.
type JudgeUsage struct {
	Backend string `json:"backend"`
	Model   string `json:"model"`
	// OK is false when the judge did not answer (the check then fails).
	OK bool `json:"ok"`
	// InputTokens and OutputTokens are the judge request's tokens; Source
	// is TokensFromUsage or TokensEstimated.
	InputTokens  int    `json:"input_tokens"`
	OutputTokens int    `json:"output_tokens"`
	Source       string `json:"source,omitempty"`
	// LatencyNS is the judge request's end minus its send.
	LatencyNS int64 `json:"latency_ns,omitempty"`
}

// TaskOutcome is whether a task succeeded, on the task's final attempt: its
// every step succeeded and passed its checks, and the task's own checks
// passed.
type TaskOutcome struct {
	Pass bool `json:"pass"`
	// Instance names the task instance's ground truth (the task kind and the
	// content records it drew, or the source's task id): tasks with the same
	// Instance are repeated trials of one instance (pass^k).
	Instance string `json:"instance,omitempty"`
	// Checks are the task-level checks' results.
	Checks []CheckResult `json:"checks,omitempty"`
	// Reason says why the task failed, when it did ("step lookup failed: timeout",
	// "step draft check equals failed").
	Reason string `json:"reason,omitempty"`
}

// Outcome bases: how a run's tasks were judged.
const (
	// OutcomeChecked: by the workload's success checks.
	OutcomeChecked = "checks"
	// OutcomeNoError: the workload has no checks; a task succeeded when every
	// step answered without error (not whether the answer was right).
	OutcomeNoError = "no_error"
)

// Outcomes are the measured tasks' success: counts, the pass rate with its
// 95 % Wilson interval, pass^k over repeated trials of one instance, and the
// judge's own requests.
type Outcomes struct {
	// Basis is OutcomeChecked or OutcomeNoError.
	Basis string `json:"basis"`
	// Tasks counts the measured tasks that ended (completed, failed or
	// not); Passed those that succeeded. Both are the cost's denominators.
	Tasks  int `json:"tasks"`
	Passed int `json:"passed"`
	// PassRate is Passed/Tasks; PassRateLow and PassRateHigh its 95 %
	// Wilson score interval.
	PassRate     float64 `json:"pass_rate"`
	PassRateLow  float64 `json:"pass_rate_ci95_low"`
	PassRateHigh float64 `json:"pass_rate_ci95_high"`
	// ChecksRun and ChecksPassed count the individual checks, step and task,
	// by type.
	ByType map[string]CheckCounts `json:"by_type,omitempty"`
	// PassK is pass^k (τ-bench): the chance that k trials of one instance
	// all succeed, averaged over instances with at least k trials.
	PassK []PassK `json:"pass_k,omitempty"`
	// Judge adds up the judge requests; their tokens and cost are not the task's.
	Judge *JudgeTotals `json:"judge,omitempty"`
}

// CheckCounts counts the checks of one type.
type CheckCounts struct {
	Run    int `json:"run"`
	Passed int `json:"passed"`
}

// PassK is pass^k for one k.
type PassK struct {
	K     int     `json:"k"`
	Value float64 `json:"value"`
	// Instances is how many instances had at least K trials.
	Instances int `json:"instances"`
}

// JudgeTotals add up a run's judge requests.
type JudgeTotals struct {
	Requests     int    `json:"requests"`
	Failed       int    `json:"failed"`
	InputTokens  int64  `json:"input_tokens"`
	OutputTokens int64  `json:"output_tokens"`
	Backend      string `json:"backend"`
	Model        string `json:"model"`
	// Estimated counts judge requests whose tokens were estimated.
	Estimated int `json:"estimated,omitempty"`
}

// RecordedOutcome is what the workload's source recorded about its own
// runs of the tasks this run measured (tau2's sessions): the model, how many
// succeeded, what they cost and the tokens that were billed.
type RecordedOutcome struct {
	Model     string `json:"model,omitempty"`
	Tasks     int    `json:"tasks"`
	Successes int    `json:"successes"`
	// WithSuccess counts the tasks that carried a success flag.
	WithSuccess  int     `json:"with_success"`
	CostUSD      float64 `json:"cost_usd"`
	WithCost     int     `json:"with_cost"`
	InputTokens  int64   `json:"input_tokens"`
	OutputTokens int64   `json:"output_tokens"`
}
