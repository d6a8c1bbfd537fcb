package workloads

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const checkedBase = `version: 1
name: checked
arrival: {process: poisson, rate_per_s: 1}
content:
  q: {file: q.jsonl}
tasks:
  - name: t
    steps:
      - id: s
        max_tokens: 8
        messages: [{role: user, template: "{{.q.text}}"}]
        checks:
%s`

// writeChecked writes a workload whose step has the given checks block.
func writeChecked(t *testing.T, checks string) string {
	t.Helper()
	dir := t.TempDir()
	wl := strings.Replace(checkedBase, "%s", checks, 1)
	if err := os.WriteFile(filepath.Join(dir, "w.yaml"), []byte(wl), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "q.jsonl"), []byte(`{"text":"hi","label":"cards"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "w.yaml")
}

// Unusable checks are refused before any load, on one line naming the
// file, the line and the field.
func TestBadChecksOneLineWithFileLine(t *testing.T) {
	cases := []struct{ name, checks, want string }{
		{"invalid schema", "          - {type: json_schema, schema: {type: 12}}\n", `w.yaml:13: tasks[0].steps[0].checks[0].schema: invalid JSON Schema`},
		{"bad regex", "          - {type: regex, pattern: \"a(b\"}\n", `w.yaml:13: tasks[0].steps[0].checks[0].pattern: does not compile`},
		{"missing content field", "          - {type: equals, expected: \"{{.q.flow}}\"}\n", `w.yaml:13: tasks[0].steps[0].checks[0].expected: template names a field the content records lack`},
		{"unknown type", "          - {type: exact}\n", `w.yaml:13: tasks[0].steps[0].checks[0].type: unknown check type "exact"`},
		{"one label", "          - {type: one_of, labels: [a]}\n", `w.yaml:13: tasks[0].steps[0].checks[0].labels`},
		{"bad structured output", "          - {type: regex, pattern: x}\n        structured_output: true\n", `w.yaml:14: tasks[0].steps[0].structured_output: needs a json_schema check`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(writeChecked(t, c.checks), ResolveOptions{})
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.Contains(msg, c.want) || !regexp.MustCompile(`^\S*w\.yaml:\d+: `).MatchString(msg) {
				t.Fatalf("error %q: want one line starting with file:line, containing %q", msg, c.want)
			}
		})
	}
}

// Expected values are rendered per instance from its content records.
func TestChecksResolvePerInstance(t *testing.T) {
	p, err := Open(writeChecked(t, "          - {type: one_of, labels: [cards, loans], expected: \"{{.q.label}}\"}\n          - {type: json_schema, schema: {type: object}}\n"), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := p.Instance(0)
	cs := in.Steps[0].Checks
	if !p.HasChecks || len(cs) != 2 || cs[0].Expected != "cards" || string(cs[1].Schema) != `{"type":"object"}` || in.Key == "" {
		t.Fatalf("plan has checks %v; instance checks %+v, key %q", p.HasChecks, cs, in.Key)
	}
	if !strings.HasSuffix(cs[0].Spec.Where, "w.yaml:13: tasks[0].steps[0].checks[0]") {
		t.Errorf("where %q", cs[0].Spec.Where)
	}
}
