package workloads

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/tcobench/tcobench/internal/yamlpath"
	"github.com/tcobench/tcobench/modelapi"
)

// checks validates every check, tool and structured-output setting of f,
// and records where each check is for later errors.
func (v *validator) checks(f *File) {
	for i := range f.Tasks {
		t := &f.Tasks[i]
		steps := map[string]bool{}
		for j := range t.Steps {
			s := &t.Steps[j]
			steps[stepID(*s, j)] = true
			sp := []any{"tasks", i, "steps", j}
			for k := range s.Checks {
				v.check(at(sp, "checks", k), &s.Checks[k], false, nil)
			}
			v.tools(at(sp, "tools"), s.Tools)
			if s.StructuredOutput && !slices.ContainsFunc(s.Checks, func(c CheckSpec) bool { return c.Type == CheckJSONSchema }) {
				v.add(at(sp, "structured_output"), "needs a json_schema check on the step (its schema is sent as the response format)")
			}
		}
		for k := range t.Checks {
			v.check([]any{"tasks", i, "checks", k}, &t.Checks[k], true, steps)
		}
	}
}

// check validates one check at path p; task checks may name a step.
func (v *validator) check(p []any, c *CheckSpec, task bool, steps map[string]bool) {
	c.Where = yamlpath.Format(v.name, yamlpath.Line(v.root, p...), yamlpath.Field(p...), "")
	c.Where = strings.TrimSuffix(c.Where, ": ")
	if !slices.Contains(CheckTypes, c.Type) {
		v.add(at(p, "type"), "unknown check type %q (want %s)", c.Type, strings.Join(CheckTypes, ", "))
		return
	}
	switch {
	case c.Step != "" && !task:
		v.add(at(p, "step"), "only a task's check names a step (a step's checks read its own output)")
	case c.Step != "" && !steps[c.Step]:
		v.add(at(p, "step"), "unknown step %q", c.Step)
	}
	for _, t := range []struct{ field, text string }{{"expected", c.Expected}, {"rubric", c.Rubric}} {
		if _, err := parseTemplate(t.text); t.text != "" && err != nil {
			v.add(at(p, t.field), "%v", err)
		}
	}
	if c.Path != "" && !strings.HasPrefix(c.Path, "/") {
		v.add(at(p, "path"), "want a JSON pointer such as /flow, got %q", c.Path)
	}
	for k, n := range c.Normalize {
		if !slices.Contains([]string{NormTrim, NormCase, NormSpace, NormPunct, NormNone}, n) {
			v.add(at(p, "normalize", k), "unknown normalisation %q (trim, case, space, punct or none)", n)
		}
	}
	v.checkType(p, c)
}

func (v *validator) checkType(p []any, c *CheckSpec) {
	need := func(field, val, what string) {
		if strings.TrimSpace(val) == "" {
			v.add(at(p, field), "a %s check needs %s", c.Type, what)
		}
	}
	switch c.Type {
	case CheckJSONSchema:
		switch {
		case (c.Schema == nil) == (c.SchemaFile == ""):
			v.add(p, "a json_schema check needs exactly one of schema or schema_file")
		case c.Schema != nil:
			v.schema(at(p, "schema"), c.Schema)
		}
	case CheckRegex:
		need("pattern", c.Pattern, "a pattern (a regular expression)")
		if _, err := regexp.Compile(c.Pattern); c.Pattern != "" && err != nil {
			v.add(at(p, "pattern"), "does not compile: %v", err)
		}
	case CheckEquals, CheckContains:
		need("expected", c.Expected, "expected (the right answer, or a template of it)")
	case CheckNumber:
		need("expected", c.Expected, "expected (the right number, or a template of it)")
		if c.Tolerance < 0 || c.RelativeTolerance < 0 {
			v.add(at(p, "tolerance"), "tolerances must not be negative")
		}
	case CheckOneOf:
		if len(c.Labels) < 2 || slices.Contains(c.Labels, "") {
			v.add(at(p, "labels"), "a one_of check needs at least two non-empty labels")
		}
	case CheckToolCall:
		need("function", c.Function, "the function the model must call")
		if c.Arguments != nil {
			v.schema(at(p, "arguments"), c.Arguments)
		}
	case CheckJudge:
		need("rubric", c.Rubric, "a rubric (what a right answer is)")
		if j := c.Judge; j != nil && j.Backend != "" {
			if err := modelapi.CheckKind(j.Backend); err != nil {
				v.add(at(p, "judge", "backend"), "%v", err)
			}
		}
	}
}

// schema compiles an inline JSON Schema.
func (v *validator) schema(p []any, doc any) {
	b, err := schemaJSON(doc)
	if err == nil {
		_, err = CompileSchema(b)
	}
	if err != nil {
		v.add(p, "invalid JSON Schema: %v", err)
	}
}

func (v *validator) tools(p []any, tools []ToolSpec) {
	names := map[string]bool{}
	for k, t := range tools {
		switch {
		case t.Name == "":
			v.add(at(p, k, "name"), "missing")
		case names[t.Name]:
			v.add(at(p, k, "name"), "duplicate tool %q", t.Name)
		}
		names[t.Name] = true
		if t.Parameters != nil {
			if _, ok := t.Parameters.(map[string]any); !ok {
				v.add(at(p, k, "parameters"), "want a JSON Schema object")
				continue
			}
			v.schema(at(p, k, "parameters"), t.Parameters)
		}
	}
}

// CheckError is a check's resolve-time problem (a schema file that does
// not compile, a template naming a field the content lacks), one line
// starting with the check's file:line.
type CheckError struct{ Msg string }

func (e *CheckError) Error() string { return e.Msg }

func checkError(c *CheckSpec, field string, err error) error {
	return &CheckError{Msg: fmt.Sprintf("%s.%s: %v", c.Where, field, err)}
}
