package tco

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func builtin(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBadFilesNameFileLineAndField: every problem says file, line, field and reason.
func TestBadFilesNameFileLineAndField(t *testing.T) {
	h100 := builtin(t, "../hardware-profiles/8xh100-sxm.yaml")
	site := builtin(t, "../hardware-profiles/sites/us-colo.yaml")
	cat := builtin(t, "testdata/prices-small.yaml")
	cases := []struct {
		name, kind, text string
		want             []string
	}{
		{"negative capex", KindHardware, strings.Replace(h100, "value: 317000", "value: -317000", 1),
			[]string{"h.yaml:43: server_capex_usd_per_node.value: negative"}},
		{"absurd PUE", KindSite, strings.Replace(site, "value: 1.5\n", "value: 15\n", 1),
			[]string{"h.yaml:12: pue.value: absurd value 15"}},
		{"missing source", KindHardware, strings.Replace(h100, "  source: DGX H100 datasheet maximum (10.2 kW), cited in epoch-research/training-cost-trends energy.py\n", "", 1),
			[]string{"node_power_max_w.source: missing source"}},
		{"missing value", KindHardware, strings.Replace(h100, "  value: 4\n", "", 1),
			[]string{"amortisation_years.value: missing"}},
		{"unknown field", KindHardware, h100 + "gpu_price: 3\n", []string{"unknown field gpu_price"}},
		{"non-USD site", KindSite, strings.Replace(site, "currency: USD", "currency: EUR", 1), []string{"currency: \"EUR\": only USD"}},
		{"colocation without rate", KindSite, strings.Replace(site, "colocation_usd_per_kw_month:", "owned_facility_usd_per_kw_month:", 1),
			[]string{"colocation_usd_per_kw_month: missing"}},
		{"idle above busy", KindHardware, strings.Replace(h100, "value: 2200", "value: 9000", 1), []string{"node_power_idle_w: idle power 9000 W is above busy power 7000 W"}},
		{"missing output price", KindPrices, strings.Replace(cat, "    output_usd_per_mtok: 10\n", "", 1),
			[]string{"models[0].output_usd_per_mtok: missing"}},
		{"cached above input", KindPrices, strings.Replace(cat, "cached_input_usd_per_mtok: 1.25", "cached_input_usd_per_mtok: 3", 1),
			[]string{"models[0].cached_input_usd_per_mtok: 3 is above the input price 2.5"}},
		{"unknown reference", KindPrices, strings.Replace(cat, "reference_model: openai/gpt-5-mini", "reference_model: x/y", 1),
			[]string{"reference_model: \"x/y\" is not a model"}},
		{"bad date", KindPrices, strings.Replace(cat, "checked: 2025-07-04", "checked: July 2025", 1), []string{"models[0].checked: bad date"}},
		{"syntax", KindSite, "name: [\n", []string{"h.yaml:"}},
		{"empty", KindSite, "", []string{"h.yaml: empty file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			switch c.kind {
			case KindHardware:
				_, err = ParseHardware("h.yaml", []byte(c.text))
			case KindSite:
				_, err = ParseSite("h.yaml", []byte(c.text))
			default:
				_, err = ParseCatalog("h.yaml", []byte(c.text))
			}
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("want an InvalidError, got %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			for _, p := range inv.Problems {
				if p.File != "h.yaml" || p.Reason == "" {
					t.Errorf("problem without file or reason: %+v", p)
				}
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"../hardware-profiles/8xh100-sxm.yaml", "../hardware-profiles/sites/us-colo.yaml", "testdata/prices-small.yaml", "../hardware-profiles/rentals/aws-p5-48xlarge.yaml"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("models: [{provider: a, long_context: [{above_input_tokens: -1}]}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Never a panic; an accepted file is fully populated.
		if h, err := ParseHardware("f.yaml", b); err == nil && h.ServerCapexUSDPerNode.Value == nil {
			t.Fatal("accepted hardware without capex")
		}
		if s, err := ParseSite("f.yaml", b); err == nil && s.PUE.Value == nil {
			t.Fatal("accepted site without PUE")
		}
		if r, err := ParseRental("f.yaml", b); err == nil {
			for _, term := range r.OfferedTerms() {
				if node, _, _, _, ok := r.Price(term); !ok || node <= 0 {
					t.Fatalf("accepted rental term %s without a price", term)
				}
			}
		}
		if c, err := ParseCatalog("f.yaml", b); err == nil {
			for _, m := range c.Models {
				if m.InputUSDPerMTok == nil || m.OutputUSDPerMTok == nil || m.ReasoningUSDPerMTok == nil {
					t.Fatal("accepted a model without prices")
				}
			}
		}
	})
}
