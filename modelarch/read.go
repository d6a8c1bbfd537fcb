package modelarch

import (
	"encoding/json"
	"fmt"
	"math"
	"os"

	"github.com/tcobench/tcobench/internal/gguf"
)

// FromGGUFFile reads an architecture from a GGUF file's metadata and tensor
// table (the weights' bytes are the tensors' stored sizes; no weight is read).
func FromGGUFFile(path string) (*Arch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("model file: %w", err)
	}
	defer f.Close()
	g, err := gguf.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return FromGGUF(path, g)
}

// FromGGUF builds an architecture from parsed GGUF metadata; path names it in errors.
func FromGGUF(path string, g *gguf.File) (*Arch, error) {
	md := metadata(g.Metadata)
	arch, _ := g.Metadata["general.architecture"].(string)
	if arch == "" {
		return nil, fmt.Errorf("%s: no general.architecture in the GGUF metadata", path)
	}
	k := func(key string) int { return md.int(arch + "." + key) }
	a := Arch{
		Name: md.str("general.name"), Family: arch, Source: "GGUF metadata of " + path,
		Layers: k("block_count"), Hidden: k("embedding_length"), FFN: k("feed_forward_length"),
		Heads: k("attention.head_count"), KVHeads: k("attention.head_count_kv"), HeadDim: k("attention.key_length"),
		MaxContext: k("context_length"), Experts: k("expert_count"), ExpertsActive: k("expert_used_count"),
		ExpertFFN: k("expert_feed_forward_length"), SharedExperts: k("expert_shared_count"),
		KVLoRARank: k("attention.kv_lora_rank"), QLoRARank: k("attention.q_lora_rank"),
		SlidingWindow: k("attention.sliding_window"), Vocab: k("vocab_size"), KVCache: FP16,
	}
	if a.Name == "" {
		a.Name = path
	}
	if a.Vocab == 0 {
		toks, _ := g.Metadata["tokenizer.ggml.tokens"].([]any)
		a.Vocab = len(toks)
	}
	if a.KVHeads == 0 {
		a.KVHeads = a.Heads
	}
	if a.HeadDim == 0 && a.Heads > 0 {
		a.HeadDim = a.Hidden / a.Heads
	}
	if a.KVLoRARank > 0 {
		a.QKRopeDim = k("rope.dimension_count")
		a.QKNopeDim, a.VHeadDim = a.HeadDim-a.QKRopeDim, k("attention.value_length")
	}
	if a.Experts > 0 && a.ExpertFFN == 0 {
		a.ExpertFFN = a.FFN
	}
	if _, ok := g.Tensor("output.weight"); !ok {
		a.TiedEmbeddings = true
	}
	var bytes float64
	byType := map[uint32]float64{}
	for _, t := range g.Tensors {
		n, ok := t.Bytes()
		if !ok {
			return nil, fmt.Errorf("%s: tensor %s has GGML type %d, unknown to tcobench: cannot size the weights", path, t.Name, t.Type)
		}
		bytes += float64(n)
		byType[t.Type] += float64(n)
	}
	a.WeightBytesStated = bytes
	a.Weights = dominantPrecision(byType)
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.ParamsTotal, a.ParamsActive = a.ComputedParams()
	return &a, nil
}

// dominantPrecision names the precision of the type holding most bytes.
func dominantPrecision(byType map[uint32]float64) Precision {
	var best uint32
	for t, n := range byType {
		if n > byType[best] || byType[best] == 0 {
			best = t
		}
	}
	switch best {
	case 0:
		return F32
	case 1:
		return FP16
	case 30:
		return BF16
	case 8, 9, 15, 24:
		return INT8
	case 39:
		return MXFP4
	}
	return INT4
}

// metadata reads typed values out of GGUF metadata.
type metadata map[string]any

func (m metadata) str(key string) string {
	s, _ := m[key].(string)
	return s
}

func (m metadata) int(key string) int {
	switch v := m[key].(type) {
	case uint8:
		return int(v)
	case int8:
		return int(v)
	case uint16:
		return int(v)
	case int16:
		return int(v)
	case uint32:
		return int(v)
	case int32:
		return int(v)
	case uint64:
		if v > math.MaxInt32 {
			return 0
		}
		return int(v)
	case int64:
		if v > math.MaxInt32 || v < 0 {
			return 0
		}
		return int(v)
	case []any: // per-layer arrays (some architectures): take the first
		if len(v) > 0 {
			return metadata{"x": v[0]}.int("x")
		}
	}
	return 0
}

// hfConfig is the part of a Hugging Face config.json the model needs.
type hfConfig struct {
	ModelType        string          `json:"model_type"`
	Name             string          `json:"_name_or_path"`
	Hidden           int             `json:"hidden_size"`
	Layers           int             `json:"num_hidden_layers"`
	Heads            int             `json:"num_attention_heads"`
	KVHeads          int             `json:"num_key_value_heads"`
	HeadDim          int             `json:"head_dim"`
	FFN              int             `json:"intermediate_size"`
	FFNMLP           int             `json:"intermediate_size_mlp"`
	Vocab            int             `json:"vocab_size"`
	MaxPos           int             `json:"max_position_embeddings"`
	Tied             bool            `json:"tie_word_embeddings"`
	Experts          int             `json:"num_local_experts"`
	Experts2         int             `json:"num_experts"`
	Routed           int             `json:"n_routed_experts"`
	ExpertsPerTok    int             `json:"num_experts_per_tok"`
	ExpertsPerTok2   int             `json:"experts_per_token"`
	MoEFFN           int             `json:"moe_intermediate_size"`
	Shared           int             `json:"n_shared_experts"`
	FirstDense       int             `json:"first_k_dense_replace"`
	InterleaveMoE    int             `json:"interleave_moe_layer_step"`
	QLoRA            int             `json:"q_lora_rank"`
	KVLoRA           int             `json:"kv_lora_rank"`
	QKNope           int             `json:"qk_nope_head_dim"`
	QKRope           int             `json:"qk_rope_head_dim"`
	VHead            int             `json:"v_head_dim"`
	Sliding          *int            `json:"sliding_window"`
	LayerTypes       []string        `json:"layer_types"`
	TorchDtype       string          `json:"torch_dtype"`
	Quant            *hfQuant        `json:"quantization_config"`
	TextConfig       json.RawMessage `json:"text_config"`
	NPositionsGPTJ   int             `json:"n_positions"`
	NEmbdGPTJ        int             `json:"n_embd"`
	NLayerGPTJ       int             `json:"n_layer"`
	NHeadGPTJ        int             `json:"n_head"`
	UseSlidingWindow *bool           `json:"use_sliding_window"`
}

type hfQuant struct {
	Method string `json:"quant_method"`
	Bits   int    `json:"bits"`
}

// FromHFConfig builds an architecture from a Hugging Face config.json; path
// names it in errors. Parameter counts are computed from the shapes.
func FromHFConfig(path string, data []byte) (*Arch, error) {
	var c hfConfig
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: not a config.json: %w", path, err)
	}
	if len(c.TextConfig) > 0 && c.Hidden == 0 { // multimodal wrappers (Llama 4)
		var t hfConfig
		if err := json.Unmarshal(c.TextConfig, &t); err != nil {
			return nil, fmt.Errorf("%s: text_config: %w", path, err)
		}
		t.TorchDtype, t.Quant = pick(t.TorchDtype, c.TorchDtype), pickQuant(t.Quant, c.Quant)
		c = t
	}
	if c.Hidden == 0 && c.NEmbdGPTJ > 0 { // GPT-J style names
		c.Hidden, c.Layers, c.Heads, c.MaxPos, c.FFN = c.NEmbdGPTJ, c.NLayerGPTJ, c.NHeadGPTJ, c.NPositionsGPTJ, 4*c.NEmbdGPTJ
	}
	a := Arch{Name: pick(c.Name, path), Family: c.ModelType, Source: "Hugging Face config.json " + path,
		Layers: c.Layers, Hidden: c.Hidden, Heads: c.Heads, KVHeads: c.KVHeads, HeadDim: c.HeadDim,
		FFN: c.FFN, Vocab: c.Vocab, MaxContext: c.MaxPos, TiedEmbeddings: c.Tied, NonGatedFFN: c.ModelType == "gptj",
		QLoRARank: c.QLoRA, KVLoRARank: c.KVLoRA, QKNopeDim: c.QKNope, QKRopeDim: c.QKRope, VHeadDim: c.VHead, KVCache: BF16}
	hfMoE(&a, &c)
	hfAttention(&a, &c)
	a.Weights, a.ExpertWeights = hfPrecision(&c)
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	a.ParamsTotal, a.ParamsActive = a.ComputedParams()
	return &a, nil
}

func hfMoE(a *Arch, c *hfConfig) {
	a.Experts = max(c.Experts, c.Experts2, c.Routed)
	a.ExpertsActive = max(c.ExpertsPerTok, c.ExpertsPerTok2)
	if a.Experts == 0 {
		return
	}
	a.ExpertFFN, a.SharedExperts = c.MoEFFN, c.Shared
	if a.ExpertFFN == 0 {
		a.ExpertFFN = c.FFN
	}
	if c.FFNMLP > 0 { // Llama 4: dense layers use intermediate_size_mlp, experts intermediate_size
		a.FFN, a.SharedExperts = c.FFNMLP, max(a.SharedExperts, 1)
	}
	switch {
	case c.FirstDense > 0:
		a.MoELayers = a.Layers - c.FirstDense
	case c.InterleaveMoE > 1:
		a.MoELayers = a.Layers / c.InterleaveMoE
	}
}

func hfAttention(a *Arch, c *hfConfig) {
	if a.KVHeads == 0 {
		a.KVHeads = a.Heads
	}
	if a.HeadDim == 0 && a.Heads > 0 {
		a.HeadDim = a.Hidden / a.Heads
	}
	if a.KVLoRARank > 0 {
		a.HeadDim = a.QKNopeDim + a.QKRopeDim
		a.KVHeads = a.Heads
	}
	if c.Sliding == nil || *c.Sliding == 0 || (c.UseSlidingWindow != nil && !*c.UseSlidingWindow) {
		return
	}
	a.SlidingWindow = *c.Sliding
	n := 0
	for _, t := range c.LayerTypes {
		if t == "sliding_attention" {
			n++
		}
	}
	if len(c.LayerTypes) == 0 {
		n = a.Layers // every layer slides (Mistral v0.1)
	}
	a.SlidingLayers = n
}

func hfPrecision(c *hfConfig) (w, experts Precision) {
	w = BF16
	if p, err := ParsePrecision(c.TorchDtype); err == nil && c.TorchDtype != "" {
		w = p
	}
	if c.Quant == nil {
		return w, ""
	}
	switch c.Quant.Method {
	case "fp8", "fbgemm_fp8", "compressed-tensors":
		return FP8, ""
	case "mxfp4":
		return w, MXFP4
	case "awq", "gptq", "bitsandbytes":
		if c.Quant.Bits == 8 {
			return INT8, ""
		}
		return INT4, ""
	}
	return w, ""
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func pickQuant(a, b *hfQuant) *hfQuant {
	if a != nil {
		return a
	}
	return b
}
