package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/perfmodel"
)

// TestPlanCommand: the command prints, per hardware profile, the
// nodes needed and the cost per task, each labelled projected with its
// band; --format json gives the same figures.
func TestPlanCommand(t *testing.T) {
	args := []string{"plan", "--workload", "tier1-support-ticket", "--model", "llama-3.1-70b", "--slo", "ttft=2s,tpot=50ms", "--volume", "50000/day"}
	code, stdout, stderr := runTcobench(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// --out - is standard output, as for every command that writes results.
	code, js, stderr := runTcobench(t, append(args, "--format", "json", "--out", "-")...)
	if code != 0 {
		t.Fatalf("json: exit %d: %s", code, stderr)
	}
	var res perfmodel.PlanResult
	if err := json.Unmarshal([]byte(js), &res); err != nil {
		t.Fatal(err)
	}
	planned := 0
	for _, h := range res.Hardware {
		if h.Skipped != "" {
			if !strings.Contains(stdout, "skipped "+h.Hardware+": ") {
				t.Errorf("text output does not say why %s was skipped", h.Hardware)
			}
			continue
		}
		planned++
		line := ""
		for _, l := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(l, h.Hardware+" ") {
				line = l
			}
		}
		nodes := fmt.Sprintf("%.0f", h.Nodes.Value)
		n := perfmodel.FormatNumber
		cost := "$" + n(h.USDPerTask.Value) + " ($" + n(h.USDPerTask.Low) + "–$" + n(h.USDPerTask.High) + ")"
		if !strings.Contains(line, " "+nodes+" (") || !strings.Contains(line, cost) || !strings.Contains(line, "projected ±") {
			t.Errorf("%s: text line %q lacks nodes %s or cost %s labelled projected", h.Hardware, line, nodes, cost)
		}
		if h.Nodes.Provenance != "projected" || h.CapacityTasksPerS.Provenance != "projected" || !(h.USDPerTask.Low < h.USDPerTask.Value && h.USDPerTask.Value < h.USDPerTask.High) {
			t.Errorf("%s: nodes %+v, cost %+v", h.Hardware, h.Nodes, h.USDPerTask)
		}
	}
	if planned < 4 || res.Cheapest == "" {
		t.Errorf("%d profiles planned, cheapest %q", planned, res.Cheapest)
	}
}

// TestPlanBadInput: an unknown model, a profile missing a figure the
// model needs, and a model that fits no tensor-parallel size each give one line.
func TestPlanBadInput(t *testing.T) {
	h100, err := os.ReadFile("../../hardware-profiles/8xh100-sxm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cut := string(h100)[:strings.Index(string(h100), "# Performance-model figures")]
	noPerf := writeFile(t, "old-h100.yaml", strings.Replace(cut, "name: 8xh100-sxm", "name: old-h100", 1))
	base := []string{"plan", "--volume", "1000/day", "--max-tokens", "16", "--prompt-tokens", "64"}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown model", append(base, "--model", "llama-9"), `unknown model "llama-9" (built-in: `},
		{"profile missing a figure", append(base, "--model", "llama-3.1-8b", "--hardware", noPerf), "hardware profile old-h100 (" + noPerf + ") has no accelerator_bf16_dense_tflops, which the performance model needs"},
		{"fits no tensor-parallel size", append(base, "--model", "llama-3.1-405b", "--hardware", "8xa100-80gb"), "model llama-3.1-405b fits the memory of 8xa100-80gb at no tensor-parallel size (tried 1, 2, 4, 8)"},
		{"no volume", []string{"plan", "--model", "llama-3.1-8b"}, "volume: none given"},
		{"bad format", append(base, "--model", "llama-3.1-8b", "--format", "pdf"), `--format "pdf"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runTcobench(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			oneLineErr(t, stderr, c.want)
		})
	}
}

// TestPlanHTML: --format html --out writes one self-contained page with both charts.
func TestPlanHTML(t *testing.T) {
	out := t.TempDir() + "/plan.html"
	code, stdout, stderr := runTcobench(t, "plan", "--model", "llama-3.1-8b@fp8", "--prompt-tokens", "500", "--max-tokens", "100",
		"--volume", "1e6", "--hardware", "8xh200,8xl40s", "--slo", "ttft=1s", "--format", "html", "--out", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil || !strings.Contains(stdout, "wrote "+out) {
		t.Fatalf("%v; stdout %q", err, stdout)
	}
	if h := string(b); strings.Count(h, "<svg") != 2 || !strings.Contains(h, "8xl40s") || strings.Contains(h, "<script") {
		t.Errorf("page: %d charts", strings.Count(h, "<svg"))
	}
}
