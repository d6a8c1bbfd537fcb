package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// realRun runs a short real benchmark against the local Ollama (tiny model).
func realRun(t *testing.T) string {
	t.Helper()
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := load.Run(ctx, load.Config{
		OutDir: dir, Target: modelapi.Target{URL: srv.URL(), API: modelapi.KindOllama, Model: srv.Model()},
		Plan:     load.SimplePlan(64, 16),
		Schedule: load.Closed{Users: 2},
		Limits:   load.Limits{Count: 8, RequestTimeout: time.Minute, Grace: time.Second}, Version: "test",
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCostPricesARealRun prices a real run on the CPU-server profile against
// the built-in catalog: a full comparison with every figure's provenance.
func TestCostPricesARealRun(t *testing.T) {
	dir := realRun(t)
	code, stdout, stderr := runTcobench(t, "cost", dir, "--hardware", "cpu-server", "--site", "office", "--volume", "5000/day")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Logf("\n%s", stdout)
	for _, want := range []string{"ON-PREM", "measured", "configured", "assumed", "openai/gpt-5-mini", "anthropic/claude-sonnet-4-6", "google/gemini-2.5-flash", "groq/llama-3.3-70b-versatile", "SENSITIVITY", "PROJECTION"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	// The pricing is written beside run.json (cost.json); run.json stays as the run wrote it.
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Cost != nil {
		t.Error("cost rewrote run.json")
	}
	if err := runrecord.LatestCost(dir, run); err != nil || run.Cost == nil {
		t.Fatalf("cost.json: %v", err)
	}
	c := *run.Cost
	if len(c.API) < 6 {
		t.Fatalf("%d API models priced, want at least 6", len(c.API))
	}
	for _, a := range c.API {
		if a.USDPerTask.Value <= 0 || a.USDPerTask.Provenance == "" || a.TotalUSD.Source == "" {
			t.Errorf("%s: %+v", a.Key, a.USDPerTask)
		}
	}
	if c.OnPrem.Fleet.USDPerTask.Value <= 0 || c.OnPrem.Power.Basis != "profile" || c.Scenario.VolumeTasksPerDay.Provenance != runrecord.Configured || c.Scenario.Utilization.Provenance != runrecord.Assumed {
		t.Errorf("on-prem %+v, power %s, scenario %+v", c.OnPrem.Fleet.USDPerTask, c.OnPrem.Power.Basis, c.Scenario)
	}
	// --json prints the same comparison; re-pricing replaces the stored one.
	code, stdout, stderr = runTcobench(t, "cost", dir, "--hardware", "cpu-server", "--site", "office", "--utilization", "0.9", "--json")
	var again runrecord.Cost
	if code != 0 || json.Unmarshal([]byte(stdout), &again) != nil {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if again.Scenario.Utilization.Provenance != runrecord.Configured || !(again.OnPrem.Fleet.USDPerTask.Value < c.OnPrem.Fleet.USDPerTask.Value) {
		t.Errorf("re-priced at 90%%: %+v vs %+v", again.OnPrem.Fleet.USDPerTask, c.OnPrem.Fleet.USDPerTask)
	}

	// Without profiles, cost re-prices with those the run was last priced with.
	code, stdout, stderr = runTcobench(t, "cost", dir, "--format", "json")
	var same runrecord.Cost
	if code != 0 || json.Unmarshal([]byte(stdout), &same) != nil || same.Hardware.Name != "cpu-server" || same.Site.Name != "office" {
		t.Errorf("re-priced from the record: exit %d, %s %s: %s", code, same.Hardware.Name, same.Site.Name, stderr)
	}

	// Re-pricing keeps a catalog file the run was priced with, unless
	// --prices names one, the default's name included.
	src, err := os.ReadFile("../../tco/prices/api-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mine := writeFile(t, "my-prices.yaml", strings.Replace(string(src), "name: api-2026", "name: my-prices", 1))
	catalogOf := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runTcobench(t, append([]string{"cost", dir, "--format", "json"}, args...)...)
		var c runrecord.Cost
		if code != 0 || json.Unmarshal([]byte(stdout), &c) != nil {
			t.Fatalf("cost %v: exit %d: %s", args, code, stderr)
		}
		return c.Prices.Name
	}
	if got := catalogOf("--prices", mine); got != "my-prices" {
		t.Errorf("priced with %s, want my-prices", got)
	}
	if got := catalogOf(); got != "my-prices" {
		t.Errorf("re-priced with %s, want the recorded my-prices", got)
	}
	if got := catalogOf("--prices", "api-2026"); got != "api-2026" {
		t.Errorf("--prices api-2026 re-priced with %s", got)
	}

	// A CPU run priced on GPU hardware is projected there by the performance
	// model and says so; --as-measured keeps the measured throughput, noted.
	code, stdout, stderr = runTcobench(t, "cost", dir, "--hardware", "8xh100-sxm", "--site", "us-colo", "--format", "json")
	var proj runrecord.Cost
	if code != 0 || json.Unmarshal([]byte(stdout), &proj) != nil {
		t.Fatalf("projected: exit %d: %s", code, stderr)
	}
	if tp := proj.Run.TasksPerS; tp.Provenance != runrecord.Projected || !(tp.Value > run.Summary.Throughput.TasksPerS) || !strings.Contains(strings.Join(proj.Notes, " "), "projected for 8xh100-sxm") {
		t.Errorf("on 8xh100-sxm: tasks/s %+v (measured %v), notes %q", tp, run.Summary.Throughput.TasksPerS, proj.Notes)
	}
	code, stdout, stderr = runTcobench(t, "cost", dir, "--hardware", "8xh100-sxm", "--site", "us-colo", "--as-measured", "--format", "json")
	var asm runrecord.Cost
	if code != 0 || json.Unmarshal([]byte(stdout), &asm) != nil {
		t.Fatalf("as measured: exit %d: %s", code, stderr)
	}
	if tp := asm.Run.TasksPerS; tp.Provenance != runrecord.Measured || tp.Value != run.Summary.Throughput.TasksPerS || !strings.Contains(strings.Join(asm.Notes, " "), "as measured, not projected") {
		t.Errorf("--as-measured: tasks/s %+v, notes %q", tp, asm.Notes)
	}

	// The pricing request prices the record in memory, as tcobench run does at its end.
	ps := harness.Defaults().Pricing
	ps.Hardware, ps.Site = "cpu-server", "office"
	req, err := ps.Request()
	if err != nil || req == nil {
		t.Fatalf("pricing request %v: %v", req, err)
	}
	run.Cost = nil
	if _, err := req.Price(dir, run); err != nil || run.Cost == nil || len(run.Cost.API) == 0 {
		t.Errorf("price: err %v, cost %+v", err, run.Cost)
	}
}

// TestCostRefusesBadInput: missing flags, bad files and unpriceable runs get
// one clear line naming what and where.
func TestCostRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := runrecord.WriteRun(dir, &runrecord.Run{ID: "empty"}); err != nil {
		t.Fatal(err)
	}
	bad := writeFile(t, "hw.yaml", "name: x\ndescription: y\naccelerator_model: z\nserver_capex_usd_per_node: {value: -1, source: s, date: 2026-01, estimate: false}\n")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"cost", dir, "--hardware", "cpu-server"}, 2, "--site"},
		{[]string{"cost", dir, "--hardware", "nope", "--site", "office"}, 2, `unknown hardware "nope"`},
		{[]string{"cost", dir, "--hardware", bad, "--site", "office"}, 2, "hw.yaml:4: server_capex_usd_per_node.value: negative"},
		{[]string{"cost", dir, "--hardware", "cpu-server", "--site", "office", "--volume", "lots"}, 2, "--volume"},
		{[]string{"cost", dir, "--hardware", "cpu-server", "--site", "office"}, 1, "no summary"},
		{[]string{"profiles", "validate", bad}, 2, "hw.yaml:1: amortisation_years: missing"},
		{[]string{"prices", "validate", bad}, 2, "not a prices file"},
	} {
		code, stdout, stderr := runTcobench(t, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s%s", c.args, code, c.code, c.want, stdout, stderr)
		}
	}
}

func TestProfilesAndPricesCommands(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"profiles", "list"}, []string{"8xh100-sxm", "8xh200", "8xa100-80gb", "8xl40s", "rtx4090-workstation", "8xmi300x", "cpu-server", "us-colo"}},
		{[]string{"profiles", "show", "us-colo"}, []string{"colocation_usd_per_kw_month", "184.06", "configured", "CBRE"}},
		{[]string{"profiles", "validate"}, []string{"ok  8xh100-sxm (hardware)", "ok  office (site)"}},
		{[]string{"prices", "list"}, []string{"api-2026"}},
		{[]string{"prices", "show"}, []string{"anthropic/claude-sonnet-4-5", ">200k: 6/22.5", "2026-09-23"}},
		{[]string{"prices", "validate"}, []string{"ok  api-2026 (prices)"}},
	} {
		code, stdout, stderr := runTcobench(t, c.args...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, stdout)
			}
		}
	}
}
