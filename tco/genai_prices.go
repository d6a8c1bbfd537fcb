package tco

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// priceSet is one set of a model's prices with the constraint under which
// it applies (genai-prices' ConditionalPrice; a plain price object is one
// set without a constraint).
type priceSet struct {
	path   []any // below the model's prices
	prices map[string]json.RawMessage
	// startDate: applies on and after it; timeOfDay: from startMin to endMin
	// (minutes past midnight UTC, end excluded).
	startDate        string
	timeOfDay        bool
	startMin, endMin int
}

func (s *priceSet) active(day time.Time, minute int) bool {
	switch {
	case s.timeOfDay:
		return s.startMin <= minute && minute < s.endMin
	case s.startDate != "":
		t, err := parseDate(s.startDate)
		return err == nil && !day.Before(t)
	}
	return true
}

func (s *priceSet) window() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d UTC", s.startMin/60, s.startMin%60, s.endMin/60, s.endMin%60)
}

// priceSets reads a model's prices: an object, or a list of conditional prices.
func (im *importer) priceSets(path []any, raw json.RawMessage) ([]*priceSet, error) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		return []*priceSet{{prices: obj}}, nil
	}
	var list []struct {
		Constraint map[string]json.RawMessage `json:"constraint"`
		Prices     map[string]json.RawMessage `json:"prices"`
	}
	if err := json.Unmarshal(raw, &list); err != nil || len(list) == 0 {
		im.bad(path, "unknown shape: want a price object or a list of {constraint, prices}")
		return nil, errBadImport
	}
	var out []*priceSet
	for k, c := range list {
		s := &priceSet{path: []any{k, "prices"}, prices: c.Prices}
		if c.Prices == nil {
			im.bad(sub[any](path, k), "unknown shape: a conditional price needs prices")
			return nil, errBadImport
		}
		if c.Constraint != nil && !im.constraint(sub[any](path, k, "constraint"), c.Constraint, s) {
			return nil, errBadImport
		}
		out = append(out, s)
	}
	return out, nil
}

var errBadImport = fmt.Errorf("bad genai-prices data")

// constraint reads a start_date or time_of_date constraint into s.
func (im *importer) constraint(path []any, c map[string]json.RawMessage, s *priceSet) bool {
	str := func(k string) string {
		var v string
		_ = json.Unmarshal(c[k], &v)
		return v
	}
	switch {
	case c["start_date"] != nil || c["start"] != nil:
		d := str("start_date")
		if d == "" {
			d = str("start")
		}
		if len(d) > 10 {
			d = d[:10] // a timestamp: its day
		}
		if _, err := parseDate(d); err != nil || len(d) != 10 {
			im.bad(sub[any](path, "start_date"), fmt.Sprintf("bad date %q (want YYYY-MM-DD)", d))
			return false
		}
		s.startDate = d
	case c["start_time"] != nil && c["end_time"] != nil:
		a, erra := minuteOfDay(str("start_time"))
		b, errb := minuteOfDay(str("end_time"))
		if erra != nil || errb != nil || b <= a {
			im.bad(path, fmt.Sprintf("bad time of day %q to %q (want HH:MM:SSZ, start before end)", str("start_time"), str("end_time")))
			return false
		}
		s.timeOfDay, s.startMin, s.endMin = true, a, b
	default:
		im.bad(path, "unknown constraint: want start_date, or start_time and end_time")
		return false
	}
	return true
}

// minuteOfDay reads "16:30:00Z" (or with an offset) as minutes past midnight UTC.
func minuteOfDay(s string) (int, error) {
	for _, layout := range []string{"15:04:05Z07:00", "15:04:05", "15:04Z07:00", "15:04"} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return t.Hour()*60 + t.Minute(), nil
		}
	}
	return 0, fmt.Errorf("bad time %q", s)
}

// choose picks the set in force on the import's date for the most minutes
// of the day (genai-prices: the last active set wins, the first when none
// is), and returns the others that apply at some time of that day.
func (im *importer) choose(sets []*priceSet) (int, []int) {
	if len(sets) == 1 {
		return 0, nil
	}
	minutes := make([]int, len(sets))
	for m := 0; m < 24*60; m++ {
		win := 0
		for k := len(sets) - 1; k >= 0; k-- {
			if sets[k].active(im.asOf, m) {
				win = k
				break
			}
		}
		minutes[win]++
	}
	best := 0
	for k := range sets {
		if minutes[k] >= minutes[best] {
			best = k
		}
	}
	var others []int
	for k := range sets {
		if k != best && minutes[k] > 0 {
			others = append(others, k)
		}
	}
	return best, others
}

// gpPrice is one genai-prices price: a base and tiers above input-token thresholds.
type gpPrice struct {
	base  float64
	tiers []gpTier
}

type gpTier struct {
	start int64
	price float64
}

// at is the price of a request whose input tokens exceed t (but no higher threshold).
func (p *gpPrice) at(t int64) float64 {
	v := p.base
	for _, tr := range p.tiers {
		if tr.start <= t {
			v = tr.price
		}
	}
	return v
}

// textPrices are a set's prices that tcobench applies, and the rest.
type textPrices struct {
	input, cacheRead, cacheWrite, output, reasoning, requests *gpPrice
	cacheWrite1h                                              *gpPrice
	unpriced                                                  map[string]string
}

// priceUnits are the unit suffixes of genai-prices price keys.
var priceUnits = []string{"_mtok", "_ktok", "_kcount", "_count", "_hours", "_minutes", "_seconds", "_kseconds", "_kchars", "_kpages"}

func hasUnit(key string) bool {
	for _, u := range priceUnits {
		if strings.HasSuffix(key, u) && len(key) > len(u) {
			return true
		}
	}
	return false
}

// textPrices reads every price of a set, checking unit, shape and sign.
func (im *importer) textPrices(path []any, prices map[string]json.RawMessage) (textPrices, bool) {
	tp := textPrices{unpriced: map[string]string{}}
	ok := true
	for _, key := range slices.Sorted(maps.Keys(prices)) {
		kp := sub[any](path, key)
		if !hasUnit(key) {
			im.bad(kp, fmt.Sprintf("price %q has no unit: genai-prices price keys end in a unit (%s)", key, strings.Join(priceUnits, ", ")))
			ok = false
			continue
		}
		p, reason := readPrice(prices[key])
		if reason != "" {
			im.bad(kp, reason)
			ok = false
			continue
		}
		dest := map[string]**gpPrice{"input_mtok": &tp.input, "cache_read_mtok": &tp.cacheRead, "cache_write_mtok": &tp.cacheWrite,
			"output_mtok": &tp.output, "output_reasoning_mtok": &tp.reasoning, "requests_kcount": &tp.requests}
		if d, priced := dest[key]; priced {
			*d = p
			continue
		}
		if key == "cache_write_1h_mtok" {
			tp.cacheWrite1h = p
		}
		tp.unpriced[key] = priceText(p)
	}
	return tp, ok
}

// readPrice reads a number or {base, tiers}; reason says what is wrong.
func readPrice(raw json.RawMessage) (*gpPrice, string) {
	var n float64
	if json.Unmarshal(raw, &n) == nil {
		if n < 0 {
			return nil, fmt.Sprintf("negative price %g", n)
		}
		return &gpPrice{base: n}, ""
	}
	var t struct {
		Base  *float64 `json:"base"`
		Tiers []struct {
			Start *int64   `json:"start"`
			Price *float64 `json:"price"`
		} `json:"tiers"`
	}
	if json.Unmarshal(raw, &t) != nil || t.Base == nil {
		return nil, "unknown shape: a price is a number or {base, tiers: [{start, price}]}"
	}
	p := &gpPrice{base: *t.Base}
	if p.base < 0 {
		return nil, fmt.Sprintf("negative price %g (base)", p.base)
	}
	for k, tr := range t.Tiers {
		switch {
		case tr.Start == nil || tr.Price == nil:
			return nil, fmt.Sprintf("tiers[%d]: unknown shape: a tier needs start and price", k)
		case *tr.Price < 0:
			return nil, fmt.Sprintf("tiers[%d]: negative price %g", k, *tr.Price)
		case *tr.Start <= 0:
			return nil, fmt.Sprintf("tiers[%d]: start %d: want a positive input-token threshold", k, *tr.Start)
		}
		p.tiers = append(p.tiers, gpTier{start: *tr.Start, price: *tr.Price})
	}
	sort.Slice(p.tiers, func(a, b int) bool { return p.tiers[a].start < p.tiers[b].start })
	return p, ""
}

func priceText(p *gpPrice) string {
	s := strconv.FormatFloat(p.base, 'g', -1, 64)
	for _, t := range p.tiers {
		s += fmt.Sprintf(" (%s above %d input tokens)", strconv.FormatFloat(t.price, 'g', -1, 64), t.start)
	}
	return s
}

// model builds the catalog model: base prices and one long-context tier per
// threshold any token price has.
func (tp *textPrices) model(provider, id string) *PriceModel {
	f := func(v float64) *float64 { return &v }
	or := func(p, dflt *gpPrice) *gpPrice {
		if p != nil {
			return p
		}
		return dflt
	}
	cached, write, reasoning := or(tp.cacheRead, tp.input), or(tp.cacheWrite, tp.input), or(tp.reasoning, tp.output)
	tier := func(t int64) PriceTier {
		return PriceTier{InputUSDPerMTok: f(tp.input.at(t)), CachedInputUSDPerMTok: f(cached.at(t)),
			CacheWriteUSDPerMTok: f(write.at(t)), OutputUSDPerMTok: f(tp.output.at(t))}
	}
	pm := &PriceModel{Provider: provider, Model: id, PriceTier: tier(0), ReasoningUSDPerMTok: f(reasoning.base)}
	if tp.requests != nil {
		pm.RequestUSDPerKRequest = f(tp.requests.base)
	}
	seen := map[int64]bool{}
	var starts []int64
	for _, p := range []*gpPrice{tp.input, cached, write, tp.output} {
		for _, t := range p.tiers {
			if !seen[t.start] {
				seen[t.start] = true
				starts = append(starts, t.start)
			}
		}
	}
	sort.Slice(starts, func(a, b int) bool { return starts[a] < starts[b] })
	for _, t := range starts {
		t := t
		pm.LongContext = append(pm.LongContext, LongContextTier{AboveInputTokens: &t, PriceTier: tier(t)})
	}
	return pm
}

// notes say what the import assumed and what it did not price.
func (tp *textPrices) notes(m gpModel, sets []*priceSet, tps []textPrices, others []int) []string {
	var n []string
	if m.Deprecated {
		n = append(n, "Deprecated by the provider.")
	}
	if tp.cacheRead == nil {
		n = append(n, "No cache-read price listed: cached input priced as input.")
	}
	if tp.cacheWrite == nil {
		n = append(n, "No cache-write price listed: cache writes priced as input.")
	}
	if tp.cacheWrite1h != nil {
		n = append(n, "cache_write is the 5-minute write; 1-hour writes cost "+priceText(tp.cacheWrite1h)+" USD/Mtok.")
	}
	for _, k := range others {
		o := tps[k]
		if o.input == nil || o.output == nil {
			continue
		}
		when := sets[k].window()
		if !sets[k].timeOfDay {
			var windows []string
			for _, s := range sets {
				if s.timeOfDay {
					windows = append(windows, s.window())
				}
			}
			when = "outside " + strings.Join(windows, ", ")
		}
		n = append(n, fmt.Sprintf("Not applied: %s input %s, output %s.", when, priceText(o.input), priceText(o.output)))
	}
	var rest []string
	for _, k := range slices.Sorted(maps.Keys(tp.unpriced)) {
		if k != "cache_write_1h_mtok" {
			rest = append(rest, k+" "+tp.unpriced[k])
		}
	}
	if len(rest) > 0 {
		n = append(n, "Not priced by tcobench: "+strings.Join(rest, ", ")+".")
	}
	return n
}
