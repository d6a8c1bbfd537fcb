package tco

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

const (
	genaiData    = "prices/genai-prices/data.json"
	genaiOverlay = "prices/genai-prices/overlay.yaml"
)

func importCommitted(t *testing.T) (*Catalog, ImportSummary) {
	t.Helper()
	cat, sum, err := ImportGenAIFile(genaiData, genaiOverlay)
	if err != nil {
		t.Fatal(err)
	}
	return cat, sum
}

// fileModel finds a model in the data file itself, decoded without the importer.
func fileModel(t *testing.T, provider, model string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(genaiData)
	if err != nil {
		t.Fatal(err)
	}
	var ps []map[string]any
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatalf("the committed copy does not parse: %v", err)
	}
	for _, p := range ps {
		if p["id"] != provider {
			continue
		}
		for _, m := range p["models"].([]any) {
			if mm := m.(map[string]any); mm["id"] == model {
				return mm
			}
		}
	}
	t.Fatalf("%s/%s is not in %s", provider, model, genaiData)
	return nil
}

// filePrice is a price of the file: base (tier -1) or a tier's price and start.
func filePrice(t *testing.T, prices map[string]any, key string, tier int) (float64, int64) {
	t.Helper()
	switch v := prices[key].(type) {
	case float64:
		return v, 0
	case map[string]any:
		if tier < 0 {
			return v["base"].(float64), 0
		}
		tr := v["tiers"].([]any)[tier].(map[string]any)
		return tr["price"].(float64), int64(tr["start"].(float64))
	}
	t.Fatalf("no %s in %v", key, prices)
	return 0, 0
}

// TestImportEqualsTheFile: importing the committed genai-prices copy gives,
// for five named models, the figures the file itself holds: a flat price
// (gpt-4o), tiers above 200k input tokens (claude-sonnet-4-5), a dated price
// change (claude-sonnet-4-6 from 2026-03-13), a provider listing no cache
// price (groq's llama-3.3-70b) and a time-of-day price (deepseek-chat,
// standard hours 00:30-16:30 UTC, two thirds of the day).
func TestImportEqualsTheFile(t *testing.T) {
	cat, sum := importCommitted(t)
	if sum.Models < 1000 || sum.Providers < 30 || len(cat.Models) != sum.Models {
		t.Fatalf("imported %d models of %d providers", sum.Models, sum.Providers)
	}
	get := func(key string) *PriceModel {
		m, ok := cat.Find(key)
		if !ok || m.Key() != key {
			t.Fatalf("%s not imported", key)
		}
		return m
	}
	eq := func(what string, got *float64, want float64) {
		t.Helper()
		if got == nil || *got != want {
			t.Errorf("%s = %v, want %g (the file's)", what, got, want)
		}
	}

	m := get("openai/gpt-4o")
	fp := fileModel(t, "openai", "gpt-4o")["prices"].(map[string]any)
	in, _ := filePrice(t, fp, "input_mtok", -1)
	cr, _ := filePrice(t, fp, "cache_read_mtok", -1)
	out, _ := filePrice(t, fp, "output_mtok", -1)
	eq("gpt-4o input", m.InputUSDPerMTok, in)
	eq("gpt-4o cached", m.CachedInputUSDPerMTok, cr)
	eq("gpt-4o output", m.OutputUSDPerMTok, out)
	eq("gpt-4o cache write (none listed: input)", m.CacheWriteUSDPerMTok, in)
	eq("gpt-4o batch (overlay)", m.BatchDiscountFraction, 0.5)
	if m.Checked != "2026-09-23" || len(m.LongContext) != 0 || !strings.Contains(m.Note, "web_searches_kcount 10") {
		t.Errorf("gpt-4o: checked %s, %d tiers, note %q", m.Checked, len(m.LongContext), m.Note)
	}

	m = get("anthropic/claude-sonnet-4-5")
	fp = fileModel(t, "anthropic", "claude-sonnet-4-5")["prices"].(map[string]any)
	if len(m.LongContext) != 1 {
		t.Fatalf("sonnet-4-5: %d tiers, want 1", len(m.LongContext))
	}
	lc := m.LongContext[0]
	for _, f := range []struct {
		key        string
		base, tier *float64
	}{{"input_mtok", m.InputUSDPerMTok, lc.InputUSDPerMTok}, {"cache_read_mtok", m.CachedInputUSDPerMTok, lc.CachedInputUSDPerMTok},
		{"cache_write_mtok", m.CacheWriteUSDPerMTok, lc.CacheWriteUSDPerMTok}, {"output_mtok", m.OutputUSDPerMTok, lc.OutputUSDPerMTok}} {
		b, _ := filePrice(t, fp, f.key, -1)
		tp, start := filePrice(t, fp, f.key, 0)
		eq("sonnet-4-5 "+f.key, f.base, b)
		eq("sonnet-4-5 "+f.key+" tier", f.tier, tp)
		if *lc.AboveInputTokens != start {
			t.Errorf("sonnet-4-5 tier above %d, the file's %s starts at %d", *lc.AboveInputTokens, f.key, start)
		}
	}

	m = get("anthropic/claude-sonnet-4-6")
	sets := fileModel(t, "anthropic", "claude-sonnet-4-6")["prices"].([]any)
	last := sets[len(sets)-1].(map[string]any)
	if d := last["constraint"].(map[string]any)["start_date"]; m.EffectiveFrom != d {
		t.Errorf("sonnet-4-6 effective_from %q, the file's start_date %v", m.EffectiveFrom, d)
	}
	fp = last["prices"].(map[string]any)
	in, _ = filePrice(t, fp, "input_mtok", -1)
	cw, _ := filePrice(t, fp, "cache_write_mtok", -1)
	eq("sonnet-4-6 input from 2026-03-13", m.InputUSDPerMTok, in)
	eq("sonnet-4-6 cache write from 2026-03-13", m.CacheWriteUSDPerMTok, cw)
	if len(m.LongContext) != 0 {
		t.Errorf("sonnet-4-6 is flat from 2026-03-13, got %d tiers", len(m.LongContext))
	}

	m = get("groq/llama-3.3-70b-versatile")
	fp = fileModel(t, "groq", "llama-3.3-70b-versatile")["prices"].(map[string]any)
	in, _ = filePrice(t, fp, "input_mtok", -1)
	out, _ = filePrice(t, fp, "output_mtok", -1)
	eq("llama-3.3-70b input", m.InputUSDPerMTok, in)
	eq("llama-3.3-70b cached (none listed: input)", m.CachedInputUSDPerMTok, in)
	eq("llama-3.3-70b output", m.OutputUSDPerMTok, out)
	eq("llama-3.3-70b batch (none listed)", m.BatchDiscountFraction, 0)

	m = get("deepseek/deepseek-chat")
	sets = fileModel(t, "deepseek", "deepseek-chat")["prices"].([]any)
	std := sets[1].(map[string]any)["prices"].(map[string]any)
	in, _ = filePrice(t, std, "input_mtok", -1)
	out, _ = filePrice(t, std, "output_mtok", -1)
	eq("deepseek-chat input (standard hours)", m.InputUSDPerMTok, in)
	eq("deepseek-chat output (standard hours)", m.OutputUSDPerMTok, out)
	if !strings.Contains(m.Note, "Not applied: outside 00:30-16:30 UTC input 0.135, output 0.55") {
		t.Errorf("deepseek-chat note does not name the off-peak price: %q", m.Note)
	}
}

// TestEmbeddedCatalogIsRegenerated: the built-in api-2026.yaml is exactly
// what go generate ./tco/prices makes of the committed data and overlay.
func TestEmbeddedCatalogIsRegenerated(t *testing.T) {
	var b bytes.Buffer
	if err := GenerateCatalog(&b, genaiData, genaiOverlay, "tco/prices/genai-prices/data.json"); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("prices/api-2026.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Fatal("tco/prices/api-2026.yaml is not what the committed genai-prices data makes: run go generate ./tco/prices")
	}
	if _, err := ParseCatalog("api-2026.yaml", want); err != nil {
		t.Fatal(err)
	}
}

func TestCatalogInfoGivesVersionAndOldestPrice(t *testing.T) {
	in := mustCatalog(t).Info()
	if !strings.HasPrefix(in.Version, "genai-prices 0.1.8") || in.Oldest != "2026-09-23" || in.Models < 1000 {
		t.Errorf("api-2026: %+v", in)
	}
	small, err := ParseCatalog("small.yaml", []byte(builtin(t, "testdata/prices-small.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	if in := small.Info(); in.Oldest != "2025-07-04" || in.OldestModel != "openai/gpt-4o" || in.Version != "" {
		t.Errorf("small: %+v", in)
	}
	var b bytes.Buffer
	if err := WriteCatalogList(&b, []string{"api-2026"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"VERSION", "OLDEST PRICE", "genai-prices 0.1.8", "2026-09-23"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("catalog list lacks %q:\n%s", want, b.String())
		}
	}
}

func TestSelectModels(t *testing.T) {
	cat := mustCatalog(t)
	all, err := cat.Select([]string{"*llama-3.3-70b*"})
	if err != nil {
		t.Fatal(err)
	}
	providers := map[string]bool{}
	for _, m := range all {
		providers[m.Provider] = true
	}
	if !providers["groq"] || !providers["together"] || len(providers) < 4 {
		t.Errorf("Llama 3.3 70B across providers: %v", providers)
	}
	def, err := cat.Select(nil)
	if err != nil || len(def) != len(cat.Compare) || def[0].Key() != cat.Compare[0] {
		t.Errorf("default selection: %d models, err %v", len(def), err)
	}
	if one, err := cat.Select([]string{"openai/gpt-4o"}); err != nil || len(one) != 1 {
		t.Errorf("a key selects one model, got %d (%v)", len(one), err)
	}
	if _, err := cat.Select([]string{"acme/nothing"}); err == nil || !strings.Contains(err.Error(), `"acme/nothing" is not in price catalog api-2026`) {
		t.Errorf("unknown model: %v", err)
	}
}

// TestImportBadInputOneLineEach: a data file of an unknown shape, a price
// with a negative value or without a unit: one line each, saying file,
// line and column, the JSON path and what is wrong.
func TestImportBadInputOneLineEach(t *testing.T) {
	opt := GenAIImport{Name: "x", Checked: "2026-09-23", ReferenceModel: "p/m"}
	model := func(prices string) string {
		return `[{"id":"p","name":"P","models":[` + "\n" + `{"id":"m","prices":` + prices + `}]}]`
	}
	cases := []struct{ name, data, want string }{
		{"object, not an array", `{"providers": []}`, "d.json:1:1: unknown shape: a JSON object"},
		{"not JSON", `hello`, "d.json:1:1: unknown shape: not JSON"},
		{"broken JSON", `[{"id":`, "d.json:1:8: not valid JSON"},
		{"provider without models", `[{"id":"p","name":"P"}]`, "d.json:1:2: providers[0]: unknown shape: a provider needs an id and a models array"},
		{"models not an array", `[{"id":"p","models":"none"}]`, "d.json:1:27: models: unknown shape: string"},
		{"negative price", model(`{"input_mtok":-2.5,"output_mtok":10}`), "d.json:2:34: providers[0].models[0].prices.input_mtok: negative price -2.5"},
		{"negative tier", model(`{"input_mtok":{"base":1,"tiers":[{"start":200000,"price":-2}]},"output_mtok":1}`), "prices.input_mtok: tiers[0]: negative price -2"},
		{"price without a unit", model(`{"input":2.5,"output_mtok":10}`), `d.json:2:29: providers[0].models[0].prices.input: price "input" has no unit`},
		{"price of no known shape", model(`{"input_mtok":"2.5","output_mtok":10}`), "prices.input_mtok: unknown shape: a price is a number or {base, tiers"},
		{"bad constraint", model(`[{"prices":{"input_mtok":1,"output_mtok":1}},{"constraint":{"start_date":"soon"},"prices":{"input_mtok":2,"output_mtok":2}}]`), `prices[1].constraint.start_date: bad date "soon"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ImportGenAIPrices(strings.NewReader(tc.data), "d.json", opt)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q\nwant one line containing %q", msg, tc.want)
			}
		})
	}
	if _, _, err := ImportGenAIPrices(strings.NewReader(model(`{"input_mtok":1,"output_mtok":1}`)), "d.json", GenAIImport{Checked: "someday"}); err == nil || !strings.Contains(err.Error(), `checked: bad date "someday"`) {
		t.Errorf("undated import: %v", err)
	}
}

// TestTierPricedAtTierRate: a request whose prompt exceeds the tier
// threshold is priced at the tier's rates, the whole request (as the
// provider bills it); one at the threshold at the base rates.
func TestTierPricedAtTierRate(t *testing.T) {
	cat, _ := importCommitted(t)
	m, _ := cat.Find("anthropic/claude-sonnet-4-5")
	// Above 200,000 input tokens sonnet-4-5 costs $6 input, $0.60 cache read,
	// $7.50 cache write and $22.50 output per million tokens ($3, $0.30,
	// $3.75, $15 at or below). 250,000 input tokens of which 50,000 cached
	// and 10,000 written to the cache, 2,000 output:
	//   190,000 × 6 + 50,000 × 0.60 + 10,000 × 7.50 + 2,000 × 22.50 = $1.29
	long := PriceRequests(m, []RequestTokens{{Input: 250_000, CachedInput: 50_000, CacheWrite: 10_000, Output: 2_000}})
	if !near(long.TotalUSD(), 1.29) || long.LongContextRequests != 1 {
		t.Errorf("above the tier: $%g (%d long-context), want $1.29", long.TotalUSD(), long.LongContextRequests)
	}
	// At exactly 200,000 input tokens (not above): 200,000 × 3 + 2,000 × 15 = $0.63.
	base := PriceRequests(m, []RequestTokens{{Input: 200_000, Output: 2_000}})
	if !near(base.TotalUSD(), 0.63) || base.LongContextRequests != 0 {
		t.Errorf("at the threshold: $%g, want $0.63", base.TotalUSD())
	}
	// A per-request fee is priced per request.
	fee := 5.0
	m2 := *m
	m2.RequestUSDPerKRequest = &fee
	if b := PriceRequests(&m2, []RequestTokens{{Input: 1000, Output: 100}, {Input: 1000, Output: 100}}); !near(b.RequestUSD, 0.01) {
		t.Errorf("request fee $%g for 2 requests at $5 per thousand, want $0.01", b.RequestUSD)
	}
}

// FuzzImportGenAI: no data makes the importer panic, and an accepted
// import has every token price of every model.
func FuzzImportGenAI(f *testing.F) {
	f.Add([]byte(`[{"id":"p","models":[{"id":"m","prices":{"input_mtok":1,"output_mtok":2}}]}]`))
	f.Add([]byte(`[{"id":"p","models":[{"id":"m","prices":[{"prices":{"input_mtok":{"base":1,"tiers":[{"start":10,"price":2}]},"output_mtok":2}},{"constraint":{"start_time":"01:00:00Z","end_time":"02:00:00Z","type":"time_of_date"},"prices":{"input_mtok":3,"output_mtok":4}}]}]}]`))
	f.Add([]byte(`{"x":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cat, _, err := ImportGenAIPrices(bytes.NewReader(b), "f.json", GenAIImport{Name: "f", Checked: "2026-09-23"})
		if err != nil {
			return
		}
		for _, m := range cat.Models {
			if m.InputUSDPerMTok == nil || m.CachedInputUSDPerMTok == nil || m.CacheWriteUSDPerMTok == nil || m.OutputUSDPerMTok == nil || m.ReasoningUSDPerMTok == nil || *m.InputUSDPerMTok < 0 {
				t.Fatalf("imported %s without its prices", m.Key())
			}
		}
	})
}
