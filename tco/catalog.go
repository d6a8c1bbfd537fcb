package tco

import (
	"slices"
	"strconv"
	"strings"
)

// Catalog is an API price catalog. Prices are USD per million tokens.
type Catalog struct {
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description" json:"description"`
	// Version names the data the catalog was imported from ("genai-prices
	// 0.1.8 ..."); empty for a hand-written catalog.
	Version  string `yaml:"version,omitempty" json:"version,omitempty"`
	Currency string `yaml:"currency" json:"currency"`
	Source   string `yaml:"source" json:"source"`
	// Checked is the date the catalog's data lists its prices as current.
	Checked string `yaml:"checked" json:"checked"`
	// ReferenceModel ("provider/model") is the default model of the tornado and projection.
	ReferenceModel string `yaml:"reference_model" json:"reference_model"`
	// Compare lists the models ("provider/model") priced by default; empty:
	// every model of the catalog.
	Compare []string     `yaml:"compare,omitempty" json:"compare,omitempty"`
	Models  []PriceModel `yaml:"models" json:"models"`

	Path string `yaml:"-" json:"path"`
}

// PriceModel is one model's prices. Every token price is required; a model
// with no caching discount states its cached-input price equal to the input
// price, and one with no cache-write fee its cache-write price equal to the
// input price (cache writes are part of the input tokens).
type PriceModel struct {
	Provider  string `yaml:"provider" json:"provider"`
	Model     string `yaml:"model" json:"model"`
	PriceTier `yaml:",inline"`
	// ReasoningUSDPerMTok prices reasoning tokens (billed as output by every
	// provider listed so far).
	ReasoningUSDPerMTok *float64 `yaml:"reasoning_usd_per_mtok" json:"reasoning_usd_per_mtok"`
	// RequestUSDPerKRequest is a fee per thousand requests, where the provider charges one.
	RequestUSDPerKRequest *float64 `yaml:"request_usd_per_krequest,omitempty" json:"request_usd_per_krequest,omitempty"`
	// BatchDiscountFraction is the discount of the provider's batch API (0
	// when none is listed).
	BatchDiscountFraction *float64 `yaml:"batch_discount_fraction" json:"batch_discount_fraction"`
	// LongContext tiers apply to a request whose input tokens exceed the threshold.
	LongContext []LongContextTier `yaml:"long_context,omitempty" json:"long_context,omitempty"`
	// EffectiveFrom is the date these prices took effect, when the data says.
	EffectiveFrom string `yaml:"effective_from,omitempty" json:"effective_from,omitempty"`
	// Checked is the date the price was last listed as current.
	Checked string `yaml:"checked" json:"checked"`
	Source  string `yaml:"source" json:"source"`
	Note    string `yaml:"note,omitempty" json:"note,omitempty"`
}

// PriceTier is the per-million-token prices of one context tier.
type PriceTier struct {
	InputUSDPerMTok       *float64 `yaml:"input_usd_per_mtok" json:"input_usd_per_mtok"`
	CachedInputUSDPerMTok *float64 `yaml:"cached_input_usd_per_mtok" json:"cached_input_usd_per_mtok"`
	CacheWriteUSDPerMTok  *float64 `yaml:"cache_write_usd_per_mtok" json:"cache_write_usd_per_mtok"`
	OutputUSDPerMTok      *float64 `yaml:"output_usd_per_mtok" json:"output_usd_per_mtok"`
}

// LongContextTier is the prices above an input-token threshold.
type LongContextTier struct {
	AboveInputTokens *int64 `yaml:"above_input_tokens" json:"above_input_tokens"`
	PriceTier        `yaml:",inline"`
}

// Key is "provider/model".
func (m *PriceModel) Key() string { return m.Provider + "/" + m.Model }

// Find returns the model key names (see Lookup); false when it names none.
func (c *Catalog) Find(key string) (*PriceModel, bool) {
	m, err := c.Lookup(key)
	return m, err == nil
}

// Lookup returns the model key names: the model whose key
// ("provider/model") it is, else the one model of that bare name, else,
// of several providers' models of that name, the one in the compare list
// or the reference model. It does not guess: a name several providers
// offer and these do not settle is a *LookupError naming the providers.
func (c *Catalog) Lookup(key string) (*PriceModel, error) {
	if m := c.byKey(key); m != nil {
		return m[0], nil
	}
	var named, preferred []*PriceModel
	for i := range c.Models {
		if m := &c.Models[i]; m.Model == key {
			named = append(named, m)
			if c.preferred(m.Key()) {
				preferred = append(preferred, m)
			}
		}
	}
	switch {
	case len(named) == 1:
		return named[0], nil
	case len(preferred) == 1:
		return preferred[0], nil
	}
	e := &LookupError{Key: key, Catalog: c.Name}
	if len(named) > 1 {
		for _, m := range named {
			e.Providers = append(e.Providers, m.Provider)
		}
	}
	return nil, e
}

// preferred reports whether key is in the compare list or is the reference model.
func (c *Catalog) preferred(key string) bool {
	return key == c.ReferenceModel || slices.Contains(c.Compare, key)
}

// LookupError is a key Lookup finds no model for: none has it, or it is a
// bare model name that several providers offer (Providers, in catalog order).
type LookupError struct {
	Key, Catalog string
	Providers    []string
}

// Error reads `"x/y" is not in price catalog api-2026` or `"gpt-5-mini" is
// offered by github-copilot, openai: give provider/model`.
func (e *LookupError) Error() string { return strconv.Quote(e.Key) + " " + e.Reason() }

// Reason is the error without the key, for a message that names it itself.
func (e *LookupError) Reason() string {
	if len(e.Providers) > 1 {
		return "is offered by " + strings.Join(e.Providers, ", ") + ": give provider/model"
	}
	if e.Catalog == "" {
		return "is not in the price catalog"
	}
	return "is not in price catalog " + e.Catalog
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
