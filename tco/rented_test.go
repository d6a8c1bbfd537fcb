package tco

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// TestOwnedRentedAndAPISideBySide: a run priced on 8xh100-sxm is also
// priced on every built-in rental of 8× H100 nodes and set beside the API,
// with the break-even between each pair; the figures follow by hand.
func TestOwnedRentedAndAPISideBySide(t *testing.T) {
	c := compareFixture(t, "8xh100-sxm", "us-colo", nil)
	var lambda *runrecord.RentedCost
	terms := 0
	for i, r := range c.Rented {
		if r.Hardware != "8xh100-sxm" {
			t.Errorf("rental %s is of %s", r.Name, r.Hardware)
		}
		if r.Name == "lambda-8xh100-sxm" {
			lambda = &c.Rented[i]
		}
		terms++
	}
	if terms < 5 || lambda == nil {
		t.Fatalf("%d rented terms, lambda %v", terms, lambda)
	}
	// $2.99 per GPU-hour × 8 GPUs = $23.92 per node-hour; the fixture
	// delivers 1/3 task per second at the assumed 50 % utilisation:
	// 23.92 / (1/3 × 3600 × 0.5) = $0.039867 per task.
	if !near(lambda.USDPerNodeHour.Value, 23.92) || !near(lambda.Fleet.USDPerTask.Value, 23.92/(3600.0/3*0.5)) {
		t.Errorf("lambda: node-hour $%g, per task $%g", lambda.USDPerNodeHour.Value, lambda.Fleet.USDPerTask.Value)
	}
	if lambda.PriceDate != "2026-05" || lambda.USDPerNodeHour.Provenance != runrecord.Configured {
		t.Errorf("lambda price date %q provenance %q", lambda.PriceDate, lambda.USDPerNodeHour.Provenance)
	}
	kinds := map[string]int{}
	for _, o := range c.Options {
		kinds[o.Kind]++
	}
	if kinds["owned"] != 1 || kinds["rented"] != terms || kinds["api"] != 2 {
		t.Errorf("side by side: %v", kinds)
	}
	// Pairs: owned–rented for every term, owned–API and rented–API for the
	// cheapest and the reference API model.
	if want := terms + 2 + 2*terms; len(c.Pairs) != want {
		t.Fatalf("%d pairs, want %d", len(c.Pairs), want)
	}
	hw, site := mustHW(t, "8xh100-sxm"), mustSite(t, "us-colo")
	_, p, _ := powerModel(fixtureRun(), hw, site, c.Run)
	p.utilization = 0.5
	for _, pr := range c.Pairs {
		if pr.A != "owned 8xh100-sxm" || pr.B != "rented lambda-8xh100-sxm/on_demand" {
			continue
		}
		owned := c.OnPrem.PerNodeHour.TotalUSDPerHour.Value
		opex := owned - p.capexPerHour()
		months := p.capexUSD() / ((23.92 - opex) * HoursPerMonth)
		if !pr.Reachable || pr.PaybackMonths == nil || !near(pr.PaybackMonths.Value, months) || !near(pr.EqualUSDPerGPUHour.Value, owned/8) {
			t.Errorf("owned vs lambda: %+v, want payback %g months, equal at %g", pr, months, owned/8)
		}
		if !near(pr.SavingUSDPerMonth.Value, (23.92-owned)*HoursPerMonth) {
			t.Errorf("saving %g, want %g", pr.SavingUSDPerMonth.Value, (23.92-owned)*HoursPerMonth)
		}
	}
	var b bytes.Buffer
	if err := WriteTable(&b, c); err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(b.String()), " ") // the headline is wrapped
	for _, want := range []string{"OWNED, RENTED AND API side by side", "rented lambda-8xh100-sxm/on_demand", "BREAK-EVEN between each pair", "On-prem on 8xh100-sxm costs", "Renting (neocloud-8xh100-1yr/one_year) would cost"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

// TestRentedVsAPIBreakEven checks the rented–API volume by hand with a
// rental cheap enough to win.
func TestRentedVsAPIBreakEven(t *testing.T) {
	r, err := ParseRental("cheap.yaml", []byte(rentalYAML("    usd_per_node_hour:\n      value: 0.5\n      source: test\n      date: 2026-11-01\n      estimate: false\n")))
	if err != nil {
		t.Fatal(err)
	}
	c := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) {
		o.Rentals = []*Rental{r}
		o.Models, o.ReferenceModel = []string{"openai/gpt-4o"}, "openai/gpt-4o"
	})
	for _, pr := range c.Pairs {
		if pr.A == "rented cheap/on_demand" && pr.B == "api openai/gpt-4o" {
			api := c.API[0].USDPerTask.Value
			if !pr.Reachable || pr.TasksPerDay == nil || !near(pr.TasksPerDay.Value, 0.5*24/api) {
				t.Errorf("rented vs gpt-4o: %+v, want %g tasks/day", pr, 0.5*24/api)
			}
			return
		}
	}
	t.Fatal("no rented–API pair")
}

func rentalYAML(term string) string {
	return `name: cheap
description: a test rental
provider: Test
instance: t1
hardware: 8xh100-sxm
accelerators_per_node:
  value: 8
  source: test
  date: 2026-11
  estimate: false
terms:
  on_demand:
` + term
}

// TestRentalBadInput: a rental price without a date, and other mistakes,
// say file:line, the field and what is wrong.
func TestRentalBadInput(t *testing.T) {
	cases := []struct{ name, text, want string }{
		{"no date", rentalYAML("    usd_per_gpu_hour:\n      value: 2.99\n      source: test\n      estimate: false\n"),
			"r.yaml:14: terms.on_demand.usd_per_gpu_hour.date: missing date (YYYY-MM-DD or YYYY-MM)"},
		{"no price", rentalYAML("    {}\n"), "r.yaml:12: terms.on_demand: missing price: give usd_per_gpu_hour or usd_per_node_hour"},
		{"negative", rentalYAML("    usd_per_gpu_hour:\n      value: -1\n      source: test\n      date: 2026-11\n      estimate: false\n"), "terms.on_demand.usd_per_gpu_hour.value: negative"},
		{"unknown term", strings.Replace(rentalYAML("    usd_per_gpu_hour:\n      value: 1\n      source: test\n      date: 2026-11\n      estimate: false\n"), "on_demand:", "spot:", 1), `terms.spot: unknown term "spot"`},
		{"disagreeing prices", rentalYAML("    usd_per_gpu_hour:\n      value: 1\n      source: test\n      date: 2026-11\n      estimate: false\n    usd_per_node_hour:\n      value: 20\n      source: test\n      date: 2026-11\n      estimate: false\n"),
			"usd_per_node_hour: 20 USD per node-hour disagrees"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRental("r.yaml", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v\nwant %q", err, tc.want)
			}
		})
	}
	for _, n := range Names(KindRental) {
		if _, err := LoadRental(n); err != nil {
			t.Errorf("built-in rental %s: %v", n, err)
		}
	}
	if k := KindOf("lambda-8xh100-sxm"); k != KindRental {
		t.Errorf("KindOf(lambda-8xh100-sxm) = %q", k)
	}
}

// TestStalePricesAreFlagged: a price older than the threshold (90 days by
// default, configurable) is flagged on its figure, counted, named in a note
// and marked STALE in the table.
func TestStalePricesAreFlagged(t *testing.T) {
	later := func(o *Options) { o.Now = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC) } // 159 days after 2026-09-23
	c := compareFixture(t, "8xh100-sxm", "us-colo", later)
	for _, a := range c.API {
		if !a.Stale || a.PriceAgeDays != 159 {
			t.Errorf("%s: stale %v age %d, want stale at 159 days", a.Key, a.Stale, a.PriceAgeDays)
		}
	}
	pa := c.PriceAge
	if pa == nil || pa.StaleAfterDays != 90 || pa.Stale != len(c.API)+len(c.Rented) || !pa.CheapestAPIStale || pa.CheapestAPIDate != "2026-09-23" {
		t.Fatalf("price age %+v", pa)
	}
	if !strings.Contains(strings.Join(c.Notes, "\n"), "STALE PRICES") {
		t.Errorf("no stale-price note: %q", c.Notes)
	}
	var b bytes.Buffer
	if err := WriteTable(&b, c); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2026-09-23 (159 days old) STALE") || !strings.Contains(strings.Join(strings.Fields(b.String()), " "), "checked 2026-09-23, 159 days ago, STALE: re-check it") {
		t.Errorf("table does not flag the stale prices:\n%s", b.String())
	}
	fresh := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) { later(o); o.StaleAfter = 400 * 24 * time.Hour })
	if fresh.PriceAge.Stale != 0 || fresh.API[0].Stale {
		t.Errorf("with a 400-day threshold nothing is stale: %+v", fresh.PriceAge)
	}
	if _, err := Compare(fixtureRun(), mustHW(t, "8xh100-sxm"), mustSite(t, "us-colo"), mustCatalog(t), Options{StaleAfter: -time.Hour}); err == nil || !strings.Contains(err.Error(), "stale_after") {
		t.Errorf("negative threshold: %v", err)
	}
}

// TestCacheWritesPricedWhereRecorded: recorded cache writes are priced at
// the cache-write price and the note says where they came from; unrecorded
// ones keep the note that they are priced at 0 tokens.
func TestCacheWritesPricedWhereRecorded(t *testing.T) {
	reqs := []RequestTokens{{Input: 10_000, CacheWrite: 4_000, Output: 100}}
	c := compareFixture(t, "8xh100-sxm", "us-colo", func(o *Options) {
		o.Requests, o.CacheWriteSource, o.Models = reqs, "trace usage cache_creation_input_tokens", []string{"anthropic/claude-haiku-4-5"}
	})
	a := c.API[0]
	// 6,000 uncached × $1 + 4,000 written × $1.25 + 100 output × $5 per million.
	if want := (6000*1 + 4000*1.25 + 100*5) / 1e6; !near(a.TotalUSD.Value, want) || !near(a.CacheWriteUSD.Value, 0.005) || a.CacheWriteUSD.Provenance == runrecord.Assumed {
		t.Errorf("haiku: total %g cache write %+v, want %g", a.TotalUSD.Value, a.CacheWriteUSD, want)
	}
	notes := strings.Join(c.Notes, "\n")
	if strings.Contains(notes, "priced at 0 tokens") || !strings.Contains(notes, "trace usage cache_creation_input_tokens") {
		t.Errorf("notes: %s", notes)
	}
	plain := compareFixture(t, "8xh100-sxm", "us-colo", nil)
	if !strings.Contains(strings.Join(plain.Notes, "\n"), "priced at 0 tokens") || plain.API[0].CacheWriteUSD.Provenance != runrecord.Assumed {
		t.Error("unrecorded cache writes must say they are priced at 0 tokens (assumed)")
	}
}
