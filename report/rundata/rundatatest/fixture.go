// Package rundatatest writes synthetic run directories for tests of the
// packages that read run records (reports, compare, the store, suites).
package rundatatest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Options shape a synthetic run.
type Options struct {
	ID, Name, Workload, Target, Model string
	// Requests is the number of measured requests (default 400).
	Requests int
	// Seed drives the random latencies (different seeds: independent noise).
	Seed uint64
	// Slowdown multiplies every latency (1.0 = baseline; 1.3 = a server 30% slower).
	Slowdown float64
	// OutputTokens per request (default 64).
	OutputTokens int
	// Failures is the number of extra failed measured requests.
	Failures int
	// Telemetry adds power, energy and utilisation samples.
	Telemetry bool
	// Cost adds a cost comparison in run.json.
	Cost *runrecord.Cost
	// Concurrency is recorded in the load config (default 4).
	Concurrency int
	// Started is the run's wall-clock start (default 2026-01-02 03:04:05 UTC).
	Started time.Time
	// ServerVersion is recorded in the environment.
	ServerVersion string
}

// SampleCost is a cost comparison (runrecord.Cost) as tcobench cost writes it.
var SampleCost = sampleCost()

func sampleCost() *runrecord.Cost {
	f := func(v float64, p runrecord.Provenance) runrecord.Figure {
		return runrecord.Figure{Value: v, Provenance: p, Source: "test fixture"}
	}
	be := func(v float64) *runrecord.Figure { x := f(v, runrecord.Configured); return &x }
	c := runrecord.Cost{Schema: runrecord.CostSchema, Currency: "USD",
		Hardware: runrecord.ProfileRef{Name: "8xh100-sxm"}, Site: runrecord.ProfileRef{Name: "us-colo"}, Prices: runrecord.ProfileRef{Name: "api-2026"},
		Scenario: runrecord.Scenario{Utilization: f(0.6, runrecord.Assumed), ReferenceModel: "api/large"},
		OnPrem: runrecord.OnPrem{
			PerNodeHour: runrecord.HourlyCost{CapexMethod: "straight_line", CapexUSDPerHour: f(9.1, runrecord.Configured), MaintenanceUSDPerHour: f(0.9, runrecord.Configured),
				StaffUSDPerHour: f(1.2, runrecord.Assumed), FacilityUSDPerHour: f(0.8, runrecord.Configured), EnergyUSDPerHour: f(0.7, runrecord.Measured), TotalUSDPerHour: f(12.7, runrecord.Configured)},
			CapacityTasksPerDay: f(100000, runrecord.Measured),
			Fleet:               runrecord.UnitCosts{USDPerTask: f(0.0021, runrecord.Configured), USDPerMillionOutputTokens: f(0.9, runrecord.Configured)},
		},
		API: []runrecord.APICost{{Key: "api/large", Model: "large", USDPerTask: f(0.012, runrecord.Configured), Checked: "2026-01-01", PriceAgeDays: 1},
			{Key: "api/small", Model: "small", USDPerTask: f(0.0015, runrecord.Configured), Checked: "2025-09-01", PriceAgeDays: 123, Stale: true}},
		Headline: "Per task: owned 8xh100-sxm $0.0021 · rented rent/on_demand $0.0030 · cheapest API api/small $0.0015. The cheapest API's price was last checked 2025-09-01 (123 days old) STALE.",
		Options: []runrecord.OptionCost{{Kind: "owned", Key: "8xh100-sxm", USDPerTask: f(0.0021, runrecord.Configured), USDPerMillionTokens: f(0.9, runrecord.Configured)},
			{Kind: "rented", Key: "rent/on_demand", USDPerTask: f(0.003, runrecord.Configured), USDPerMillionTokens: f(1.3, runrecord.Configured), PriceDate: "2025-12", PriceAgeDays: 32},
			{Kind: "api", Key: "api/small", USDPerTask: f(0.0015, runrecord.Configured), USDPerMillionTokens: f(0.6, runrecord.Configured), PriceDate: "2025-09-01", PriceAgeDays: 123, Stale: true}},
		Pairs: []runrecord.PairBreakEven{{A: "owned 8xh100-sxm", B: "rented rent/on_demand", Reachable: true, PaybackMonths: be(20), SavingUSDPerMonth: f(650, runrecord.Configured),
			Text: "owning repays capex in 20 months; equal at $1.60/GPU-hour"}},
		PriceAge: &runrecord.PriceAge{StaleAfterDays: 90, OldestDate: "2025-09-01", OldestKey: "api/small", Stale: 1, CheapestAPI: "api/small", CheapestAPIDate: "2025-09-01", CheapestAPIAgeDays: 123, CheapestAPIStale: true},
		BreakEven: []runrecord.BreakEven{{Key: "api/large", Reachable: true, TasksPerDay: be(10500), PaybackMonths: be(7.5)},
			{Key: "api/small", Reachable: false, Reason: "on-prem at 100 % utilisation still costs more per task"}},
		Sensitivity: runrecord.Sensitivity{Metric: "onprem_minus_api_usd_per_task", ReferenceModel: "api/large", SwingFraction: 0.2, BaseUSDPerTask: -0.0099,
			Rows: []runrecord.TornadoRow{{Input: "utilisation", Unit: "fraction", LowUSDPerTask: -0.0092, HighUSDPerTask: -0.0103},
				{Input: "GPU price", Unit: "USD", LowUSDPerTask: -0.0103, HighUSDPerTask: -0.0095},
				{Input: "electricity price", Unit: "USD/kWh", LowUSDPerTask: -0.0100, HighUSDPerTask: -0.0098}}},
	}
	for _, u := range []float64{0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0} {
		c.UtilizationCurve = append(c.UtilizationCurve, runrecord.CurvePoint{UtilizationFraction: u, USDPerTask: 0.00126 / u})
	}
	return &c
}

// DefaultStart is a synthetic run's start unless Options.Started says otherwise.
var DefaultStart = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func (o *Options) defaults() {
	if o.ID == "" {
		o.ID = "run-1"
	}
	if o.Workload == "" {
		o.Workload = "tier1-support-ticket"
	}
	if o.Target == "" {
		o.Target = "http://127.0.0.1:11434"
	}
	if o.Model == "" {
		o.Model = "tcobench-tiny"
	}
	if o.Requests == 0 {
		o.Requests = 400
	}
	if o.Slowdown == 0 {
		o.Slowdown = 1
	}
	if o.OutputTokens == 0 {
		o.OutputTokens = 64
	}
	if o.Concurrency == 0 {
		o.Concurrency = 4
	}
	if o.Started.IsZero() {
		o.Started = DefaultStart
	}
}

// Write writes a synthetic run into dir (created, or its earlier run
// replaced) and returns the run.
func Write(t testing.TB, dir string, o Options) *runrecord.Run {
	t.Helper()
	o.defaults()
	if err := runrecord.PrepareDir(dir, runrecord.DirOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 7))
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.RequestsFile))
	if err != nil {
		t.Fatal(err)
	}
	gap := int64(50e6) // a request every 50 ms
	start := int64(1e9)
	var end int64
	for i := 0; i < o.Requests+o.Failures; i++ {
		sched := start + int64(i)*gap
		ttft := int64(o.Slowdown * 80e6 * math.Exp(0.25*rng.NormFloat64()))
		tpot := int64(o.Slowdown * 10e6 * math.Exp(0.1*rng.NormFloat64()))
		a := runrecord.Attempt{Seq: int64(i), TaskID: "t" + itoa(i), TaskName: o.Workload, Phase: runrecord.PhaseMeasure,
			Backend: "ollama", Model: o.Model, ScheduledNS: sched, SentNS: sched + 1e5,
			Tokens: runrecord.Tokens{Input: 200, Source: runrecord.TokensFromUsage}}
		if i >= o.Requests {
			a.EndNS = a.SentNS + 2e6
			a.ErrorClass, a.Error, a.HTTPStatus = runrecord.ErrHTTPStatus, "503 <b>busy</b>", 503
		} else {
			a.OK = true
			a.HeadersNS = a.SentNS + 1e6
			a.FirstTokenNS = a.SentNS + ttft
			a.FirstContentNS = a.FirstTokenNS
			a.EndNS = a.FirstTokenNS + int64(o.OutputTokens-1)*tpot
			a.Tokens.Output, a.Tokens.StreamOutput = o.OutputTokens, o.OutputTokens
			a.ChunkNS = []int64{a.FirstTokenNS, a.FirstTokenNS + tpot, a.FirstTokenNS + 2*tpot}
		}
		end = max(end, a.EndNS)
		if err := w.Write(&a); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	win := runrecord.Window{StartNS: start, EndNS: end}
	if o.Telemetry {
		writeTelemetry(t, dir, win)
	}
	run := &runrecord.Run{ID: o.ID, Name: o.Name, StartedAt: o.Started, EndedAt: o.Started.Add(time.Duration(end + 1e9)),
		Config: runrecord.RunConfig{Target: o.Target, Backend: "ollama", Model: o.Model, Workload: o.Workload,
			Load: runrecord.LoadConfig{Mode: "closed", Concurrency: o.Concurrency, Duration: runrecord.Duration(time.Duration(end - start))}, Seed: o.Seed},
		Environment: runrecord.Environment{TcobenchVersion: "test", GoVersion: "go1.26",
			Server: runrecord.ServerInfo{URL: o.Target, Kind: "ollama", Version: o.ServerVersion, Model: o.Model}},
		Workload: runrecord.WorkloadInfo{Name: o.Workload, Tasks: o.Requests + o.Failures},
		Window:   win, Cost: o.Cost}
	if err := runrecord.WriteRun(dir, run); err != nil {
		t.Fatal(err)
	}
	return run
}

func writeTelemetry(t testing.TB, dir string, win runrecord.Window) {
	t.Helper()
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.TelemetryFile))
	if err != nil {
		t.Fatal(err)
	}
	energy := 0.0
	for ts := int64(0); ts <= win.EndNS+1e9; ts += 250e6 {
		p := 120.0
		if ts >= win.StartNS && ts <= win.EndNS {
			p = 300 + 20*math.Sin(float64(ts)/1e9)
		}
		energy += p * 0.25 * 1000
		lab := map[string]string{"gpu": "0"}
		for _, s := range []runrecord.Sample{
			{TNS: ts, Collector: "nvml", Metric: "power_w", Labels: lab, Value: p},
			{TNS: ts, Collector: "nvml", Metric: "energy_mj", Labels: lab, Value: energy},
			{TNS: ts, Collector: "nvml", Metric: "gpu_util_pct", Labels: lab, Value: p / 4},
		} {
			if err := w.Write(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
