package server

import "sort"

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

// Kinds maps each server kind to its series: standard name → the server's
// metric names, tried in order (names change across versions). A name
// ending in _sum or _count may refer to a histogram's or summary's sum or count.
var kinds = map[string]map[string][]string{
	"vllm": {
		RunningRequests:    {"vllm:num_requests_running"},
		WaitingRequests:    {"vllm:num_requests_waiting"},
		KVCacheUsageRatio:  {"vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"},
		PrefixCacheHits:    {"vllm:prefix_cache_hits_total", "vllm:gpu_prefix_cache_hits_total"},
		PrefixCacheQueries: {"vllm:prefix_cache_queries_total", "vllm:gpu_prefix_cache_queries_total"},
		PrefixCacheHitRate: {"vllm:gpu_prefix_cache_hit_rate"},
		PromptTokens:       {"vllm:prompt_tokens_total"},
		GenerationTokens:   {"vllm:generation_tokens_total"},
		Preemptions:        {"vllm:num_preemptions_total"},
	},
	"llama.cpp": {
		RunningRequests:   {"llamacpp:requests_processing"},
		WaitingRequests:   {"llamacpp:requests_deferred"},
		KVCacheUsageRatio: {"llamacpp:kv_cache_usage_ratio"},
		PromptTokens:      {"llamacpp:prompt_tokens_total"},
		GenerationTokens:  {"llamacpp:tokens_predicted_total"},
	},
	"tgi": {
		RunningRequests:  {"tgi_batch_current_size"},
		WaitingRequests:  {"tgi_queue_size"},
		PromptTokens:     {"tgi_request_input_length_sum"},
		GenerationTokens: {"tgi_request_generated_tokens_sum"},
	},
	"sglang": {
		RunningRequests:    {"sglang:num_running_reqs"},
		WaitingRequests:    {"sglang:num_queue_reqs"},
		KVCacheUsageRatio:  {"sglang:token_usage"},
		PrefixCacheHitRate: {"sglang:cache_hit_rate"},
		PromptTokens:       {"sglang:prompt_tokens_total"},
		GenerationTokens:   {"sglang:generation_tokens_total"},
	},
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
	for k, v := range kinds[kind] {
		out[k] = append([]string(nil), v...)
	}
	for k, v := range overrides {
		out[k] = v
	}
	return out
}
