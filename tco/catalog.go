package tco

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

// Find returns the model with the given key ("provider/model") or bare model name.
func (c *Catalog) Find(key string) (*PriceModel, bool) {
	for i := range c.Models {
		if m := &c.Models[i]; m.Key() == key || m.Model == key {
			return m, true
		}
	}
	return nil, false
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}
