package tco

import (
	"github.com/tcobench/tcobench/runrecord"

	"math"
	"testing"
)

func mustHW(t *testing.T, name string) *Hardware {
	t.Helper()
	h, err := LoadHardware(name)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustSite(t *testing.T, name string) *Site {
	t.Helper()
	s, err := LoadSite(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }

// TestWorkedExample reproduces the project's energy and TCO research notes §3.5 from
// the 8xh100-sxm profile and the reference-example site, to the cent.
func TestWorkedExample(t *testing.T) {
	hw, site := mustHW(t, "8xh100-sxm"), mustSite(t, "reference-example")
	h := NodeHourCost(hw, site, hw.NodePowerBusyW.V(), hw.NodePowerBusyW.Provenance())
	for _, c := range []struct {
		name string
		got  runrecord.Figure
		want float64
	}{
		{"capex", h.CapexUSDPerHour, 9.95},
		{"maintenance", h.MaintenanceUSDPerHour, 1.81},
		{"staff", h.StaffUSDPerHour, 2.28},
		{"energy", h.EnergyUSDPerHour, 0.79},
		{"facility", h.FacilityUSDPerHour, 0},
		{"total", h.TotalUSDPerHour, 14.83},
	} {
		if cents(c.got.Value) != c.want {
			t.Errorf("%s: %.4f USD/node-hour, want %.2f", c.name, c.got.Value, c.want)
		}
		if c.got.Provenance == "" || c.got.Source == "" {
			t.Errorf("%s: no provenance or source: %+v", c.name, c.got)
		}
	}
	if got := cents(h.TotalUSDPerHour.Value / 8); got != 1.85 {
		t.Errorf("per GPU-hour %.2f, want 1.85", got)
	}
	// The cost-of-capital variant: CRF(8 %, 4 yr) = 0.302, capex 12.02 USD/node-hour.
	if crf := math.Round(CRF(0.08, 4)*1000) / 1000; crf != 0.302 {
		t.Errorf("CRF(0.08, 4) = %.3f, want 0.302", crf)
	}
	coc := *site
	coc.CapexMethod = CapexCostOfCapital
	if got := cents(NodeHourCost(hw, &coc, 7000, runrecord.Assumed).CapexUSDPerHour.Value); got != 12.02 {
		t.Errorf("capex with cost of capital %.2f, want 12.02", got)
	}
	// The colocation alternative: 10.2 kW × $184.06/kW-month = +2.57 USD/node-hour.
	colo := mustSite(t, "us-colo")
	if got := cents(NodeHourCost(hw, colo, 7000, runrecord.Assumed).FacilityUSDPerHour.Value); got != 2.57 {
		t.Errorf("colocation %.2f, want 2.57", got)
	}
}
