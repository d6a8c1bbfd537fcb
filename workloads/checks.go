package workloads

import (
	"encoding/json"
	"fmt"
)

// Check types (docs/outcomes.md).
const (
	CheckJSONSchema = "json_schema"
	CheckRegex      = "regex"
	CheckEquals     = "equals"
	CheckContains   = "contains"
	CheckOneOf      = "one_of"
	CheckNumber     = "number"
	CheckToolCall   = "tool_call"
	CheckJudge      = "judge"
)

// CheckTypes lists the check types (read only).
var CheckTypes = []string{CheckJSONSchema, CheckRegex, CheckEquals, CheckContains, CheckOneOf, CheckNumber, CheckToolCall, CheckJudge}

// Normalisations of a compared text, applied in this order whatever order
// they are given in.
const (
	NormTrim  = "trim"  // surrounding white space, quotes and final punctuation removed
	NormCase  = "case"  // Unicode case folded
	NormSpace = "space" // runs of white space made one space
	NormPunct = "punct" // punctuation removed
	NormNone  = "none"  // compared exactly
)

// DefaultNormalize is what equals, contains and one_of apply unless told.
var DefaultNormalize = []string{NormTrim, NormCase, NormSpace}

// CheckSpec is one success check of a step (on the step's output) or of a
// task (on the output of one named step, or of all its steps). Expected and
// Rubric are templates filled from the task's content records, so that
// each instance carries its own ground truth.
type CheckSpec struct {
	Type string `yaml:"type"`
	// Name labels the check in results ("" : its type).
	Name string `yaml:"name"`
	// Step, on a task's check, names the step whose output is checked
	// (empty: every step's output, joined by blank lines, and every tool call).
	Step string `yaml:"step"`
	// Path, for equals, contains, one_of and number, is a JSON pointer
	// ("/flow"): the output is read as JSON and the value there is compared.
	Path string `yaml:"path"`
	// Expected is the right answer (equals, contains, number, and one_of
	// when the label is known): a template.
	Expected string `yaml:"expected"`
	// Normalize lists the normalisations of equals, contains and one_of
	// (default trim, case, space; "none" compares exactly).
	Normalize []string `yaml:"normalize"`
	// Pattern is a regular expression (RE2 syntax) the output must match.
	Pattern string `yaml:"pattern"`
	// Labels is one_of's label set.
	Labels []string `yaml:"labels"`
	// Tolerance (absolute) and RelativeTolerance (a fraction of Expected)
	// bound a number check's error; both 0: exact.
	Tolerance         float64 `yaml:"tolerance"`
	RelativeTolerance float64 `yaml:"relative_tolerance"`
	// Schema (inline) or SchemaFile (relative to the workload) is the JSON
	// Schema the output must satisfy (json_schema).
	Schema     any    `yaml:"schema"`
	SchemaFile string `yaml:"schema_file"`
	// Function is the tool a tool_call check wants called; Arguments a JSON
	// Schema its arguments must satisfy.
	Function  string `yaml:"function"`
	Arguments any    `yaml:"arguments"`
	// Rubric tells the judge what a right answer is (a template).
	Rubric string `yaml:"rubric"`
	// Judge names the judge's backend and model (run settings fill what it leaves out).
	Judge *JudgeSpec `yaml:"judge"`

	// Where is the check's place in its file ("file:line: tasks[0].checks[1]"),
	// set by validation, for errors.
	Where string `yaml:"-"`
}

// Label is the check's name, else its type.
func (c *CheckSpec) Label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Type
}

// JudgeSpec is an LLM-as-judge backend: any server and model tcobench can
// send to, with the API key read from the environment variable APIKeyEnv.
type JudgeSpec struct {
	Target    string `yaml:"target" json:"target"`
	Backend   string `yaml:"backend" json:"backend"`
	Model     string `yaml:"model" json:"model"`
	APIKeyEnv string `yaml:"api_key_env" json:"api_key_env,omitempty"`
}

// Merge fills j's empty fields from d.
func (j JudgeSpec) Merge(d JudgeSpec) JudgeSpec {
	j.Target, j.Backend, j.Model, j.APIKeyEnv = pick(j.Target, d.Target), pick(j.Backend, d.Backend), pick(j.Model, d.Model), pick(j.APIKeyEnv, d.APIKeyEnv)
	return j
}

// ToolSpec is a function the model may call, sent as the request's tools.
type ToolSpec struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Parameters is the JSON Schema of the function's arguments.
	Parameters any `yaml:"parameters"`
}

// Check is a check resolved for one task instance.
type Check struct {
	Spec *CheckSpec
	// Expected and Rubric are the spec's templates rendered for the instance.
	Expected, Rubric string
	// Schema is the JSON Schema text: of the output (json_schema) or of the
	// arguments (tool_call).
	Schema []byte
}

// toolsJSON renders tools in the OpenAI layout ([{"type":"function",...}]).
func toolsJSON(tools []ToolSpec) ([]byte, error) {
	if len(tools) == 0 {
		return nil, nil
	}
	type fn struct {
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
		Parameters  any    `json:"parameters"`
	}
	type tool struct {
		Type     string `json:"type"`
		Function fn     `json:"function"`
	}
	out := make([]tool, len(tools))
	for i, t := range tools {
		p := t.Parameters
		if p == nil {
			p = map[string]any{"type": "object", "properties": map[string]any{}}
		}
		out[i] = tool{Type: "function", Function: fn{Name: t.Name, Description: t.Description, Parameters: p}}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("tools: %w", err)
	}
	return b, nil
}
