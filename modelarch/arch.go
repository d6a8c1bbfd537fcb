// Package modelarch describes the architecture of open-weight language
// models as a performance model needs it: parameters (total and active for
// mixture-of-experts models), layers, hidden size, attention and KV heads,
// head dimension, vocabulary, and the precision of the weights and of the KV
// cache. It carries the common families with the source of each figure, and
// reads an architecture from a GGUF file's metadata or from a Hugging Face
// config.json.
package modelarch

import (
	"fmt"
	"strings"
)

// Precision is how a tensor's values are stored.
type Precision string

// Precisions.
const (
	F32   Precision = "f32"
	BF16  Precision = "bf16"
	FP16  Precision = "fp16"
	FP8   Precision = "fp8"
	INT8  Precision = "int8"
	FP4   Precision = "fp4"   // NVFP4: 4-bit values with an 8-bit scale per 16
	MXFP4 Precision = "mxfp4" // 4-bit values with a shared 8-bit scale per 32
	INT4  Precision = "int4"  // weight-only 4-bit (AWQ, GPTQ, GGUF Q4)
)

// Bytes is the storage per value.
func (p Precision) Bytes() (float64, error) {
	switch p {
	case F32:
		return 4, nil
	case BF16, FP16:
		return 2, nil
	case FP8, INT8:
		return 1, nil
	case FP4:
		return 9.0 / 16, nil
	case INT4:
		return 0.5, nil
	case MXFP4:
		return 17.0 / 32, nil
	}
	return 0, fmt.Errorf("unknown precision %q (want f32, bf16, fp16, fp8, int8, fp4, mxfp4 or int4)", p)
}

// ParsePrecision reads a precision name.
func ParsePrecision(s string) (Precision, error) {
	p := Precision(strings.ToLower(strings.TrimSpace(s)))
	if p == "float16" {
		p = FP16
	}
	if p == "bfloat16" {
		p = BF16
	}
	if p == "float32" {
		p = F32
	}
	_, err := p.Bytes()
	return p, err
}

// Arch is one model's architecture. Sizes are counts (parameters, not
// billions); a zero MoE field means a dense model.
type Arch struct {
	// Name is the catalog name ("llama-3.1-70b"); Family groups variants.
	Name   string `json:"name"`
	Family string `json:"family"`
	// Source says where the figures come from (a config.json, a model card, a file).
	Source string `json:"source"`
	// ParamsTotal and ParamsActive are the published parameter counts
	// (active: per token, for mixture-of-experts models; equal for dense).
	ParamsTotal  float64 `json:"params_total"`
	ParamsActive float64 `json:"params_active"`

	Layers  int `json:"layers"`
	Hidden  int `json:"hidden_size"`
	Heads   int `json:"attention_heads"`
	KVHeads int `json:"kv_heads"`
	HeadDim int `json:"head_dim"`
	Vocab   int `json:"vocab_size"`
	// FFN is the dense MLP's intermediate size (dense layers of an MoE model too).
	FFN int `json:"ffn_size"`
	// NonGatedFFN is true for a two-matrix MLP (GPT-J); false for SwiGLU's three.
	NonGatedFFN bool `json:"non_gated_ffn,omitempty"`
	// TiedEmbeddings: the output projection shares the embedding matrix.
	TiedEmbeddings bool `json:"tied_embeddings,omitempty"`

	// Experts (routed), ExpertsActive (per token), ExpertFFN (each expert's
	// intermediate size), SharedExperts (always active, of ExpertFFN size)
	// and MoELayers (how many layers are MoE; the rest are dense with FFN).
	Experts       int `json:"experts,omitempty"`
	ExpertsActive int `json:"experts_active,omitempty"`
	ExpertFFN     int `json:"expert_ffn_size,omitempty"`
	SharedExperts int `json:"shared_experts,omitempty"`
	MoELayers     int `json:"moe_layers,omitempty"`

	// Multi-head latent attention (DeepSeek-V3): the KV cache holds
	// KVLoRARank + QKRopeDim values per token per layer.
	QLoRARank  int `json:"q_lora_rank,omitempty"`
	KVLoRARank int `json:"kv_lora_rank,omitempty"`
	QKNopeDim  int `json:"qk_nope_head_dim,omitempty"`
	QKRopeDim  int `json:"qk_rope_head_dim,omitempty"`
	VHeadDim   int `json:"v_head_dim,omitempty"`

	// SlidingWindow is the attention window of SlidingLayers layers (the
	// others attend to the whole context); 0: none.
	SlidingWindow int `json:"sliding_window,omitempty"`
	SlidingLayers int `json:"sliding_layers,omitempty"`
	MaxContext    int `json:"max_context"`

	// Weights is the precision of the weights; ExpertWeights that of the
	// routed experts when it differs (gpt-oss: mxfp4 experts, bf16 rest).
	Weights       Precision `json:"weights"`
	ExpertWeights Precision `json:"expert_weights,omitempty"`
	// KVCache is the precision of the KV cache.
	KVCache Precision `json:"kv_cache"`
	// WeightBytesStated, when above 0, is the measured size of the weights
	// (a GGUF file's tensors) and replaces params × precision.
	WeightBytesStated float64 `json:"weight_bytes_stated,omitempty"`
}

// MoE reports whether the model routes tokens to experts.
func (a *Arch) MoE() bool { return a.Experts > 0 }

// moeLayers is the number of MoE layers.
func (a *Arch) moeLayers() int {
	if !a.MoE() {
		return 0
	}
	if a.MoELayers > 0 {
		return a.MoELayers
	}
	return a.Layers
}

// Validate reports an architecture the performance model cannot use, naming the field.
func (a *Arch) Validate() error {
	var bad []string
	for _, f := range []struct {
		name string
		v    int
	}{{"layers", a.Layers}, {"hidden_size", a.Hidden}, {"attention_heads", a.Heads}, {"kv_heads", a.KVHeads}, {"head_dim", a.HeadDim}, {"vocab_size", a.Vocab}} {
		if f.v <= 0 {
			bad = append(bad, f.name+" must be positive")
		}
	}
	if a.FFN <= 0 && (!a.MoE() || a.moeLayers() < a.Layers) {
		bad = append(bad, "ffn_size must be positive")
	}
	if a.MoE() && (a.ExpertsActive <= 0 || a.ExpertsActive > a.Experts || a.ExpertFFN <= 0) {
		bad = append(bad, "experts_active (1..experts) and expert_ffn_size must be set for an MoE model")
	}
	if a.KVHeads > 0 && a.Heads%a.KVHeads != 0 {
		bad = append(bad, fmt.Sprintf("attention_heads %d is not a multiple of kv_heads %d", a.Heads, a.KVHeads))
	}
	for _, p := range []Precision{a.Weights, a.KVCache} {
		if _, err := p.Bytes(); err != nil {
			bad = append(bad, err.Error())
		}
	}
	if a.ExpertWeights != "" {
		if _, err := a.ExpertWeights.Bytes(); err != nil {
			bad = append(bad, err.Error())
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("model %s: %s", a.Name, strings.Join(bad, "; "))
	}
	return nil
}

// WithPrecision returns a copy with the weights (experts too) and the KV
// cache at p; the name says so ("llama-3.1-70b@fp8").
func (a Arch) WithPrecision(weights, kv Precision) Arch {
	if weights != "" {
		a.Weights, a.ExpertWeights = weights, ""
		a.WeightBytesStated = 0
	}
	if kv != "" {
		a.KVCache = kv
	}
	if weights != "" {
		a.Name = strings.SplitN(a.Name, "@", 2)[0] + "@" + string(weights)
	}
	return a
}
