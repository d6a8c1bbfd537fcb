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

	// RequestID is the X-Request-Id header tcobench sent, unique to the
	// attempt (a UUID); Traceparent the W3C trace context header sent with
	// it, whose trace id is the same 128 bits. Either joins the attempt to a
	// server's own logs and traces.
	RequestID   string `json:"request_id,omitempty"`
	Traceparent string `json:"traceparent,omitempty"`
	// ResponseID is the server's own id for the response (the OpenAI
	// chunk's "id"), when it gave one; ServerRequestID the request id header
	// the server answered with (X-Request-Id or Request-Id), when it did.
	ResponseID      string `json:"response_id,omitempty"`
	ServerRequestID string `json:"server_request_id,omitempty"`

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
	// FirstTokenNS is when the first token of any kind (content, reasoning
	// or a tool-call delta) arrived.
	FirstTokenNS int64 `json:"first_token_ns,omitempty"`
	// FirstContentNS is when the first content (non-reasoning) token arrived.
	FirstContentNS int64 `json:"first_content_ns,omitempty"`
	// FirstToolCallNS is when the first tool-call delta (a call's id, name
	// or first argument bytes) arrived; absent when the turn called no tool.
	FirstToolCallNS int64 `json:"first_tool_call_ns,omitempty"`
	// EndNS is when the response ended, normally or with an error.
	EndNS int64 `json:"end_ns"`

	// ChunkNS holds the arrival time of every token-bearing chunk (content,
	// reasoning or tool-call delta); ChunkTokens the number of tokens each
	// carried (1 when the server streams token by token; a tool-call delta
	// counts as 1, whatever the server's parser held back).
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
	// Server holds timings the server reported about itself (Ollama's final
	// chunk, llama.cpp's timings object), when it did.
	Server *ServerTimings `json:"server,omitempty"`
	// FinishReason is the server's stop reason ("length", "stop", "tool_calls", ...), when given.
	FinishReason string `json:"finish_reason,omitempty"`
	// ToolCalls are the tool calls the model made in this turn, in the order
	// they started; absent for a turn that called no tool.
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// Checks are the results of the step's success checks (absent when the
	// step has none); Task is the task's outcome, on its final attempt, in a
	// workload with checks (docs/outcomes.md).
	Checks []CheckResult `json:"checks,omitempty"`
	Task   *TaskOutcome  `json:"task_outcome,omitempty"`
}

// ToolCall is one tool call a model made, assembled from the stream's
// deltas. Arguments stays in memory for checks made while the run goes on
// (a workload's tool_call outcome): it is not written to requests.jsonl,
// which keeps only the call's size, as argument values may hold customer
// data.
type ToolCall struct {
	// Index is the call's position in the turn as the server numbered it.
	Index int `json:"index"`
	// ID is the server's id for the call, when it gave one.
	ID string `json:"id,omitempty"`
	// Name is the function called.
	Name string `json:"name,omitempty"`
	// ArgumentBytes is the size in bytes of the call's arguments (the JSON
	// text as streamed, unescaped), all of it, even past MaxToolArguments.
	ArgumentBytes int `json:"argument_bytes"`
	// Arguments is the arguments' JSON text, at most MaxToolArguments bytes
	// (ArgumentsCut is true when it was cut). Not written to files.
	Arguments    string `json:"-"`
	ArgumentsCut bool   `json:"-"`
}

// MaxToolArguments bounds the argument text kept per tool call in memory.
const MaxToolArguments = 64 << 10

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

// ServerTimings are the server's own account of a request: Ollama's final
// chunk, or llama.cpp's timings object (which has no load time, and whose
// total is its prompt plus generation time).
type ServerTimings struct {
	LoadNS        int64 `json:"load_ns"`
	PromptEvalNS  int64 `json:"prompt_eval_ns"`
	PromptEvalTok int   `json:"prompt_eval_count"`
	EvalNS        int64 `json:"eval_ns"`
	EvalTok       int   `json:"eval_count"`
	TotalNS       int64 `json:"total_ns"`
	// CachedTok is the prompt tokens the server reused from its cache
	// (llama.cpp's cache_n), when it said.
	CachedTok int `json:"cached_count,omitempty"`
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
