package runrecord

// Attempt is one request sent to a model server (one step of one task),
// successful or not. Times are nanoseconds on the run's monotonic clock,
// counted from the run's start (Run.StartedAt). A zero time means the event
// did not happen (for example no first token on a failed request), except
// ScheduledNS, which may legitimately be zero for the first request.
type Attempt struct {
	// Seq is the attempt's sequence number in the run, from 0, in order of scheduling.
	Seq int64 `json:"seq"`
	// TaskID identifies the task instance (one execution of a catalog task or trace session).
	TaskID string `json:"task_id"`
	// TaskName is the workload's name for the task kind (for example "tier1-support-ticket").
	TaskName string `json:"task_name,omitempty"`
	// StepID names the step within the task; StepIndex is its position.
	StepID    string `json:"step_id,omitempty"`
	StepIndex int    `json:"step_index"`
	// Phase is "warmup", "measure" or "cooldown". Only "measure" attempts enter the figures.
	Phase string `json:"phase"`

	// Backend is the API used: "openai-chat", "openai-completions" or "ollama".
	Backend string `json:"backend"`
	// Model is the model name sent in the request.
	Model string `json:"model,omitempty"`

	// ScheduledNS is when the attempt was due to be sent (the schedule, not the send):
	// the task's arrival for a first step, else when the steps it depends on
	// ended; plus DelayNS either way.
	ScheduledNS int64 `json:"scheduled_ns"`
	// DelayNS is the step's configured delay (think or tool time) included in
	// ScheduledNS, so ScheduledNS−DelayNS is when the step became ready (the
	// task's arrival for a first step).
	DelayNS int64 `json:"delay_ns,omitempty"`
	// QueuedNS is how long the attempt waited for a free concurrency slot before it was sent.
	QueuedNS int64 `json:"queued_ns,omitempty"`
	// SentNS is when the request was actually written to the connection.
	SentNS int64 `json:"sent_ns"`
	// ConnectNS is how long opening a new connection took before the send
	// (DNS, TCP, TLS); absent when a pooled connection was reused.
	ConnectNS int64 `json:"connect_ns,omitempty"`
	// HeadersNS is when the response headers arrived.
	HeadersNS int64 `json:"headers_ns,omitempty"`
	// FirstTokenNS is when the first token of any kind (content or reasoning) arrived.
	FirstTokenNS int64 `json:"first_token_ns,omitempty"`
	// FirstContentNS is when the first content (non-reasoning) token arrived.
	FirstContentNS int64 `json:"first_content_ns,omitempty"`
	// EndNS is when the response ended, normally or with an error.
	EndNS int64 `json:"end_ns"`

	// ChunkNS holds the arrival time of every token-bearing chunk; ChunkTokens
	// the number of tokens each carried (1 when the server streams token by token).
	ChunkNS     []int64 `json:"chunk_ns,omitempty"`
	ChunkTokens []int   `json:"chunk_tokens,omitempty"`

	// OK is true when the response completed without error.
	OK bool `json:"ok"`
	// ErrorClass is one of the Err* constants when OK is false.
	ErrorClass string `json:"error_class,omitempty"`
	// Error is the error text, for people.
	Error string `json:"error,omitempty"`
	// HTTPStatus is the response status code, when one arrived.
	HTTPStatus int `json:"http_status,omitempty"`

	// Tokens are the token counts with their source.
	Tokens Tokens `json:"tokens"`
	// Server holds timings the server reported about itself (Ollama native API), when it did.
	Server *ServerTimings `json:"server,omitempty"`
	// FinishReason is the server's stop reason ("length", "stop", ...), when given.
	FinishReason string `json:"finish_reason,omitempty"`
}

// Tokens are the token counts of one attempt.
type Tokens struct {
	// Input is the prompt token count; Output the generated token count
	// (reasoning included); Reasoning the part of Output that was reasoning;
	// CachedInput the part of Input the server served from its prefix cache.
	Input       int `json:"input"`
	Output      int `json:"output"`
	Reasoning   int `json:"reasoning,omitempty"`
	CachedInput int `json:"cached_input,omitempty"`
	// Source is TokensFromUsage when the server's usage report gave the counts,
	// TokensEstimated when they were counted from the stream (output) and estimated
	// from the prompt text (input).
	Source string `json:"source"`
	// StreamOutput is the number of tokens counted from the stream itself,
	// kept beside Output so disagreement with the server's usage can be reported.
	StreamOutput int `json:"stream_output"`
}

// Token count sources.
const (
	TokensFromUsage = "usage"
	TokensEstimated = "estimated"
)

// ServerTimings are the server's own account of a request (Ollama's final chunk).
type ServerTimings struct {
	LoadNS        int64 `json:"load_ns"`
	PromptEvalNS  int64 `json:"prompt_eval_ns"`
	PromptEvalTok int   `json:"prompt_eval_count"`
	EvalNS        int64 `json:"eval_ns"`
	EvalTok       int   `json:"eval_count"`
	TotalNS       int64 `json:"total_ns"`
}

// Error classes of a failed attempt.
const (
	ErrRefused     = "refused"      // connection refused or reset before a response
	ErrTimeout     = "timeout"      // no complete response within the request timeout
	ErrHTTPStatus  = "http_status"  // a non-2xx status; see HTTPStatus
	ErrStreamCut   = "stream_cut"   // the stream ended before its terminator
	ErrStreamError = "stream_error" // the server sent an error event in the stream
	ErrMalformed   = "malformed"    // the stream could not be parsed
	ErrCanceled    = "canceled"     // the run was interrupted while the attempt was in flight
	ErrDropped     = "dropped"      // never sent: the schedule could not be kept (counted, not hidden)
	ErrHarness     = "harness"      // tcobench's own limit (open files, memory, local ports): not the server's error
	ErrOther       = "other"
)

// Attempt phases.
const (
	PhaseWarmup   = "warmup"
	PhaseMeasure  = "measure"
	PhaseCooldown = "cooldown"
)
