package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBadChecksAndOutcomeSettings: unusable checks, an unset key variable,
// an unreachable judge and a bad portfolio file are each one line naming
// what and where, exit status 2, before any load is sent.
func TestBadChecksAndOutcomeSettings(t *testing.T) {
	head := "version: 1\nname: x\narrival: {process: closed, users: 1}\ncontent:\n  q: {file: q.jsonl}\ntasks:\n  - name: a\n    steps:\n      - id: s\n        max_tokens: 8\n        messages: [{role: user, template: \"{{.q.t}}\"}]\n        checks:\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "q.jsonl"), []byte(`{"t":"hi"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wl := func(name, check string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(head+"          - "+check+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	schema := wl("schema.yaml", "{type: json_schema, schema: {type: 12}}")
	regex := wl("regex.yaml", `{type: regex, pattern: "a(b"}`)
	field := wl("field.yaml", `{type: equals, expected: "{{.q.label}}"}`)
	judge := wl("judge.yaml", "{type: judge, rubric: r, judge: {target: \"http://127.0.0.1:1\", backend: ollama, model: j}}")
	opts := writeFile(t, "opts.yaml", "options:\n  - {workflow: w, name: n, usd_per_task: 0.1, pass_rate: 2}\n")
	run := []string{"run", "--target", "http://127.0.0.1:1", "--model", "m", "--requests", "1", "--collectors", "none", "--quiet", "--out", filepath.Join(dir, "r")}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"invalid schema", append(run, "--workload", schema), "schema.yaml:13: tasks[0].steps[0].checks[0].schema: invalid JSON Schema"},
		{"bad regex", append(run, "--workload", regex), "regex.yaml:13: tasks[0].steps[0].checks[0].pattern: does not compile"},
		{"missing content field", append(run, "--workload", field), "field.yaml:13: tasks[0].steps[0].checks[0].expected: template names a field the content records lack"},
		{"unreachable judge", append(run, "--workload", judge), "judge.yaml:13: tasks[0].steps[0].checks[0].judge: judge backend http://127.0.0.1:1"},
		{"unset API key variable", append(run, "--api-key-env", "TCOBENCH_NO_SUCH_KEY_VAR"), `--api-key-env "TCOBENCH_NO_SUCH_KEY_VAR": the environment variable is not set`},
		{"portfolio pass rate out of range", []string{"portfolio", "--options", opts}, "opts.yaml:2: options[0].pass_rate: want a fraction from 0 to 1"},
		{"portfolio without options", []string{"portfolio"}, "portfolio: no options"},
		{"capacity search with three points", []string{"sweep", "--model", "m", "--search", "--rates", "1,2,3", "--slo", "e2e=1s", "--requests", "1", "--collectors", "none", "--out", filepath.Join(dir, "s")}, "two load points"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runTcobench(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			oneLineErr(t, stderr, c.want)
			if _, err := os.Stat(filepath.Join(dir, "r", "requests.jsonl")); err == nil {
				t.Fatal("requests.jsonl written: a load was sent")
			}
		})
	}
}
