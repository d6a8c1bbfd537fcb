package yamlpath

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLine(t *testing.T) {
	const doc = `name: x
server:
  capex_usd: 10
  parts:
    - a
    - b: 1
      c: 2
`
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path []string
		want int
	}{
		{nil, 1},
		{[]string{"name"}, 1},
		{[]string{"server"}, 2},
		{[]string{"server", "capex_usd"}, 3},
		{[]string{"server", "parts", "1"}, 6},
		{[]string{"server", "parts", "1", "c"}, 7},
		{[]string{"server", "missing", "deeper"}, 3}, // where server's mapping begins
		{[]string{"server", "parts", "9"}, 5},        // where the parts list begins
	}
	for _, c := range cases {
		if got := Line(&root, c.path...); got != c.want {
			t.Errorf("Line(%v) = %d, want %d", c.path, got, c.want)
		}
	}
	if Line(nil, "x") != 0 {
		t.Error("nil root")
	}
}

func TestIntSegmentsAndNames(t *testing.T) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte("tasks:\n  - name: a\n    steps:\n      - max_tokens: 3\n"), &root); err != nil {
		t.Fatal(err)
	}
	path := []any{"tasks", 0, "steps", 0, "max_tokens"}
	if got := Line(&root, path...); got != 4 {
		t.Errorf("Line(%v) = %d, want 4", path, got)
	}
	if got, want := Field(path...), "tasks[0].steps[0].max_tokens"; got != want {
		t.Errorf("Field = %q, want %q", got, want)
	}
	if got, want := Field("gate", "thresholds"), "gate.thresholds"; got != want {
		t.Errorf("Field = %q, want %q", got, want)
	}
}

func TestFormat(t *testing.T) {
	cases := []struct {
		line  int
		field string
		want  string
	}{
		{3, "a.b", "f.yaml:3: a.b: bad"},
		{0, "a.b", "f.yaml: a.b: bad"},
		{3, "", "f.yaml:3: bad"},
	}
	for _, c := range cases {
		if got := Format("f.yaml", c.line, c.field, "bad"); got != c.want {
			t.Errorf("Format(%d, %q) = %q, want %q", c.line, c.field, got, c.want)
		}
	}
}
