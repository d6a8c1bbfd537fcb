package workloads

import "github.com/tcobench/tcobench/runrecord"

// FormatVersion is the version of the workload file format (YAML) and of the
// trace format (JSONL) that this build reads and writes.
const FormatVersion = 1

// File is a hand-written workload as decoded from YAML. See docs/workloads.md.
type File struct {
	Version     int    `yaml:"version"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Source credits where the workload's shapes and content come from.
	Source string `yaml:"source"`
	// Seed makes the task mix, the sampled delays and the synthesised text
	// reproducible; ResolveOptions.Seed overrides it.
	Seed    *uint64     `yaml:"seed"`
	Replay  string      `yaml:"replay"`
	Arrival ArrivalSpec `yaml:"arrival"`
	// Content names JSONL content files whose records fill message templates.
	Content map[string]ContentSpec `yaml:"content"`
	Tasks   []TaskSpec             `yaml:"tasks"`
}

// ArrivalSpec says how task instances arrive.
type ArrivalSpec struct {
	Process    runrecord.ArrivalMode `yaml:"process"`
	RatePerS   float64               `yaml:"rate_per_s"`
	GammaShape float64               `yaml:"gamma_shape"`
	Users      int                   `yaml:"users"`
	ThinkTime  runrecord.Duration    `yaml:"think_time"`
	// Trace is a JSONL trace (relative to the workload file) replayed when
	// Process is "trace".
	Trace string `yaml:"trace"`
}

// ContentSpec is a JSONL file of records (one JSON object a line); each task
// instance picks Pick records (default 1) at random with the plan's seed.
// With Pick 1 a template sees the record itself ({{.kb.title}}); with more,
// a list ({{range .kb}}...{{end}}).
type ContentSpec struct {
	File string `yaml:"file"`
	Pick int    `yaml:"pick"`
}

// TaskSpec is one kind of task in the mix.
type TaskSpec struct {
	Name        string  `yaml:"name"`
	Description string  `yaml:"description"`
	Weight      float64 `yaml:"weight"`
	// RecordedCostUSD and Success are what a source recorded for this task.
	RecordedCostUSD *float64   `yaml:"recorded_cost_usd"`
	Success         *bool      `yaml:"success"`
	Steps           []StepSpec `yaml:"steps"`
	// Checks judge the task as a whole (docs/outcomes.md).
	Checks []CheckSpec `yaml:"checks"`
}

// StepSpec is one LLM call of a task.
type StepSpec struct {
	ID        string   `yaml:"id"`
	DependsOn []string `yaml:"depends_on"`
	// Delay is the tool or think time before the step: fixed or a distribution.
	Delay     *DelayDist `yaml:"delay"`
	MaxTokens int        `yaml:"max_tokens"`
	// Carry is "all" or a list of earlier step ids whose messages and outputs
	// are prepended to this step's messages.
	Carry    Carry         `yaml:"carry"`
	Messages []MessageSpec `yaml:"messages"`
	// RecordedOutput is the output later steps carry in recorded replay mode.
	// When empty, deterministic text of OutputTokens (default MaxTokens)
	// tokens is synthesised so that the carried context is identical across
	// servers.
	RecordedOutput string `yaml:"recorded_output"`
	OutputTokens   int    `yaml:"output_tokens"`
	// Checks judge the step's output (docs/outcomes.md).
	Checks []CheckSpec `yaml:"checks"`
	// Tools are the functions the model may call in this step.
	Tools []ToolSpec `yaml:"tools"`
	// StructuredOutput sends the step's json_schema check's schema as the
	// response format (OpenAI response_format json_schema, Ollama format), so
	// that the server constrains the output to it.
	StructuredOutput bool `yaml:"structured_output"`
}

// MessageSpec is one message: exactly one of Text (literal), Template (Go
// text/template filled from the task's content records) or Tokens (deterministic
// synthesised text of that many tokens).
type MessageSpec struct {
	Role     string     `yaml:"role"`
	Text     string     `yaml:"text"`
	Template string     `yaml:"template"`
	Tokens   *TokenDist `yaml:"tokens"`
}
