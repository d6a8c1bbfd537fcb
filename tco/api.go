package tco

// RequestTokens are one request's token counts. Input includes CachedInput
// and CacheWrite (the input tokens read from and written to the provider's
// prompt cache: genai-prices' convention); Output includes Reasoning (the
// record package's convention).
type RequestTokens struct {
	Input, CachedInput, CacheWrite, Output, Reasoning int64
}

func (r RequestTokens) add(o RequestTokens) RequestTokens {
	return RequestTokens{r.Input + o.Input, r.CachedInput + o.CachedInput, r.CacheWrite + o.CacheWrite, r.Output + o.Output, r.Reasoning + o.Reasoning}
}

// APIBill is what an API charges for some requests, split by price.
type APIBill struct {
	InputUSD, CachedInputUSD, CacheWriteUSD, OutputUSD, ReasoningUSD float64
	// RequestUSD is the per-request fee, where the provider charges one.
	RequestUSD float64
	// LongContextRequests counts requests priced at a long-context tier.
	LongContextRequests int
}

// TotalUSD is the whole bill.
func (b APIBill) TotalUSD() float64 {
	return b.InputUSD + b.CachedInputUSD + b.CacheWriteUSD + b.OutputUSD + b.ReasoningUSD + b.RequestUSD
}

func (b APIBill) add(o APIBill) APIBill {
	return APIBill{b.InputUSD + o.InputUSD, b.CachedInputUSD + o.CachedInputUSD, b.CacheWriteUSD + o.CacheWriteUSD,
		b.OutputUSD + o.OutputUSD, b.ReasoningUSD + o.ReasoningUSD, b.RequestUSD + o.RequestUSD, b.LongContextRequests + o.LongContextRequests}
}

// PriceRequests prices requests one by one on model m: uncached input,
// cached input, cache writes, output (reasoning excluded) and reasoning each
// at its own price, each request at the long-context tier its input reaches
// (the whole request at the tier's prices, as providers bill it), plus the
// per-request fee.
func PriceRequests(m *PriceModel, reqs []RequestTokens) APIBill {
	var total APIBill
	for _, r := range reqs {
		total = total.add(priceOne(m, r, true, 1))
	}
	return total
}

// PriceTotals prices the summed token counts of requests requests at the
// base tier (used when the per-request counts are not available, so
// long-context tiers cannot apply).
func PriceTotals(m *PriceModel, t RequestTokens, requests int64) APIBill {
	return priceOne(m, t, false, requests)
}

func priceOne(m *PriceModel, r RequestTokens, tiers bool, requests int64) APIBill {
	tier, long := m.PriceTier, false
	if tiers {
		for _, lc := range m.LongContext {
			if lc.AboveInputTokens != nil && r.Input > *lc.AboveInputTokens {
				tier, long = lc.PriceTier, true
			}
		}
	}
	cached := clamp(r.CachedInput, r.Input)
	written := clamp(r.CacheWrite, r.Input-cached)
	reasoning := clamp(r.Reasoning, r.Output)
	reasoningPrice := m.ReasoningUSDPerMTok
	if long { // tiers carry no reasoning price: reasoning is billed as the tier's output
		reasoningPrice = tier.OutputUSDPerMTok
	}
	perM := func(n int64, price *float64) float64 { return float64(n) * deref(price) / 1e6 }
	b := APIBill{
		InputUSD:       perM(r.Input-cached-written, tier.InputUSDPerMTok),
		CachedInputUSD: perM(cached, tier.CachedInputUSDPerMTok),
		CacheWriteUSD:  perM(written, tier.CacheWriteUSDPerMTok),
		OutputUSD:      perM(r.Output-reasoning, tier.OutputUSDPerMTok),
		ReasoningUSD:   perM(reasoning, reasoningPrice),
		RequestUSD:     float64(max(requests, 0)) * deref(m.RequestUSDPerKRequest) / 1000,
	}
	if long {
		b.LongContextRequests = 1
	}
	return b
}

// clamp keeps a part between 0 and its whole.
func clamp(part, whole int64) int64 {
	return max(min(part, max(whole, 0)), 0)
}
