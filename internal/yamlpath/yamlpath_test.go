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
		{[]string{"server", "missing", "deeper"}, 2}, // the deepest node found
		{[]string{"server", "parts", "9"}, 4},
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
