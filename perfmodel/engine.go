package perfmodel

import "fmt"

// Engine is how the simulated server batches: a continuous-batching
// scheduler with a cap on sequences, a token budget per step (chunked
// prefill) and the KV cache it may fill.
type Engine struct {
	Name string `json:"name"`
	// MaxSeqs caps the sequences in one step.
	MaxSeqs int `json:"max_seqs"`
	// TokenBudget caps the tokens (decode plus prefill chunks) of one step.
	TokenBudget int `json:"token_budget"`
	// MemFraction is the share of device memory the engine may use
	// (weights, KV cache); ReserveBytes is kept per device for activations.
	MemFraction  float64 `json:"mem_fraction"`
	ReserveBytes float64 `json:"reserve_bytes"`
	// SlotContext, when above 0, gives each of MaxSeqs slots a fixed KV
	// cache of that many tokens, allocated up front (Ollama, llama.cpp).
	SlotContext int `json:"slot_context,omitempty"`
	// PrefixCache reuses a task's carried context from its previous step.
	PrefixCache bool `json:"prefix_cache"`
	// Static runs fixed batches: MaxSeqs sequences start together and the
	// next batch starts when the whole batch has finished (no in-flight batching).
	Static bool `json:"static,omitempty"`
}

// DefaultEngine is a vLLM-like server: 256 sequences, 8,192 tokens a step,
// 90 % of memory, prefix caching on (vLLM's defaults).
func DefaultEngine() Engine {
	return Engine{Name: "vllm-like (256 sequences, 8192-token steps, 90 % of memory, prefix cache)", MaxSeqs: 256, TokenBudget: 8192, MemFraction: 0.9, ReserveBytes: 2e9, PrefixCache: true}
}

// OllamaEngine is Ollama (llama.cpp) with parallel slots of ctx tokens each
// and 512-token batches.
func OllamaEngine(parallel, ctx int) Engine {
	return Engine{Name: fmt.Sprintf("ollama (%d parallel slots of %d tokens, 512-token batches)", parallel, ctx), MaxSeqs: parallel, TokenBudget: 512, MemFraction: 0.9, SlotContext: ctx, PrefixCache: true}
}

// Validate reports a setting the simulation cannot use.
func (e Engine) Validate() error {
	if e.MaxSeqs < 1 || e.TokenBudget < 1 || !(e.MemFraction > 0 && e.MemFraction <= 1) || e.ReserveBytes < 0 {
		return fmt.Errorf("engine %s: max_seqs and token_budget must be at least 1, mem_fraction in (0, 1], reserve_bytes not negative", e.Name)
	}
	return nil
}

// kvCapacity is the KV bytes one device may hold for sequences, after the
// weights (0 or less: the model does not fit).
func (e Engine) kvCapacity(r *Replica) float64 {
	weights := r.Arch.WeightBytes() / float64(r.TP)
	free := e.MemFraction*r.Dev.MemBytes - weights - e.ReserveBytes
	if e.SlotContext > 0 {
		need := float64(e.MaxSeqs) * r.KVBytes(e.SlotContext)
		if free < need {
			return free - need
		}
		return need
	}
	return free
}
