package harness

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
	"github.com/tcobench/tcobench/workloads"
)

// sharedData is ../shared/data beside the repository; the test is skipped
// without it outside CI.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "data", name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared data %s missing: %v", p, err)
		}
		t.Skipf("shared data %s not found: %v", p, err)
	}
	return p
}

func pricing(t *testing.T, hardware, site string) *tco.Request {
	t.Helper()
	hw, err := tco.LoadHardware(hardware)
	if err != nil {
		t.Fatal(err)
	}
	st, err := tco.LoadSite(site)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := tco.LoadCatalog("api-2026")
	if err != nil {
		t.Fatal(err)
	}
	return &tco.Request{Hardware: hw, Site: st, Catalog: cat, Options: tco.DefaultOptions()}
}

func fakeTarget(url, model string) modelapi.Target {
	return modelapi.Target{URL: url, API: modelapi.KindOpenAIChat, Model: model}
}

// The 50 recorded tau2 sessions replayed (without their recorded pauses)
// keep their 50 success flags, and the recorded model's cost per
// successful task is its recorded bill over its 36 successes, to the cent,
// both as the source recorded it and priced on its recorded tokens.
func TestTau2RecordedCostPerSuccessfulTask(t *testing.T) {
	tr, _, err := workloads.Import(sharedData(t, "tau2_airline_claude-sonnet-4-5_aide-platform_pr80.json"), workloads.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan := workloads.TracePlan(tr, "tau2", workloads.ResolveOptions{Arrival: &workloads.Arrival{Process: runrecord.ArrivalClosed, Users: 10}})
	inner := plan.Instance
	plan.Instance = func(i int) (workloads.Instance, bool) {
		in, ok := inner(i)
		for k := range in.Steps {
			in.Steps[k].DelayNS, in.Steps[k].MaxTokens = 0, 1
		}
		return in, ok
	}
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 1}))
	defer srv.Close()
	res, err := Run(context.Background(), Spec{Load: load.Config{OutDir: t.TempDir(), Plan: *plan, Target: fakeTarget(srv.URL, "fake"),
		Schedule: load.Closed{Users: 10}, Limits: load.Limits{Count: 50, RequestTimeout: 30 * time.Second}},
		Pricing: pricing(t, "cpu-server", "office"), Projection: Projection{AsMeasured: true}})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Run.Workload.Recorded
	if r == nil || r.Tasks != 50 || r.WithSuccess != 50 || r.Successes != 36 || r.Model != "claude-sonnet-4-5" || math.Abs(r.CostUSD-14.443248) > 1e-6 {
		t.Fatalf("recorded outcome %+v: want 50 tasks with success flags, 36 successes, $14.443248", r)
	}
	want := 14.443248 / 36
	c := res.Cost()
	if c == nil {
		t.Fatalf("not priced: %q", res.Run.Warnings)
	}
	var recorded *runrecord.RecordedAPICost
	for i := range c.RecordedAPI {
		if c.RecordedAPI[i].Model == "claude-sonnet-4-5" {
			recorded = &c.RecordedAPI[i]
		}
	}
	if recorded == nil || recorded.USDPerSuccessfulTask == nil || math.Round(recorded.USDPerSuccessfulTask.Value*100) != math.Round(want*100) {
		t.Fatalf("recorded costs %+v: want $%.4f per successful task", c.RecordedAPI, want)
	}
	api := apiCost(c, "anthropic/claude-sonnet-4-5")
	if api == nil || api.TokensBasis != "recorded" || api.USDPerSuccessfulTask == nil ||
		math.Round(api.USDPerSuccessfulTask.Value*100) != math.Round(want*100) || math.Round(api.TotalUSD.Value*100) != 1444 {
		t.Fatalf("anthropic/claude-sonnet-4-5 priced %+v: want the recorded tokens' bill $14.44 over 36 successes", api)
	}
	if other := apiCost(c, c.Scenario.ReferenceModel); other == nil || other.TokensBasis != "tokenizer_approximation" {
		t.Fatalf("reference model priced on %+v: want the server's counts labelled a tokenizer approximation", other)
	}
}

func apiCost(c *runrecord.Cost, key string) *runrecord.APICost {
	for i := range c.API {
		if c.API[i].Key == key {
			return &c.API[i]
		}
	}
	return nil
}

// failEvery fails every n-th request with HTTP 500, passing the others to h.
func failEvery(n int64, h http.Handler) http.Handler {
	var seen atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1)%n == 0 {
			http.Error(w, `{"error":"injected"}`, http.StatusInternalServerError)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// With failed tasks, on-prem and every API model are priced over the same
// task count (every completed task, failed ones too), and the cost per
// successful task divides the same costs among the successes.
func TestFailedTasksOneDenominator(t *testing.T) {
	srv := httptest.NewServer(failEvery(2, fakeserver.New(fakeserver.Options{Tokens: 8})))
	defer srv.Close()
	res, err := Run(context.Background(), Spec{Load: load.Config{OutDir: t.TempDir(), Plan: load.SimplePlan(64, 8), Target: fakeTarget(srv.URL, "fake"),
		Schedule: load.Closed{Users: 1}, Limits: load.Limits{Count: 24, RequestTimeout: 5 * time.Second}},
		Pricing: pricing(t, "cpu-server", "office"), Projection: Projection{AsMeasured: true}})
	if err != nil {
		t.Fatal(err)
	}
	c, s := res.Cost(), res.Run.Summary
	if s.Tasks.Completed != 24 || s.Tasks.Succeeded != 12 || c.Run.Tasks.Value != 24 || c.Run.SuccessfulTasks.Value != 12 {
		t.Fatalf("tasks %+v, priced %v of which %v successful", s.Tasks, c.Run.Tasks.Value, c.Run.SuccessfulTasks.Value)
	}
	if got := c.Run.TasksPerS.Value * c.Run.WindowS.Value; math.Abs(got-24) > 1e-6 {
		t.Fatalf("on-prem throughput counts %.2f tasks in the window, want all 24", got)
	}
	f := c.OnPrem.Fleet
	a := apiCost(c, c.Scenario.ReferenceModel)
	if math.Abs(a.USDPerTask.Value-a.TotalUSD.Value/24) > 1e-12 {
		t.Fatalf("API per task %g, want its bill / 24", a.USDPerTask.Value)
	}
	perTask, perSuccess := f.USDPerTask.Value/a.USDPerTask.Value, f.USDPerSuccessfulTask.Value/a.USDPerSuccessfulTask.Value
	if math.Abs(perTask-perSuccess) > 1e-9 || math.Abs(f.USDPerSuccessfulTask.Value-2*f.USDPerTask.Value) > 1e-12 {
		t.Fatalf("on-prem/API %.4f per task but %.4f per successful task: the sides divide by different counts", perTask, perSuccess)
	}
}

// A single run far from saturation is priced "at offered load, not
// capacity", with a warning that the server was plainly not saturated.
func TestOfferedLoadLabelAndWarning(t *testing.T) {
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 4}))
	defer srv.Close()
	res, err := Run(context.Background(), Spec{Load: load.Config{OutDir: t.TempDir(), Plan: load.SimplePlan(64, 4), Target: fakeTarget(srv.URL, "fake"),
		Schedule: load.Constant{Rate: 20}, Limits: load.Limits{Count: 10, RequestTimeout: 5 * time.Second}},
		Pricing: pricing(t, "cpu-server", "office"), Projection: Projection{AsMeasured: true}})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Cost()
	if b := c.Throughput; b == nil || b.Basis != runrecord.BasisOfferedLoad || b.Label != "at offered load, not capacity" || b.Saturated {
		t.Fatalf("throughput basis %+v", b)
	}
	var table bytes.Buffer
	if err := tco.WriteTable(&table, c); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"at offered load, not capacity", "WARNING: the server was plainly not saturated"} {
		if !strings.Contains(table.String(), want) || !strings.Contains(strings.Join(c.Notes, "\n")+c.Headline, strings.Split(want, ":")[0]) {
			t.Errorf("cost text lacks %q", want)
		}
	}
}

// serialServer serves at most two requests at once, each taking service:
// latency grows with the load past two users.
func serialServer(service time.Duration) http.Handler {
	slots := make(chan struct{}, 2)
	inner := fakeserver.New(fakeserver.Options{Tokens: 2, FirstTokenDelay: service})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slots <- struct{}{}
		defer func() { <-slots }()
		inner.ServeHTTP(w, r)
	})
}

// A capacity search on concurrency converges on the highest user count
// meeting the SLO, and pricing its directory spreads the node over that
// capacity, labelled so.
func TestCapacitySearchConverges(t *testing.T) {
	srv := httptest.NewServer(serialServer(300 * time.Millisecond))
	defer srv.Close()
	dir := t.TempDir()
	base := Spec{Load: load.Config{Plan: load.SimplePlan(16, 2), Target: fakeTarget(srv.URL, "fake"),
		Limits: load.Limits{Count: 16, RequestTimeout: 5 * time.Second},
		SLOs:   []runrecord.SLO{{Metric: runrecord.MetricE2E, Max: runrecord.Duration(750 * time.Millisecond)}}}}
	// Two slots of 300 ms: 4 users each take 600 ms; 5 users take 600 and
	// 900 ms in turn, so after the first four of 16 requests half miss the
	// 750 ms SLO (goodput about 0.62). Three quarters must meet it: at 4
	// users four requests may come 150 ms late on a loaded CI machine
	// before the point fails.
	res, err := Capacity(context.Background(), CapacitySpec{Base: base, Dir: dir, Concurrency: true, Low: 1, High: 16, Tolerance: 0.1,
		MinGoodput: 0.75, MaxErrors: 0,
		Point: func(v float64) (load.Schedule, error) { return load.Closed{Users: int(v)}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged || res.BracketLow != 4 || res.BracketHigh != 5 || res.Points[res.Best].Concurrency != 4 {
		t.Fatalf("capacity search %+v: want converged on 4 users (4 pass, 5 fail)", res)
	}
	c, runDir, err := PriceDir(context.Background(), dir, pricing(t, "cpu-server", "office"), PricingSettings{AsMeasured: true})
	if err != nil {
		t.Fatal(err)
	}
	if runDir != res.Points[res.Best].Dir || c.Throughput.Basis != runrecord.BasisCapacity || !strings.Contains(c.Throughput.Label, "4 users") {
		t.Fatalf("priced %s at %+v", runDir, c.Throughput)
	}
}

// A real API endpoint's key, read from the variable the user names, is
// sent, and reaches no file written, report included, even when the
// server echoes it back in an error.
func TestAPIKeyNeverWritten(t *testing.T) {
	const key = "sk-test-0123456789abcdefSECRET"
	t.Setenv("TCOBENCH_TEST_API_KEY", key)
	var posts atomic.Int64
	inner := fakeserver.New(fakeserver.Options{Tokens: 4})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("Authorization")
		// The first request is refused with the key echoed back, as some APIs do.
		if got != "Bearer "+key || r.Method == http.MethodPost && posts.Add(1) == 1 {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"Incorrect API key provided: ` + strings.TrimPrefix(got, "Bearer ") + `"}`))
			return
		}
		inner.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := Defaults()
	dir := t.TempDir()
	s.Target, s.Model, s.Requests, s.Out = srv.URL, "fake", 4, filepath.Join(dir, "run")
	s.Telemetry.Collectors, s.Outcomes.APIKeyEnv = "none", "TCOBENCH_TEST_API_KEY"
	s.Pricing.Hardware, s.Pricing.Site, s.Pricing.AsMeasured = "cpu-server", "office", true
	spec, err := s.Spec()
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	spec.Log, spec.Load.Progress = &log, &log
	res, err := Run(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Summary.Requests.OK != 3 || res.Run.Config.Extra.APIKeyEnv != "TCOBENCH_TEST_API_KEY" {
		t.Fatalf("requests %+v, api_key_env %q: want 3 sent with the key after one refused", res.Run.Summary.Requests, res.Run.Config.Extra.APIKeyEnv)
	}
	rep, err := report.Load(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, write := range map[string]func(*bytes.Buffer) error{"report.html": func(b *bytes.Buffer) error { return rep.HTML(b) },
		"report.md": func(b *bytes.Buffer) error { return rep.Markdown(b) }} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(res.Dir, name), b.Bytes(), 0o644)
	}
	files := 0
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		files++
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte(key)) || bytes.Contains(b, []byte(key[:12])) {
			t.Errorf("%s holds the API key", p)
		}
		return nil
	})
	if files < 4 || strings.Contains(log.String(), key) {
		t.Fatalf("%d files checked; log holds the key: %v", files, strings.Contains(log.String(), key))
	}
	atts, _ := runrecord.LoadAttempts(res.Dir)
	if !strings.Contains(atts[0].Error, modelapi.Redacted) {
		t.Errorf("refused attempt's error %q: want the echoed key redacted", atts[0].Error)
	}
	os.Unsetenv("TCOBENCH_TEST_API_KEY")
	if _, err := s.Spec(); err == nil || !strings.Contains(err.Error(), "api-key-env") {
		t.Fatalf("unset key variable: error %v", err)
	}
}
