package rundata_test

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/report/rundata/rundatatest"
	"github.com/tcobench/tcobench/runrecord"
)

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4, 5}
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.5, 3}, {1, 5}, {0.25, 2}, {0.1, 1.4}} {
		if got := rundata.Quantile(s, c.q); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("q%g = %g, want %g", c.q, got, c.want)
		}
	}
	if rundata.Quantile(nil, 0.5) != 0 {
		t.Error("empty")
	}
}

func TestFigures(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	rundatatest.Write(t, dir, rundatatest.Options{Requests: 100, Failures: 4, Telemetry: true, Cost: rundatatest.SampleCost})
	d, err := rundata.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	f := rundata.FigureMap(d.Figures())
	for _, name := range []string{"ttft_p50", "ttft_p99", "e2e_p99", "tpot_p50", "output_tok_s", "error_rate", "energy_j", "j_per_token", "avg_power_w", "cost_per_task_usd"} {
		if _, ok := f[name]; !ok {
			t.Errorf("figure %s missing", name)
		}
	}
	for _, g := range d.Figures() {
		if !slices.Contains(rundata.FigureNames, g.Name) {
			t.Errorf("figure %s is not in FigureNames: history refuses it", g.Name)
		}
	}
	if got := f["error_rate"].Value; math.Abs(got-4.0/104) > 1e-9 {
		t.Errorf("error rate %g", got)
	}
	// The on-prem cost carries the cost model's own label (the weakest of its inputs).
	if f["output_tok_s"].Provenance != runrecord.Measured || f["cost_per_task_usd"].Provenance != d.Cost.C.OnPrem.Fleet.USDPerTask.Provenance {
		t.Errorf("provenance: %q, %q", f["output_tok_s"].Provenance, f["cost_per_task_usd"].Provenance)
	}
	// The fixture draws 300 W (± a sine) in the window: energy ≈ 300 W × window.
	if w := f["avg_power_w"].Value; w < 280 || w > 320 {
		t.Errorf("average power %g W", w)
	}
	if d.Cost.BreakEven[0].Utilisation != 0.105 || len(d.Cost.Sensitivity.Bars) != 4 {
		t.Errorf("cost view %+v", d.Cost)
	}
}

func TestNoTelemetryNoEnergy(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	rundatatest.Write(t, dir, rundatatest.Options{Requests: 20})
	d, err := rundata.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range d.Figures() {
		if strings.HasPrefix(f.Name, "energy") || f.Name == "j_per_token" || f.Name == "cost_per_task_usd" {
			t.Errorf("%s present without data", f.Name)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	rundatatest.Write(t, dir, rundatatest.Options{Requests: 5})
	os.WriteFile(filepath.Join(dir, runrecord.TelemetryFile), []byte("{\"t_ns\":1}\nnot json\n"), 0o644)
	if _, err := rundata.Load(dir); err == nil || !strings.Contains(err.Error(), "telemetry.jsonl:2") {
		t.Errorf("bad telemetry line: %v", err)
	}
	if _, err := rundata.Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a run directory") {
		t.Errorf("empty dir: %v", err)
	}
}
