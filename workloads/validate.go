package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"path"
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
		if c.Pick < 0 {
			v.add(at(p, "pick"), "must not be negative")
		}
	}
	if len(f.Tasks) == 0 && f.Arrival.Process != runrecord.ArrivalTrace {
		v.add([]any{"tasks"}, "want at least one task")
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
		if !(a.RatePerS > 0) {
			v.add(at(p, "rate_per_s"), "want a rate above 0 tasks/s for %s arrivals", a.Process)
		}
		if a.Process == runrecord.ArrivalGamma && !(a.GammaShape > 0) {
			v.add(at(p, "gamma_shape"), "want a shape above 0 for gamma arrivals")
		}
	case runrecord.ArrivalClosed:
		if a.Users < 1 {
			v.add(at(p, "users"), "want at least 1 user for closed-loop arrivals")
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
}

func (v *validator) task(p []any, t TaskSpec, content map[string]ContentSpec) {
	if t.Weight < 0 {
		v.add(at(p, "weight"), "must not be negative")
	}
	if len(t.Steps) == 0 {
		v.add(at(p, "steps"), "want at least one step")
	}
	seen := map[string]bool{}
	for j, s := range t.Steps {
		sp := at(p, "steps", j)
		id := stepID(s, j)
		if seen[id] {
			v.add(at(sp, "id"), "duplicate step id %q", id)
		}
		if s.MaxTokens < 1 {
			v.add(at(sp, "max_tokens"), "want an output limit of at least 1 token")
		}
		if s.OutputTokens < 0 {
			v.add(at(sp, "output_tokens"), "must not be negative")
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
		if len(s.Messages) == 0 {
			v.add(at(sp, "messages"), "want at least one message")
		}
		for k, m := range s.Messages {
			v.message(at(sp, "messages", k), m, content)
		}
		seen[id] = true
	}
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
