package tco

import (
	"encoding/json"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// fixtureRun is a realistic run record: a support-ticket workload, 40 tasks
// of 3 requests in a 120 s window, with cached and reasoning tokens.
func fixtureRun() *runrecord.Run {
	return &runrecord.Run{
		Schema: runrecord.SchemaVersion, ID: "fixture",
		Config:   runrecord.RunConfig{Model: "llama3.1:8b"},
		Workload: runrecord.WorkloadInfo{Name: "tier1-support-ticket", Tasks: 40},
		Summary: &runrecord.Summary{
			WindowS:  120,
			Requests: runrecord.RequestCounts{Measured: 120, OK: 120, Sent: 120, Scheduled: 120},
			Tasks:    runrecord.TaskCounts{Started: 40, Completed: 40, Succeeded: 40},
			Throughput: runrecord.Throughput{RequestsPerS: 1, TasksPerS: 1.0 / 3,
				InputTokensPerS: 2400, OutputTokensPerS: 300},
			TokenTotals: runrecord.TokenTotals{Input: 288000, CachedInput: 96000, Output: 36000, Reasoning: 6000, FromUsage: 120},
		},
		Energy: &runrecord.Energy{Measured: false, Reason: "no NVIDIA driver"},
	}
}

// builtinCatalog is the built-in catalog, parsed once for all tests (it is
// large, and Compare only reads it).
var builtinCatalog = sync.OnceValues(func() (*Catalog, error) { return LoadCatalog("api-2026") })

func mustCatalog(t *testing.T) *Catalog {
	t.Helper()
	c, err := builtinCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func compareFixture(t *testing.T, hw, site string, mod func(*Options)) *runrecord.Cost {
	t.Helper()
	opt := DefaultOptions()
	opt.Now = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	if mod != nil {
		mod(&opt)
	}
	c, err := Compare(fixtureRun(), mustHW(t, hw), mustSite(t, site), mustCatalog(t), opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCompareIsComplete(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", nil)
	if len(c.API) < 6 || len(c.BreakEven) != len(c.API) {
		t.Fatalf("%d API models, %d break-evens", len(c.API), len(c.BreakEven))
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	// Every runrecord.Figure in the JSON has a provenance from the three allowed values.
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["provenance"]; ok {
				if _, isFig := x["value"]; isFig {
					if p := x["provenance"]; p != string(runrecord.Measured) && p != string(runrecord.Configured) && p != string(runrecord.Assumed) {
						t.Errorf("%s: provenance %v", path, p)
					}
					if v, _ := x["value"].(float64); math.IsNaN(v) {
						t.Errorf("%s: NaN", path)
					}
				}
			}
			for k, e := range x {
				walk(e, path+"."+k)
			}
		case []any:
			for _, e := range x {
				walk(e, path+"[]")
			}
		}
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	walk(generic, "")
	if c.OnPrem.Power.Basis != "profile" || !strings.Contains(strings.Join(c.Notes, " "), "not measured") {
		t.Errorf("unmeasured energy must use the profile and say so: basis %q notes %q", c.OnPrem.Power.Basis, c.Notes)
	}
	if c.OnPrem.PerNodeHour.TotalUSDPerHour.Provenance != runrecord.Assumed {
		t.Errorf("total hourly provenance %q, want assumed (profile estimates feed it)", c.OnPrem.PerNodeHour.TotalUSDPerHour.Provenance)
	}
}

func TestCostFallsAsUtilizationRises(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", nil)
	for i := 1; i < len(c.UtilizationCurve); i++ {
		a, b := c.UtilizationCurve[i-1], c.UtilizationCurve[i]
		if !(b.USDPerTask < a.USDPerTask) || !(b.USDPerMillionTokens < a.USDPerMillionTokens) {
			t.Errorf("cost did not fall from U=%.2f ($%.4f) to U=%.2f ($%.4f)", a.UtilizationFraction, a.USDPerTask, b.UtilizationFraction, b.USDPerTask)
		}
	}
	lo := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) { o.Utilization = runrecord.Figure{Value: 0.2, Provenance: runrecord.Configured} })
	hi := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) { o.Utilization = runrecord.Figure{Value: 0.8, Provenance: runrecord.Configured} })
	if !(hi.OnPrem.Fleet.USDPerTask.Value < lo.OnPrem.Fleet.USDPerTask.Value) {
		t.Errorf("fleet cost per task at 80%% ($%g) not below 20%% ($%g)", hi.OnPrem.Fleet.USDPerTask.Value, lo.OnPrem.Fleet.USDPerTask.Value)
	}
	if hi.OnPrem.Marginal.USDPerTask.Value != lo.OnPrem.Marginal.USDPerTask.Value {
		t.Error("marginal cost per task must not depend on utilisation")
	}
}

func TestAPICostPricesEachTokenKind(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	m := &PriceModel{Provider: "x", Model: "y",
		PriceTier:           PriceTier{InputUSDPerMTok: p(2), CachedInputUSDPerMTok: p(0.5), CacheWriteUSDPerMTok: p(2.5), OutputUSDPerMTok: p(8)},
		ReasoningUSDPerMTok: p(10), BatchDiscountFraction: p(0.5),
		LongContext: []LongContextTier{{AboveInputTokens: func() *int64 { v := int64(100000); return &v }(), PriceTier: PriceTier{InputUSDPerMTok: p(4), CachedInputUSDPerMTok: p(1), CacheWriteUSDPerMTok: p(5), OutputUSDPerMTok: p(16)}}},
	}
	r := RequestTokens{Input: 1_000_000, CachedInput: 400_000, CacheWrite: 100_000, Output: 300_000, Reasoning: 100_000}
	b := PriceTotals(m, r, 1)
	// Input includes the cached and the cache-written tokens: 500k uncached.
	want := APIBill{InputUSD: 0.5 * 2, CachedInputUSD: 0.4 * 0.5, CacheWriteUSD: 0.1 * 2.5, OutputUSD: 0.2 * 8, ReasoningUSD: 0.1 * 10}
	if !near(b.TotalUSD(), want.TotalUSD()) || !near(b.CachedInputUSD, want.CachedInputUSD) || !near(b.ReasoningUSD, want.ReasoningUSD) || !near(b.OutputUSD, want.OutputUSD) {
		t.Errorf("bill %+v, want %+v", b, want)
	}
	// Counting cached tokens as plain input, or reasoning as plain output, gives a different bill.
	if near(b.TotalUSD(), 1.0*2+0.3*8) {
		t.Error("cached and reasoning tokens were not priced at their own prices")
	}
	// Per request, a request above the threshold is priced at the long-context tier.
	long := PriceRequests(m, []RequestTokens{{Input: 150_000, Output: 1000}, {Input: 1000, Output: 1000}})
	if long.LongContextRequests != 1 || !near(long.InputUSD, 0.15*4+0.001*2) {
		t.Errorf("long-context pricing: %+v", long)
	}
	// From a run: the fixture has cached and reasoning tokens.
	c := compareFixture(t, "cpu-server", "office", nil)
	for _, a := range c.API {
		if a.Key == "anthropic/claude-sonnet-4-6" {
			// 192k uncached × $3 + 96k cached × $0.30 + 30k output × $15 + 6k reasoning × $15
			w := (192000*3 + 96000*0.30 + 30000*15 + 6000*15) / 1e6
			if !near(a.TotalUSD.Value, w) || !near(a.USDPerTask.Value, w/40) || !near(a.BatchUSDPerTask.Value, w/40/2) {
				t.Errorf("sonnet: total %g per task %g batch %g, want %g", a.TotalUSD.Value, a.USDPerTask.Value, a.BatchUSDPerTask.Value, w)
			}
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

func TestBreakEvenIsWhereCostLinesCross(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", nil)
	hw, site := mustHW(t, "8xh100-sxm"), mustSite(t, "us-colo")
	_, p, _ := powerModel(fixtureRun(), hw, site, c.Run)
	reached := 0
	for i, be := range c.BreakEven {
		api := c.API[i].USDPerTask.Value
		onprem := func(v float64) float64 { return p.fixedPerHour()*24 + p.marginalPerTask()*v }
		if !be.Reachable {
			if be.Reason == "" {
				t.Errorf("%s: unreachable without a reason", be.Key)
			}
			if p.fleetPerTask(1) < api {
				t.Errorf("%s: unreachable, but one full node ($%g/task) beats the API ($%g/task)", be.Key, p.fleetPerTask(1), api)
			}
			continue
		}
		reached++
		v := be.TasksPerDay.Value
		if d := onprem(v) - api*v; math.Abs(d) > 1e-6*onprem(v) {
			t.Errorf("%s: at %g tasks/day on-prem $%g vs API $%g", be.Key, v, onprem(v), api*v)
		}
		if !(onprem(v*0.9) > api*v*0.9) || !(onprem(v*1.1) < api*v*1.1) {
			t.Errorf("%s: the API must be cheaper below break-even and on-prem above", be.Key)
		}
	}
	if reached == 0 {
		t.Error("no API model reached break-even on the fixture: the test checks nothing")
	}
}

func TestTornadoRanksInputsByEffect(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", nil)
	rows := c.Sensitivity.Rows
	if len(rows) < 10 {
		t.Fatalf("%d tornado rows", len(rows))
	}
	for i := 1; i < len(rows); i++ {
		if rows[i].SwingUSDPerTask > rows[i-1].SwingUSDPerTask {
			t.Errorf("row %d (%s, %g) ranks below a smaller swing", i, rows[i].Input, rows[i].SwingUSDPerTask)
		}
	}
	rank := map[string]int{}
	for i, r := range rows {
		rank[r.Input] = i
	}
	// Capex dominates electricity (the reference's §0 point 5).
	if rank["server_capex_usd_per_node"] > rank["electricity_usd_per_kwh"] {
		t.Error("capex should outrank electricity")
	}
	if rows[rank["residual_value_fraction"]].SwingUSDPerTask != 0 {
		t.Error("a zero residual moved ±20 % must not move the result")
	}
}

func TestProjection(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) {
		o.APIPriceDeclinePerYear = runrecord.Figure{Value: 0.5, Provenance: runrecord.Configured}
		o.TokensPerTaskGrowthPerYear = runrecord.Figure{Value: 0, Provenance: runrecord.Configured}
	})
	y := c.Projection.Years
	if len(y) != 4 {
		t.Fatalf("%d years, want 4 (amortisation)", len(y))
	}
	if !near(y[1].APIUSDPerTask, y[0].APIUSDPerTask/2) || !near(y[1].OnPremUSD, y[0].OnPremUSD) {
		t.Errorf("year 2 API $/task %g (want half of %g); on-prem %g vs %g", y[1].APIUSDPerTask, y[0].APIUSDPerTask, y[1].OnPremUSD, y[0].OnPremUSD)
	}
}

func TestCompareRefusesWhatItCannotPrice(t *testing.T) {
	hw, site, cat := mustHW(t, "cpu-server"), mustSite(t, "office"), mustCatalog(t)
	run := fixtureRun()
	run.Summary.Tasks.Completed = 0
	if _, err := Compare(run, hw, site, cat, DefaultOptions()); err == nil || !strings.Contains(err.Error(), "no tasks") {
		t.Errorf("no completed tasks: %v", err)
	}
	opt := DefaultOptions()
	opt.Utilization = runrecord.Figure{}
	if _, err := Compare(fixtureRun(), hw, site, cat, opt); err == nil || !strings.Contains(err.Error(), "utilization") {
		t.Errorf("unset utilization must be refused, not defaulted: %v", err)
	}
	opt = DefaultOptions()
	opt.APIPriceDeclinePerYear = runrecord.Figure{}
	if _, err := Compare(fixtureRun(), hw, site, cat, opt); err == nil {
		t.Error("an unstated API price decline must be refused")
	}
}

func BenchmarkCompare(b *testing.B) {
	hw, _ := LoadHardware("8xh100-sxm")
	site, _ := LoadSite("us-colo")
	cat, _ := LoadCatalog("api-2026")
	run := fixtureRun()
	opt := DefaultOptions()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compare(run, hw, site, cat, opt); err != nil {
			b.Fatal(err)
		}
	}
}

// TestProjectedThroughput: a projected throughput replaces the run's and
// every figure built on it says projected, not measured.
func TestProjectedThroughput(t *testing.T) {
	pf := func(v float64) runrecord.Figure {
		return runrecord.Figure{Value: v, Provenance: runrecord.Projected, Source: "perfmodel"}
	}
	c := compareFixture(t, "8xh100-sxm", "reference-example", func(o *Options) {
		o.Projected = &ProjectedThroughput{TasksPerS: pf(10), RequestsPerS: pf(30), TokensPerS: pf(81000), OutputTokensPerS: pf(9000), Note: "test"}
		o.VolumeTasksPerDay = runrecord.Figure{Value: 2e6, Provenance: runrecord.Configured}
	})
	if c.Run.TasksPerS.Value != 10 || c.OnPrem.CapacityTasksPerDay.Value != 864000 || c.OnPrem.CapacityTasksPerDay.Provenance != runrecord.Projected {
		t.Errorf("capacity %+v from %+v", c.OnPrem.CapacityTasksPerDay, c.Run.TasksPerS)
	}
	if c.Scenario.Nodes.Value != 3 || c.Scenario.Nodes.Provenance != runrecord.Projected {
		t.Errorf("nodes %+v", c.Scenario.Nodes)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "projected throughput: test") {
		t.Errorf("notes %q", c.Notes)
	}
}

// A trace whose own model the catalog cannot settle (a bare name several
// providers offer) is priced without its recorded tokens, and a note says
// why, naming the providers.
func TestAmbiguousRecordedModelIsNoted(t *testing.T) {
	run := fixtureRun()
	run.Workload.Recorded = &runrecord.RecordedOutcome{Model: "claude-3-5-sonnet", Tasks: 1, InputTokens: 100, OutputTokens: 10}
	c, err := Compare(run, mustHW(t, "8xh100-sxm"), mustSite(t, "us-colo"), mustCatalog(t), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if notes := strings.Join(c.Notes, "\n"); !strings.Contains(notes, "the trace's own model is not priced") || !strings.Contains(notes, "give provider/model") {
		t.Errorf("notes lack why the trace's model is not priced:\n%s", notes)
	}
}
