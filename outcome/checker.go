package outcome

import (
	"context"
	"fmt"
	"regexp"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// Output is what one step produced: its content text and tool calls.
type Output struct {
	Text      string
	ToolCalls []runrecord.ToolCall
}

// Checker evaluates checks. It compiles each check's schema and pattern
// once, and keeps one client per judge backend. It is safe for concurrent use.
type Checker struct {
	judge   workloads.JudgeSpec
	getenv  func(string) string
	schemas sync.Map // *workloads.CheckSpec → *jsonschema.Schema
	regexps sync.Map // *workloads.CheckSpec → *regexp.Regexp
	mu      sync.Mutex
	judges  map[workloads.JudgeSpec]*judgeClient
	// sem bounds the judge requests in flight.
	sem chan struct{}
}

// MaxJudgesInFlight bounds the judge requests a Checker sends at once.
const MaxJudgesInFlight = 8

// New returns a Checker whose judge checks fill what they leave out from
// defaults (the run's judge settings); getenv reads the judges' API keys
// (os.Getenv; nil: none).
func New(defaults workloads.JudgeSpec, getenv func(string) string) *Checker {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	return &Checker{judge: defaults, getenv: getenv, judges: map[workloads.JudgeSpec]*judgeClient{},
		sem: make(chan struct{}, MaxJudgesInFlight)}
}

// HasJudge reports whether checks hold a judge check (which sends a request).
func HasJudge(checks []workloads.Check) bool {
	for _, c := range checks {
		if c.Spec.Type == workloads.CheckJudge {
			return true
		}
	}
	return false
}

// Run evaluates checks on out. Judge checks send their request and wait
// for it (ctx bounds it).
func (c *Checker) Run(ctx context.Context, checks []workloads.Check, out Output) []runrecord.CheckResult {
	if len(checks) == 0 {
		return nil
	}
	res := make([]runrecord.CheckResult, len(checks))
	for i := range checks {
		res[i] = c.one(ctx, &checks[i], out)
	}
	return res
}

// Task evaluates the task's own checks: each on its named step's output, or
// on every step's output joined by blank lines and every tool call. outs
// holds one Output per step (a step not run has an empty one).
func (c *Checker) Task(ctx context.Context, inst *workloads.Instance, outs []Output) []runrecord.CheckResult {
	if len(inst.Checks) == 0 {
		return nil
	}
	res := make([]runrecord.CheckResult, len(inst.Checks))
	for i := range inst.Checks {
		ch := &inst.Checks[i]
		res[i] = c.one(ctx, ch, taskOutput(inst, outs, ch.Spec.Step))
	}
	return res
}

func taskOutput(inst *workloads.Instance, outs []Output, step string) Output {
	var all Output
	for j, o := range outs {
		if step != "" {
			if inst.Steps[j].ID == step {
				return o
			}
			continue
		}
		if o.Text != "" {
			if all.Text != "" {
				all.Text += "\n\n"
			}
			all.Text += o.Text
		}
		all.ToolCalls = append(all.ToolCalls, o.ToolCalls...)
	}
	return all
}

func (c *Checker) one(ctx context.Context, ch *workloads.Check, out Output) runrecord.CheckResult {
	r := runrecord.CheckResult{Type: ch.Spec.Type, Name: ch.Spec.Name}
	var err error
	switch ch.Spec.Type {
	case workloads.CheckJSONSchema:
		err = c.jsonSchema(ch, out.Text)
	case workloads.CheckRegex:
		err = c.regex(ch, out.Text)
	case workloads.CheckEquals, workloads.CheckContains:
		err = compareText(ch, out.Text)
	case workloads.CheckOneOf:
		err = oneOf(ch, out.Text)
	case workloads.CheckNumber:
		err = number(ch, out.Text)
	case workloads.CheckToolCall:
		err = c.toolCall(ch, out.ToolCalls)
	case workloads.CheckJudge:
		r.Judge, err = c.runJudge(ctx, ch, out.Text)
	default:
		err = fmt.Errorf("unknown check type")
	}
	r.Pass = err == nil
	if err != nil {
		r.Detail = clip(err.Error(), 200)
	}
	return r
}

// schema is the compiled schema of a check.
func (c *Checker) schema(ch *workloads.Check) (*jsonschema.Schema, error) {
	if s, ok := c.schemas.Load(ch.Spec); ok {
		return s.(*jsonschema.Schema), nil
	}
	s, err := workloads.CompileSchema(ch.Schema)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	c.schemas.Store(ch.Spec, s)
	return s, nil
}

func (c *Checker) regex(ch *workloads.Check, text string) error {
	v, ok := c.regexps.Load(ch.Spec)
	if !ok {
		re, err := regexp.Compile(ch.Spec.Pattern)
		if err != nil {
			return fmt.Errorf("pattern: %w", err)
		}
		v, _ = c.regexps.LoadOrStore(ch.Spec, re)
	}
	if !v.(*regexp.Regexp).MatchString(text) {
		return fmt.Errorf("no match for %s in %s", ch.Spec.Pattern, quote(text))
	}
	return nil
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}

// quote shows the start of a model's output in a detail.
func quote(s string) string { return fmt.Sprintf("%q", clip(s, 60)) }
