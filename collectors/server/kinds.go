package server

import (
	"sort"
	"strings"
)

// Standard series the server collector reports, whatever the server kind.
// Every name carries its unit ("ratio" is 0..1).
const (
	RunningRequests    = "running_requests"
	WaitingRequests    = "waiting_requests"
	KVCacheUsageRatio  = "kv_cache_usage_ratio"
	PrefixCacheHits    = "prefix_cache_hits_total"    // tokens served from the prefix cache
	PrefixCacheQueries = "prefix_cache_queries_total" // tokens looked up in the prefix cache
	PrefixCacheHitRate = "prefix_cache_hit_ratio"
	PromptTokens       = "prompt_tokens_total"
	GenerationTokens   = "generation_tokens_total"
	Preemptions        = "preemptions_total"
)

// Aggregation is how a series' values over a family's label sets (several
// models, data-parallel engines, ranks) combine into one reading.
type Aggregation int

const (
	// Counter values add up: each label set counted its own events.
	Counter Aggregation = iota
	// Gauge values add up: requests running or waiting on each engine.
	Gauge
	// Ratio values are averaged: each engine's KV-cache usage is a share
	// of its own pool. The mean is weighted by the engines' capacity when
	// the server publishes it (Source.Weight), plain otherwise.
	Ratio
)

// String names the aggregation as the docs do.
func (a Aggregation) String() string {
	switch a {
	case Counter:
		return "counter, summed over label sets"
	case Gauge:
		return "gauge, summed over label sets"
	}
	return "ratio, averaged over label sets (weighted by capacity where the server publishes it)"
}

// Source is one metric a server kind publishes for a standard series.
type Source struct {
	// Name is the server's metric name. A name ending in _sum or _count may
	// refer to a histogram's or summary's sum or count.
	Name string
	// Versions says which versions publish it, for people ("" when all
	// current ones do).
	Versions string
	// Weight names a metric with the same label sets giving each one's
	// capacity, for a ratio's weighted mean (optional).
	Weight string
}

// kinds maps each server kind to its series: standard name → the server's
// metrics, tried in order (names change across versions).
var kinds = map[string]map[string][]Source{
	"vllm": {
		RunningRequests: {{Name: "vllm:num_requests_running"}},
		WaitingRequests: {{Name: "vllm:num_requests_waiting"}},
		KVCacheUsageRatio: {
			{Name: "vllm:kv_cache_usage_perc", Versions: "vLLM 0.9 and later"},
			{Name: "vllm:gpu_cache_usage_perc", Versions: "vLLM before 0.9, and later ones until its removal (deprecated in 0.9)"},
		},
		PrefixCacheHits: {
			{Name: "vllm:prefix_cache_hits_total", Versions: "vLLM 0.9 and later"},
			{Name: "vllm:gpu_prefix_cache_hits_total", Versions: "vLLM V1 before 0.9, and later ones until its removal (deprecated in 0.9)"},
		},
		PrefixCacheQueries: {
			{Name: "vllm:prefix_cache_queries_total", Versions: "vLLM 0.9 and later"},
			{Name: "vllm:gpu_prefix_cache_queries_total", Versions: "vLLM V1 before 0.9, and later ones until its removal (deprecated in 0.9)"},
		},
		PrefixCacheHitRate: {{Name: "vllm:gpu_prefix_cache_hit_rate", Versions: "vLLM's V0 engine only; V1 publishes prefix_cache_hits_total and prefix_cache_queries_total instead"}},
		PromptTokens:       {{Name: "vllm:prompt_tokens_total"}},
		GenerationTokens:   {{Name: "vllm:generation_tokens_total"}},
		Preemptions:        {{Name: "vllm:num_preemptions_total"}},
	},
	"llama.cpp": {
		RunningRequests:   {{Name: "llamacpp:requests_processing"}},
		WaitingRequests:   {{Name: "llamacpp:requests_deferred"}},
		KVCacheUsageRatio: {{Name: "llamacpp:kv_cache_usage_ratio", Versions: "llama.cpp builds before PR #13660 (May 2025), which removed it and llamacpp:kv_cache_tokens"}},
		PromptTokens:      {{Name: "llamacpp:prompt_tokens_total"}},
		GenerationTokens:  {{Name: "llamacpp:tokens_predicted_total"}},
	},
	"tgi": {
		RunningRequests:  {{Name: "tgi_batch_current_size"}},
		WaitingRequests:  {{Name: "tgi_queue_size"}},
		PromptTokens:     {{Name: "tgi_request_input_length_sum"}},
		GenerationTokens: {{Name: "tgi_request_generated_tokens_sum"}},
	},
	"sglang": {
		RunningRequests:    {{Name: "sglang:num_running_reqs"}},
		WaitingRequests:    {{Name: "sglang:num_queue_reqs"}},
		KVCacheUsageRatio:  {{Name: "sglang:token_usage", Weight: "sglang:max_total_num_tokens"}},
		PrefixCacheHitRate: {{Name: "sglang:cache_hit_rate"}},
		PromptTokens:       {{Name: "sglang:prompt_tokens_total"}},
		GenerationTokens:   {{Name: "sglang:generation_tokens_total"}},
	},
}

// standard are the aggregation and description of the standard series.
var standard = map[string]struct {
	agg  Aggregation
	help string
}{
	RunningRequests:    {Gauge, "Requests the server is running (in its batches)."},
	WaitingRequests:    {Gauge, "Requests waiting in the server's queue."},
	KVCacheUsageRatio:  {Ratio, "KV-cache usage, 0..1 (1 is full)."},
	PrefixCacheHits:    {Counter, "Prompt tokens served from the prefix cache."},
	PrefixCacheQueries: {Counter, "Prompt tokens looked up in the prefix cache."},
	PrefixCacheHitRate: {Ratio, "Prefix-cache hit ratio, 0..1."},
	PromptTokens:       {Counter, "Prompt (prefill) tokens processed."},
	GenerationTokens:   {Counter, "Tokens generated."},
	Preemptions:        {Counter, "Requests preempted by the scheduler."},
}

// prefixes identify a kind from its metric names.
var prefixes = []struct{ prefix, kind string }{
	{"vllm:", "vllm"}, {"llamacpp:", "llama.cpp"}, {"tgi_", "tgi"}, {"sglang:", "sglang"},
}

// Kinds lists the server kinds with built-in series.
func Kinds() []string {
	var out []string
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// SeriesFor returns a copy of kind's series with overrides applied
// (standard name → the server's metric names).
func SeriesFor(kind string, overrides map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, srcs := range kinds[kind] {
		for _, s := range srcs {
			out[k] = append(out[k], s.Name)
		}
	}
	for k, v := range overrides {
		out[k] = v
	}
	return out
}

// AggregationOf says how a series combines over label sets. A series
// added by an override is a ratio when its name says so (ends in _ratio,
// _perc, _rate or _usage), a counter when it ends in _total, else a gauge.
func AggregationOf(std string) Aggregation {
	if s, ok := standard[std]; ok {
		return s.agg
	}
	switch {
	case hasAnySuffix(std, "_ratio", "_perc", "_rate", "_usage"):
		return Ratio
	case strings.HasSuffix(std, "_total"):
		return Counter
	}
	return Gauge
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// Help describes a series with its unit and how it combines over label
// sets: "KV-cache usage, 0..1 (1 is full). A ratio, averaged over label
// sets (...)".
func Help(std string) string {
	h := standard[std].help
	if h == "" {
		h = "Server series " + std + "."
	}
	return h + " A " + AggregationOf(std).String() + " (data-parallel engines, ranks, models)."
}

// Absent says why a standard series is missing from a server of the kind:
// the versions its metrics exist in ("" when the kind has no such series).
func Absent(kind, std string) string {
	srcs := kinds[kind][std]
	if len(srcs) == 0 {
		return ""
	}
	var parts []string
	for _, s := range srcs {
		v := s.Versions
		if v == "" {
			v = "all known versions"
		}
		parts = append(parts, s.Name+" ("+v+")")
	}
	return std + ": the server publishes none of " + strings.Join(parts, ", ")
}

// weightOf is the weight metric declared for a server metric name ("" when none).
func weightOf(name string) string {
	for _, k := range kinds {
		for _, srcs := range k {
			for _, s := range srcs {
				if s.Name == name {
					return s.Weight
				}
			}
		}
	}
	return ""
}
