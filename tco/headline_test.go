package tco

import (
	"strings"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// TestHeadline: the answer in plain words, each figure with its
// provenance, for a break-even within the hardware's life, one beyond it,
// and an API owning never beats.
func TestHeadline(t *testing.T) {
	f := func(v float64, p runrecord.Provenance) *runrecord.Figure {
		return &runrecord.Figure{Value: v, Provenance: p}
	}
	base := func(be runrecord.BreakEven, vol runrecord.Provenance) *runrecord.Cost {
		return &runrecord.Cost{
			Hardware: runrecord.ProfileRef{Name: "cpu-server"},
			Run:      runrecord.RunFigures{TasksPerS: runrecord.Figure{Value: 0.2, Provenance: runrecord.Measured}},
			Scenario: runrecord.Scenario{Utilization: runrecord.Figure{Value: 0.5, Provenance: runrecord.Assumed},
				VolumeTasksPerDay: runrecord.Figure{Value: 8640, Provenance: vol}},
			OnPrem: runrecord.OnPrem{CapacityTasksPerDay: runrecord.Figure{Value: 17280, Provenance: runrecord.Measured},
				Fleet: runrecord.UnitCosts{USDPerTask: runrecord.Figure{Value: 0.000359, Provenance: runrecord.Assumed}}},
			API: []runrecord.APICost{
				{Key: "openai/gpt-5-mini", USDPerTask: runrecord.Figure{Value: 0.00504, Provenance: runrecord.Configured}, Checked: "2026-09-23", PriceAgeDays: 70},
				{Key: "groq/llama-3.1-8b-instant", USDPerTask: runrecord.Figure{Value: 0.000813, Provenance: runrecord.Configured}, Checked: "2026-09-23", PriceAgeDays: 70},
			},
			BreakEven:   []runrecord.BreakEven{{Key: "openai/gpt-5-mini", Reachable: true}, be},
			Sensitivity: runrecord.Sensitivity{Rows: []runrecord.TornadoRow{{Input: "amortisation_years", BaseValue: 4}}},
		}
	}
	lead := "On-prem on cpu-server costs $0.000359 per task (assumed) at 50% (assumed) utilization; one node does 17,280 tasks/day at full use (throughput measured on this run). " +
		"The cheapest API compared, groq/llama-3.1-8b-instant, costs $0.000813 per task (configured price, checked 2026-09-23, 70 days ago). "
	for _, c := range []struct {
		name string
		cost *runrecord.Cost
		want string
	}{
		{"within life", base(runrecord.BreakEven{Reachable: true, TasksPerDay: f(21468, runrecord.Assumed), PaybackMonths: f(11.2, runrecord.Assumed)}, runrecord.Configured),
			lead + "Owning becomes the cheaper above 21,468 tasks/day (assumed). At 8,640 tasks/day (configured) owning pays back its capex in 11 months (assumed), within the hardware's 4-year life."},
		{"beyond life", base(runrecord.BreakEven{Reachable: true, TasksPerDay: f(21468, runrecord.Assumed), PaybackMonths: f(74.7, runrecord.Assumed), PaybackReason: "beyond"}, runrecord.Assumed),
			lead + "Owning becomes the cheaper above 21,468 tasks/day (assumed). At 8,640 tasks/day (assumed: one node's capacity at the stated utilization; state a volume for yours) owning pays back its capex in 75 months (assumed), beyond the hardware's 4-year life."},
		{"never", base(runrecord.BreakEven{Reason: "one node at 100% utilization costs $0.0005 per task, above the API's $0.000813"}, runrecord.Configured),
			lead + "Owning never becomes cheaper than groq/llama-3.1-8b-instant: one node at 100% utilization costs $0.0005 per task, above the API's $0.000813."},
	} {
		if got := Headline(c.cost); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
	if got := Headline(&runrecord.Cost{}); strings.TrimSpace(got) != "" {
		t.Errorf("empty cost: %q", got)
	}
}

// A small share never rounds to a misleading 0%, in break-even as
// anywhere a share of one node is said.
func TestFormatPercent(t *testing.T) {
	for f, want := range map[float64]string{0: "0%", 0.003: "<1%", 0.012: "1%", 0.5: "50%"} {
		if got := FormatPercent(f); got != want {
			t.Errorf("FormatPercent(%g) = %q, want %q", f, got, want)
		}
	}
	c := &runrecord.Cost{OnPrem: runrecord.OnPrem{CapacityTasksPerDay: runrecord.Figure{Value: 1e6}}}
	be := runrecord.BreakEven{Reachable: true, TasksPerDay: &runrecord.Figure{Value: 3000}}
	if got := BreakEvenText(c, be); got != "3,000 tasks/day (<1% of one node)" {
		t.Errorf("break-even %q, want 3,000 tasks/day (<1%% of one node)", got)
	}
}

// Figures below one keep three significant digits and never an exponent,
// negative ones too.
func TestFormatSig3(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 0.0000281: "0.0000281", 0.04103: "0.0410", -0.5: "-0.500", 153.2: "153"} {
		if got := FormatSig3(v); got != want {
			t.Errorf("FormatSig3(%g) = %q, want %q", v, got, want)
		}
	}
}
