// Package layers holds the test that keeps tcobench's imports one-way: each
// package sits on a floor, and a package imports only packages of floors
// below its own. docs/architecture.md draws the same floors.
package layers

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/tcobench/tcobench/"

// floors lists every package of the module by floor, from the ground up.
// A new package must be placed here (the test fails until it is).
var floors = [][]string{
	{"runrecord", "badinput", "internal/yamlpath", "internal/randdist", "internal/gguf", "internal/promtest",
		"hardware-profiles", "tco/prices", "fakeserver", "report/chart", "collectors/nvml/nvmlfake", "internal/layers",
		"internal/pgtest", "internal/slurmtest"},
	{"modelapi", "collectors", "internal/localserver", "modelarch", "internal/flagconfig"},
	{"workloads", "collectors/nvml", "collectors/host", "collectors/server", "collectors/promdcgm",
		"collectors/internal/sinktest", "energy", "livemetrics", "load/metrics", "tco", "internal/localserver/localservertest"},
	{"outcome"},
	{"load", "recorder", "doctor", "report/rundata", "report/rundata/rundatatest", "tco/internal/genprices"},
	{"report", "store", "compare", "suite", "perfmodel", "portfolio"},
	{"harness", "perf"},
	{"fleet", "internal/demo"},
	{"cmd/tcobench", "perf/cmd/perfbench", "perf/cmd/peerbench", "perf/cmd/soak", "perfmodel/cmd/projection", "scripts/gpucheck"},
}

func TestImportsRunDownward(t *testing.T) {
	floor := map[string]int{}
	for i, f := range floors {
		for _, p := range f {
			floor[p] = i
		}
	}
	out, err := exec.Command("go", "list", "-json", "github.com/tcobench/tcobench/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		f, ok := floor[name]
		if !ok {
			t.Errorf("package %s has no floor: place it in floors (and in docs/architecture.md)", name)
			continue
		}
		for _, imp := range p.Imports {
			dep, ours := strings.CutPrefix(imp, module)
			if ours && floor[dep] >= f {
				t.Errorf("%s (floor %d) imports %s (floor %d): imports run downward only", name, f, dep, floor[dep])
			}
		}
	}
}
