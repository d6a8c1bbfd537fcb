package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"math"
	"path"
	"slices"
	"text/template"

	"github.com/tcobench/tcobench/internal/yamlpath"

	"go.yaml.in/yaml/v3"
)

var roles = map[string]bool{"system": true, "user": true, "assistant": true, "tool": true}

// validator collects problems with their file, line and field.
type validator struct {
	name     string
	root     *yaml.Node
	problems []Problem
}

func (v *validator) add(p []any, format string, args ...any) {
	v.problems = append(v.problems, Problem{
		File: v.name, Line: yamlpath.Line(v.root, p...), Field: yamlpath.Field(p...), Msg: fmt.Sprintf(format, args...),
	})
}

func at(base []any, more ...any) []any {
	out := make([]any, 0, len(base)+len(more))
	return append(append(out, base...), more...)
}

// Validate checks a decoded workload and returns every problem found. root is
// the YAML node tree the file was decoded from (for line numbers; may be nil).
func Validate(name string, f *File, root *yaml.Node) []Problem {
	v := &validator{name: name, root: root}
	if f.Version != FormatVersion {
		v.add([]any{"version"}, "want version: %d, got %d", FormatVersion, f.Version)
	}
	if f.Name == "" {
		v.add([]any{"name"}, "missing")
	}
	if f.Replay != "" && f.Replay != ReplayRecorded && f.Replay != ReplayLive {
		v.add([]any{"replay"}, "want %q or %q, got %q", ReplayRecorded, ReplayLive, f.Replay)
	}
	v.arrival(f.Arrival)
	for k, c := range f.Content {
		p := []any{"content", k}
		if c.File == "" {
			v.add(at(p, "file"), "missing")
		} else if path.IsAbs(c.File) {
			v.add(at(p, "file"), "want a path relative to the workload file")
		}
		if c.Pick < 0 || c.Pick > MaxPick {
			v.add(at(p, "pick"), "want 0 to the limit of %d records, got %d", MaxPick, c.Pick)
		}
	}
	if len(f.Tasks) == 0 && f.Arrival.Process != runrecord.ArrivalTrace {
		v.add([]any{"tasks"}, "want at least one task")
	}
	if len(f.Tasks) > MaxTasks {
		v.add([]any{"tasks"}, "%d tasks, above the limit of %d", len(f.Tasks), MaxTasks)
		return v.problems
	}
	names := map[string]bool{}
	for i, t := range f.Tasks {
		p := []any{"tasks", i}
		if t.Name == "" {
			v.add(at(p, "name"), "missing")
		} else if names[t.Name] {
			v.add(at(p, "name"), "duplicate task name %q", t.Name)
		}
		names[t.Name] = true
		v.task(p, t, f.Content)
	}
	v.checks(f)
	return v.problems
}

func (v *validator) arrival(a ArrivalSpec) {
	p := []any{"arrival"}
	switch a.Process {
	case runrecord.ArrivalConstant, runrecord.ArrivalPoisson, runrecord.ArrivalGamma:
		if !(a.RatePerS > 0) || a.RatePerS > MaxRatePerS {
			v.add(at(p, "rate_per_s"), "want a rate above 0 tasks/s for %s arrivals, up to the limit of %d", a.Process, MaxRatePerS)
		}
		if a.Process == runrecord.ArrivalGamma && (!(a.GammaShape > 0) || a.GammaShape > MaxGammaShape) {
			v.add(at(p, "gamma_shape"), "want a shape above 0 for gamma arrivals, up to the limit of %d", MaxGammaShape)
		}
	case runrecord.ArrivalClosed:
		if a.Users < 1 || a.Users > MaxUsers {
			v.add(at(p, "users"), "want 1 to the limit of %d users for closed-loop arrivals, got %d", MaxUsers, a.Users)
		}
	case runrecord.ArrivalTrace:
		if a.Trace == "" {
			v.add(at(p, "trace"), "want a JSONL trace file for trace arrivals")
		}
	case "":
		v.add(at(p, "process"), "missing (closed, constant, poisson, gamma or trace)")
	default:
		v.add(at(p, "process"), "unknown process %q (closed, constant, poisson, gamma or trace)", a.Process)
	}
	if a.ThinkTime < 0 || a.ThinkTime.D() > MaxDelay {
		v.add(at(p, "think_time"), "want 0 to the limit of %s, got %s", MaxDelay, a.ThinkTime)
	}
}

func (v *validator) task(p []any, t TaskSpec, content map[string]ContentSpec) {
	if t.Weight < 0 || !finite(t.Weight) || t.Weight > MaxWeight {
		v.add(at(p, "weight"), "want 0 to the limit of %g, got %g", float64(MaxWeight), t.Weight)
	}
	if c := t.RecordedCostUSD; c != nil && (*c < 0 || !finite(*c)) {
		v.add(at(p, "recorded_cost_usd"), "want a cost of 0 USD or more, got %g", *c)
	}
	if len(t.Steps) == 0 {
		v.add(at(p, "steps"), "want at least one step")
	}
	if len(t.Steps) > MaxSteps {
		v.add(at(p, "steps"), "%d steps, above the limit of %d", len(t.Steps), MaxSteps)
		return
	}
	seen := map[string]bool{}
	for j, s := range t.Steps {
		v.step(at(p, "steps", j), s, j, seen, content)
		seen[stepID(s, j)] = true
	}
	v.promptBound(p, t)
}

// step checks one step; seen holds the ids of the steps before it.
func (v *validator) step(sp []any, s StepSpec, j int, seen map[string]bool, content map[string]ContentSpec) {
	if id := stepID(s, j); seen[id] {
		v.add(at(sp, "id"), "duplicate step id %q", id)
	}
	if s.MaxTokens < 1 || s.MaxTokens > MaxTokens {
		v.add(at(sp, "max_tokens"), "want an output limit of at least 1 token, up to the limit of %d, got %d", MaxTokens, s.MaxTokens)
	}
	if s.OutputTokens < 0 || s.OutputTokens > MaxTokens {
		v.add(at(sp, "output_tokens"), "want 0 to the limit of %d tokens, got %d", MaxTokens, s.OutputTokens)
	}
	for k, d := range s.DependsOn {
		if !seen[d] {
			v.add(at(sp, "depends_on", k), "unknown or later step %q (a step may depend only on earlier steps)", d)
		}
	}
	for k, c := range s.Carry.Steps {
		if !seen[c] {
			v.add(at(sp, "carry", k), "unknown or later step %q", c)
		}
	}
	switch {
	case len(s.Messages) == 0:
		v.add(at(sp, "messages"), "want at least one message")
	case len(s.Messages) > MaxMessages:
		v.add(at(sp, "messages"), "%d messages, above the limit of %d", len(s.Messages), MaxMessages)
		return
	}
	for k, m := range s.Messages {
		v.message(at(sp, "messages", k), m, content)
	}
}

// promptBound refuses a step whose synthesised prompt (its tokens:
// messages, plus the messages and outputs of the steps it carries) can
// exceed MaxTokens. Unbounded distributions count at a high quantile (see
// tokenBound); outputs at output_tokens, else max_tokens.
func (v *validator) promptBound(p []any, t TaskSpec) {
	own := make([]float64, len(t.Steps))
	out := make([]float64, len(t.Steps))
	for j, s := range t.Steps {
		for _, m := range s.Messages {
			if m.Tokens != nil {
				own[j] += tokenBound(m.Tokens.Dist)
			}
		}
		out[j] = float64(max(s.OutputTokens, 0))
		if out[j] == 0 {
			out[j] = float64(max(s.MaxTokens, 0))
		}
		sent := own[j]
		for k := 0; k < j; k++ {
			if s.Carry.All || slices.Contains(s.Carry.Steps, stepID(t.Steps[k], k)) {
				sent += own[k] + out[k]
			}
		}
		if sent > MaxTokens {
			v.add(at(p, "steps", j, "messages"), "the step's synthesised prompt (its tokens: messages and the context it carries) can reach %.0f tokens, above the limit of %d", sent, MaxTokens)
		}
	}
}

// tokenBound is the most tokens a tokens: distribution gives, or for an
// unbounded one a high quantile (normal: mean + 4 standard deviations;
// lognormal: median·e^(4σ); exponential: 9.2 means, the 99.99th
// percentile), never above MaxTokens (where samples are capped).
func tokenBound(d Dist) float64 {
	p := d.Params
	var b float64
	switch d.Kind {
	case DistFixed:
		b = p["value"]
	case DistUniform:
		b = p["max"]
	case DistNormal:
		b = p["mean"] + 4*p["stddev"]
	case DistLognormal:
		b = p["median"] * math.Exp(4*p["sigma"])
	case DistExponential:
		b = 9.2 * p["mean"]
	case DistEmpirical:
		b = slices.Max(append([]float64{0}, d.Values...))
	}
	if !finite(b) {
		return MaxTokens
	}
	return min(max(b, 0), MaxTokens)
}

func (v *validator) message(p []any, m MessageSpec, content map[string]ContentSpec) {
	if !roles[m.Role] {
		v.add(at(p, "role"), "want system, user, assistant or tool, got %q", m.Role)
	}
	n := 0
	for _, set := range []bool{m.Text != "", m.Template != "", m.Tokens != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		v.add(p, "want exactly one of text, template or tokens")
	}
	if m.Template != "" {
		if _, err := parseTemplate(m.Template); err != nil {
			v.add(at(p, "template"), "%v", err)
		}
		if len(content) == 0 {
			v.add(at(p, "template"), "a template needs content files (top-level content:)")
		}
	}
}

func stepID(s StepSpec, j int) string {
	if s.ID != "" {
		return s.ID
	}
	return fmt.Sprintf("step%d", j+1)
}

func parseTemplate(s string) (*template.Template, error) {
	return template.New("message").Option("missingkey=error").Funcs(templateFuncs).Parse(s)
}
