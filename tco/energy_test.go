package tco

import (
	"math"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// TestMeasuredEnergyIsUsedAndLabelled: a run that measured GPU energy is
// priced from it (× the profile's node/GPU ratio × PUE × price), not from
// the profile's power model.
func TestMeasuredEnergyIsUsedAndLabelled(t *testing.T) {
	run := fixtureRun()
	run.Energy = &runrecord.Energy{Measured: true, Source: "nvml", Reliable: true, WindowS: 120,
		GPUEnergyJ: 600000, AvgGPUPowerW: 5000,
		Idle: &runrecord.IdleBaseline{GPUPowerW: 600, Provenance: runrecord.Measured}}
	hw, site := mustHW(t, "8xh100-sxm"), mustSite(t, "us-colo")
	opt := DefaultOptions()
	c, err := Compare(run, hw, site, mustCatalog(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	pw := c.OnPrem.Power
	if pw.Basis != "measured" || !near(pw.BusyNodePowerW.Value, 5000*1.82) || !near(pw.IdleNodePowerW.Value, 600*1.82) {
		t.Fatalf("power %+v", pw)
	}
	if pw.IdleNodePowerW.Provenance != runrecord.Configured || !strings.Contains(pw.BusyNodePowerW.Source, "measured") {
		t.Errorf("provenance: busy %+v idle %+v", pw.BusyNodePowerW, pw.IdleNodePowerW)
	}
	// Energy per hour at 50 %: (idle + (busy − idle)/2) kW × PUE 1.5 × $0.0806.
	wantEnergy := (600 + 4400/2) * 1.82 / 1000 * 1.5 * 0.0806
	if got := c.OnPrem.PerNodeHour.EnergyUSDPerHour.Value; math.Abs(got-wantEnergy) > 1e-9 {
		t.Errorf("energy %g USD/hour, want %g", got, wantEnergy)
	}
	// Marginal: (busy − idle) node J per task × PUE × price.
	wantMarginal := 4400 * 1.82 / (1.0 / 3) * 1.5 * 0.0806 / 3.6e6
	if got := c.OnPrem.Marginal.USDPerTask.Value; math.Abs(got-wantMarginal) > 1e-12 {
		t.Errorf("marginal %g USD/task, want %g", got, wantMarginal)
	}
	for _, n := range c.Notes {
		if strings.Contains(n, "not measured") {
			t.Errorf("note claims no measurement: %s", n)
		}
	}
}

// TestUnreliableEnergyIsNotPriced: a measurement flagged unreliable (here
// the absurd figure a merged MIG counter gave) does not price the run; the
// profile's power model does, and a note says why.
func TestUnreliableEnergyIsNotPriced(t *testing.T) {
	run := fixtureRun()
	run.Energy = &runrecord.Energy{Measured: true, Source: "prometheus", Reliable: false, WindowS: 120,
		GPUEnergyJ: 5e9, AvgGPUPowerW: 5e9 / 120,
		Warnings: []string{"GPU node-a/GPU-1: energy counter went backwards 7 time(s) (driver reload?): energy is unreliable"}}
	hw, site := mustHW(t, "8xh100-sxm"), mustSite(t, "us-colo")
	c, err := Compare(run, hw, site, mustCatalog(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	pw := c.OnPrem.Power
	if pw.Basis != "profile" || pw.BusyNodePowerW.Value != hw.NodePowerBusyW.V() {
		t.Fatalf("power %+v: an unreliable measurement priced the run", pw)
	}
	found := false
	for _, n := range c.Notes {
		found = found || (strings.Contains(n, "unreliable") && strings.Contains(n, "went backwards"))
	}
	if !found {
		t.Errorf("notes %q do not say why the measured energy was not used", c.Notes)
	}
}
