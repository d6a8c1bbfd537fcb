package portfolio_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/portfolio"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/tco"
	"github.com/tcobench/tcobench/workloads"
)

const qa = `version: 1
name: qa
seed: 5
arrival: {process: closed, users: 2}
content:
  q: {file: q.jsonl}
tasks:
  - name: qa
    steps:
      - id: ask
        max_tokens: 8
        messages:
          - role: user
            template: "Product code of {{.q.name}}? Reply with the code only. [[answer:{{.q.code}}]]"
        checks:
          - type: equals
            expected: "{{.q.code}}"
`

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// cpuPricing prices on the CPU server at the office site, against the
// built-in API catalog.
func cpuPricing(t *testing.T) *tco.Request {
	t.Helper()
	hw, err := tco.LoadHardware("cpu-server")
	if err != nil {
		t.Fatal(err)
	}
	site, err := tco.LoadSite("office")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := tco.LoadCatalog(tco.DefaultCatalog)
	if err != nil {
		t.Fatal(err)
	}
	return &tco.Request{Hardware: hw, Site: site, Catalog: cat, Options: tco.DefaultOptions()}
}

// runModel runs the workflow on one fakeserver model and prices it with
// req (nil: leaves it unpriced).
func runModel(t *testing.T, dir, url, model string, plan *workloads.Plan, req *tco.Request) string {
	t.Helper()
	out := filepath.Join(dir, model)
	run, err := load.Run(context.Background(), load.Config{OutDir: out, Plan: *plan,
		Target: modelapi.Target{URL: url, API: modelapi.KindOpenAIChat, Model: model}, Schedule: load.Closed{Users: 1},
		Limits: load.Limits{Count: 20, RequestTimeout: 5 * time.Second},
		SLOs:   []runrecord.SLO{{Metric: runrecord.MetricE2E, Max: runrecord.Duration(100 * time.Millisecond)}}})
	if err != nil {
		t.Fatal(err)
	}
	if req != nil {
		if _, err := req.Price(out, run); err != nil {
			t.Fatal(err)
		}
	}
	if err := runrecord.WriteRun(out, run); err != nil {
		t.Fatal(err)
	}
	return out
}

// One workflow on two fakeserver models of known accuracy and speed, priced
// on the same hardware, and a configured API baseline: the portfolio picks
// what the hand computation below picks, with the same savings.
func TestPortfolioPicksTheHandComputation(t *testing.T) {
	dir := t.TempDir()
	var recs strings.Builder
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&recs, `{"name":"item %d","code":"C%03d"}`+"\n", i, 7*i+1)
	}
	writeFile(t, dir, "q.jsonl", recs.String())
	plan, err := workloads.Open(writeFile(t, dir, "qa.yaml", qa), workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{Models: map[string]fakeserver.Model{
		"small": {Accuracy: 0.6},                                          // fast, often wrong
		"large": {Accuracy: 0.9, FirstTokenDelay: 150 * time.Millisecond}, // right more often, too slow for the 100 ms SLO
	}}}))
	defer srv.Close()
	req := cpuPricing(t)
	cat := req.Catalog
	small := runModel(t, dir, srv.URL, "small", plan, req)
	large := runModel(t, dir, srv.URL, "large", plan, req)
	opts := writeFile(t, dir, "api.yaml", "options:\n  - {workflow: qa, name: api frontier-x, usd_per_task: 0.002, pass_rate: 0.95, source: vendor eval}\n")

	s := portfolio.Defaults()
	s.MinPassRate, s.Options = 0.5, opts
	res, err := s.Build([]string{small, large}, portfolio.Pricing{Catalog: cat}, "10000")
	if err != nil {
		t.Fatal(err)
	}

	// By hand: 20 requests at accuracy 0.6 answer exactly 12 right; the
	// large model misses the SLO; cost per successful task = cost per task
	// / pass rate; the choice is the cheapest eligible one.
	sr, _ := runrecord.ReadRun(small)
	lr, _ := runrecord.ReadRun(large)
	if sr.Summary.Outcomes.Passed != 12 || lr.Summary.Outcomes.Passed != 18 || lr.Summary.Goodput.Fraction != 0 {
		t.Fatalf("small passed %d, large %d (goodput %.2f): want 12, 18 and 0", sr.Summary.Outcomes.Passed, lr.Summary.Outcomes.Passed, lr.Summary.Goodput.Fraction)
	}
	smallCPS := sr.Cost.OnPrem.Fleet.USDPerTask.Value / (12.0 / 20)
	apiCPS := 0.002 / 0.95
	want, wantCPS := "small on cpu-server", smallCPS
	if apiCPS < smallCPS {
		want, wantCPS = "api frontier-x", apiCPS
	}
	const volume = 10000.0
	w := res.Workflows[0]
	got := w.Options[w.Chosen]
	if len(res.Workflows) != 1 || got.Name != want || math.Abs(got.USDPerSuccessfulTask.Value-wantCPS) > 1e-12*wantCPS {
		t.Fatalf("chose %s at %v per successful task; by hand %s at %g", got.Name, got.USDPerSuccessfulTask, want, wantCPS)
	}
	if res.Frontier != "api frontier-x" || !close(res.SavingVsFrontierUSDPerDay, volume*(apiCPS-wantCPS)) {
		t.Errorf("saving against %s %.6f a day, by hand %.6f", res.Frontier, res.SavingVsFrontierUSDPerDay, volume*(apiCPS-wantCPS))
	}
	if res.BestSingle != want || res.SavingVsBestSingleUSDPerDay != 0 {
		t.Errorf("best single %q saving %g: one workflow, so the choice itself", res.BestSingle, res.SavingVsBestSingleUSDPerDay)
	}
	for _, o := range w.Options {
		if o.Name == "large on cpu-server" && (o.Eligible || !strings.Contains(o.Why, "SLOs")) {
			t.Errorf("large: eligible %v (%s): want refused for the SLOs", o.Eligible, o.Why)
		}
		if o.Kind == portfolio.KindConfigured && o.PassRate.Provenance != runrecord.Assumed {
			t.Errorf("configured pass rate labelled %s, want assumed", o.PassRate.Provenance)
		}
	}
	// The oracle: each instance the small model solved, at its cost per
	// task over its pass rate on that instance (the API has no instances).
	oracle := oracleByHand(t, small, sr.Cost.OnPrem.Fleet.USDPerTask.Value)
	if res.OracleUSDPerDay == nil || !close(*res.OracleUSDPerDay, volume*oracle) {
		t.Errorf("oracle %v a day, by hand %g", res.OracleUSDPerDay, volume*oracle)
	}
	for _, f := range portfolio.Formats {
		var b bytes.Buffer
		if err := res.Write(&b, f); err != nil || !strings.Contains(b.String(), want) {
			t.Errorf("%s output lacks the choice (%v):\n%s", f, err, b.String())
		}
		if f == "html" && (!strings.Contains(b.String(), "<svg") || !strings.Contains(b.String(), `class="chosen"`)) {
			t.Error("HTML lacks the chart or the chosen mark")
		}
	}
}

// A run never priced is refused without a pricer and priced by one; a
// cost written since (cost.json) is the one taken; stated profiles price
// every run now.
func TestPortfolioPricesAsTold(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "q.jsonl", `{"name":"item 1","code":"C001"}`+"\n")
	plan, err := workloads.Open(writeFile(t, dir, "qa.yaml", qa), workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{Models: map[string]fakeserver.Model{"small": {Accuracy: 1}}}}))
	defer srv.Close()
	req := cpuPricing(t)
	cat := req.Catalog
	small := runModel(t, dir, srv.URL, "small", plan, nil)
	s := portfolio.Defaults()
	if _, err := s.Build([]string{small}, portfolio.Pricing{Catalog: cat}, ""); err == nil || !strings.Contains(err.Error(), "the run is not priced") {
		t.Fatalf("an unpriced run without a pricer: %v", err)
	}
	calls := 0
	price := func(d string, run *runrecord.Run, basis *runrecord.ThroughputBasis) (*runrecord.Cost, error) {
		calls++
		if d != small || basis != nil {
			t.Errorf("priced %s at %v, want %s at offered load", d, basis, small)
		}
		return req.Price(d, run)
	}
	perTask := func(p portfolio.Pricing) float64 {
		t.Helper()
		res, err := s.Build([]string{small}, p, "")
		if err != nil {
			t.Fatal(err)
		}
		return res.Workflows[0].Options[0].USDPerTask.Value
	}
	if v := perTask(portfolio.Pricing{Price: price}); calls != 1 || !(v > 0) {
		t.Fatalf("priced now: %d calls, %g per task", calls, v)
	}
	run, _ := runrecord.ReadRun(small)
	c, _ := req.Price(small, run)
	c.OnPrem.Fleet.USDPerTask.Value = 42
	if err := runrecord.WriteCost(small, c); err != nil {
		t.Fatal(err)
	}
	if v := perTask(portfolio.Pricing{Price: price}); calls != 1 || v != 42 {
		t.Fatalf("with cost.json written: %d calls, %g per task; want its 42, not priced again", calls, v)
	}
	if v := perTask(portfolio.Pricing{Price: price, Always: true}); calls != 2 || v == 42 {
		t.Fatalf("profiles stated: %d calls, %g per task; want priced now", calls, v)
	}
}

func oracleByHand(t *testing.T, dir string, perTask float64) float64 {
	n := map[string][2]int{}
	runrecord.ReadAttempts(dir, func(a *runrecord.Attempt) error {
		x := n[a.Task.Instance]
		x[0]++
		if a.Task.Pass {
			x[1]++
		}
		n[a.Task.Instance] = x
		return nil
	})
	sum, solved := 0.0, 0
	for _, x := range n {
		if x[1] > 0 {
			sum += perTask * float64(x[0]) / float64(x[1])
			solved++
		}
	}
	return sum / float64(solved)
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// Across workflows: the cheapest eligible option per workflow, the best
// single option that is eligible everywhere, and the savings against both.
func TestChooseAcrossWorkflows(t *testing.T) {
	fig := func(v float64, p runrecord.Provenance) runrecord.Figure {
		return runrecord.Figure{Value: v, Provenance: p}
	}
	o := func(wf, name string, cost, pass float64) portfolio.Option {
		return portfolio.Option{Workflow: wf, Name: name, Kind: portfolio.KindConfigured, USDPerTask: fig(cost, runrecord.Configured),
			PassRate: fig(pass, runrecord.Assumed), MeetsSLOs: true}
	}
	opts := []portfolio.Option{
		o("email", "small", 0.001, 0.95), o("email", "big", 0.01, 0.99), o("email", "frontier", 0.05, 1),
		o("ticket", "small", 0.002, 0.4), o("ticket", "big", 0.02, 0.9), o("ticket", "frontier", 0.08, 1),
	}
	res := portfolio.Choose(opts, portfolio.Criteria{MinPassRate: 0.8, Volumes: map[string]float64{"email": 1000, "ticket": 100}})
	email, ticket := res.Workflows[0], res.Workflows[1]
	if email.Options[email.Chosen].Name != "small" || ticket.Options[ticket.Chosen].Name != "big" || res.Frontier != "frontier" {
		t.Fatalf("chose %s and %s against %s", email.Options[email.Chosen].Name, ticket.Options[ticket.Chosen].Name, res.Frontier)
	}
	chosen := 1000*0.001/0.95 + 100*0.02/0.9
	front := 1000*0.05 + 100*0.08
	single := 1000*0.01/0.99 + 100*0.02/0.9 // "big" is eligible in both; "small" is not in ticket
	if !close(res.ChosenUSDPerDay, chosen) || !close(res.SavingVsFrontierUSDPerDay, front-chosen) ||
		res.BestSingle != "big" || !close(res.SavingVsBestSingleUSDPerDay, single-chosen) {
		t.Fatalf("result %+v; want chosen %g, frontier %g, best single big %g", res, chosen, front, single)
	}
	if res.OracleUSDPerDay != nil {
		t.Error("an oracle without per-instance outcomes")
	}
}

// --frontier takes an exact name or a part naming one option, and refuses
// a part naming several or none.
func TestFrontierName(t *testing.T) {
	opts := []portfolio.Option{{Name: "api openai/gpt-5"}, {Name: "api openai/gpt-5-mini"}, {Name: "qwen on 8xh100-sxm"}}
	for _, c := range []struct{ want, got, err string }{
		{"api openai/gpt-5", "api openai/gpt-5", ""},
		{"QWEN", "qwen on 8xh100-sxm", ""},
		{"gpt-5", "", "matches several options (api openai/gpt-5, api openai/gpt-5-mini): give the whole name"},
		{"claude", "", "names no option"},
		{"", "", ""},
	} {
		got, err := portfolio.FrontierName(opts, c.want)
		if got != c.got || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("FrontierName(%q) = %q, %v; want %q, %q", c.want, got, err, c.got, c.err)
		}
	}
}
