package modelarch

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/internal/gguf"
)

const hf = "https://huggingface.co/"

func src(repo string) string {
	return "config.json of " + hf + repo + " (shapes); parameter counts from its model card"
}

// catalog holds the built-in architectures. Weights are BF16 as published
// (FP8 for DeepSeek-V3, MXFP4 experts for gpt-oss), the KV cache BF16.
var catalog = []Arch{
	{Name: "llama-3.1-8b", Family: "llama-3", Source: src("meta-llama/Llama-3.1-8B"), ParamsTotal: 8.03e9, ParamsActive: 8.03e9,
		Layers: 32, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, Vocab: 128256, FFN: 14336, MaxContext: 131072},
	{Name: "llama-3.1-70b", Family: "llama-3", Source: src("meta-llama/Llama-3.1-70B"), ParamsTotal: 70.6e9, ParamsActive: 70.6e9,
		Layers: 80, Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, Vocab: 128256, FFN: 28672, MaxContext: 131072},
	{Name: "llama-3.3-70b", Family: "llama-3", Source: src("meta-llama/Llama-3.3-70B-Instruct"), ParamsTotal: 70.6e9, ParamsActive: 70.6e9,
		Layers: 80, Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, Vocab: 128256, FFN: 28672, MaxContext: 131072},
	{Name: "llama-3.1-405b", Family: "llama-3", Source: src("meta-llama/Llama-3.1-405B"), ParamsTotal: 405.9e9, ParamsActive: 405.9e9,
		Layers: 126, Hidden: 16384, Heads: 128, KVHeads: 8, HeadDim: 128, Vocab: 128256, FFN: 53248, MaxContext: 131072},
	{Name: "llama-2-7b", Family: "llama-2", Source: src("meta-llama/Llama-2-7b-hf"), ParamsTotal: 6.74e9, ParamsActive: 6.74e9,
		Layers: 32, Hidden: 4096, Heads: 32, KVHeads: 32, HeadDim: 128, Vocab: 32000, FFN: 11008, MaxContext: 4096},
	{Name: "llama-2-70b", Family: "llama-2", Source: src("meta-llama/Llama-2-70b-hf"), ParamsTotal: 69.0e9, ParamsActive: 69.0e9,
		Layers: 80, Hidden: 8192, Heads: 64, KVHeads: 8, HeadDim: 128, Vocab: 32000, FFN: 28672, MaxContext: 4096},
	{Name: "llama-4-scout", Family: "llama-4", Source: src("meta-llama/Llama-4-Scout-17B-16E"), ParamsTotal: 109e9, ParamsActive: 17e9,
		Layers: 48, Hidden: 5120, Heads: 40, KVHeads: 8, HeadDim: 128, Vocab: 202048, FFN: 16384,
		Experts: 16, ExpertsActive: 1, ExpertFFN: 8192, SharedExperts: 1, MaxContext: 10485760},
	{Name: "llama-4-maverick", Family: "llama-4", Source: src("meta-llama/Llama-4-Maverick-17B-128E") + " (MoE every second layer)", ParamsTotal: 400e9, ParamsActive: 17e9,
		Layers: 48, Hidden: 5120, Heads: 40, KVHeads: 8, HeadDim: 128, Vocab: 202048, FFN: 16384,
		Experts: 128, ExpertsActive: 1, ExpertFFN: 8192, SharedExperts: 1, MoELayers: 24, MaxContext: 1048576},
	{Name: "qwen3-8b", Family: "qwen3", Source: src("Qwen/Qwen3-8B"), ParamsTotal: 8.2e9, ParamsActive: 8.2e9,
		Layers: 36, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, Vocab: 151936, FFN: 12288, MaxContext: 40960},
	{Name: "qwen3-32b", Family: "qwen3", Source: src("Qwen/Qwen3-32B"), ParamsTotal: 32.8e9, ParamsActive: 32.8e9,
		Layers: 64, Hidden: 5120, Heads: 64, KVHeads: 8, HeadDim: 128, Vocab: 151936, FFN: 25600, MaxContext: 40960},
	{Name: "qwen3-30b-a3b", Family: "qwen3", Source: src("Qwen/Qwen3-30B-A3B"), ParamsTotal: 30.5e9, ParamsActive: 3.3e9,
		Layers: 48, Hidden: 2048, Heads: 32, KVHeads: 4, HeadDim: 128, Vocab: 151936, FFN: 6144,
		Experts: 128, ExpertsActive: 8, ExpertFFN: 768, MaxContext: 40960},
	{Name: "qwen3-235b-a22b", Family: "qwen3", Source: src("Qwen/Qwen3-235B-A22B"), ParamsTotal: 235e9, ParamsActive: 22e9,
		Layers: 94, Hidden: 4096, Heads: 64, KVHeads: 4, HeadDim: 128, Vocab: 151936, FFN: 12288,
		Experts: 128, ExpertsActive: 8, ExpertFFN: 1536, MaxContext: 40960},
	{Name: "gpt-oss-20b", Family: "gpt-oss", Source: src("openai/gpt-oss-20b") + "; MXFP4 experts, BF16 elsewhere", ParamsTotal: 20.9e9, ParamsActive: 3.6e9,
		Layers: 24, Hidden: 2880, Heads: 64, KVHeads: 8, HeadDim: 64, Vocab: 201088, FFN: 2880,
		Experts: 32, ExpertsActive: 4, ExpertFFN: 2880, SlidingWindow: 128, SlidingLayers: 12, MaxContext: 131072, ExpertWeights: MXFP4},
	{Name: "gpt-oss-120b", Family: "gpt-oss", Source: src("openai/gpt-oss-120b") + "; MXFP4 experts, BF16 elsewhere", ParamsTotal: 116.8e9, ParamsActive: 5.1e9,
		Layers: 36, Hidden: 2880, Heads: 64, KVHeads: 8, HeadDim: 64, Vocab: 201088, FFN: 2880,
		Experts: 128, ExpertsActive: 4, ExpertFFN: 2880, SlidingWindow: 128, SlidingLayers: 18, MaxContext: 131072, ExpertWeights: MXFP4},
	{Name: "mistral-7b", Family: "mistral", Source: src("mistralai/Mistral-7B-v0.3"), ParamsTotal: 7.25e9, ParamsActive: 7.25e9,
		Layers: 32, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, Vocab: 32768, FFN: 14336, MaxContext: 32768},
	{Name: "mixtral-8x7b", Family: "mistral", Source: src("mistralai/Mixtral-8x7B-v0.1"), ParamsTotal: 46.7e9, ParamsActive: 12.9e9,
		Layers: 32, Hidden: 4096, Heads: 32, KVHeads: 8, HeadDim: 128, Vocab: 32000, FFN: 14336,
		Experts: 8, ExpertsActive: 2, ExpertFFN: 14336, MaxContext: 32768},
	{Name: "mixtral-8x22b", Family: "mistral", Source: src("mistralai/Mixtral-8x22B-v0.1"), ParamsTotal: 141e9, ParamsActive: 39e9,
		Layers: 56, Hidden: 6144, Heads: 48, KVHeads: 8, HeadDim: 128, Vocab: 32768, FFN: 16384,
		Experts: 8, ExpertsActive: 2, ExpertFFN: 16384, MaxContext: 65536},
	{Name: "deepseek-v3", Family: "deepseek", Source: src("deepseek-ai/DeepSeek-V3") + " (first 3 layers dense; FP8 weights as released)", ParamsTotal: 671e9, ParamsActive: 37e9,
		Layers: 61, Hidden: 7168, Heads: 128, KVHeads: 128, HeadDim: 128, Vocab: 129280, FFN: 18432,
		Experts: 256, ExpertsActive: 8, ExpertFFN: 2048, SharedExperts: 1, MoELayers: 58,
		QLoRARank: 1536, KVLoRARank: 512, QKNopeDim: 128, QKRopeDim: 64, VHeadDim: 128, MaxContext: 163840, Weights: FP8},
	{Name: "gpt-j-6b", Family: "gpt-j", Source: src("EleutherAI/gpt-j-6b"), ParamsTotal: 6.05e9, ParamsActive: 6.05e9,
		Layers: 28, Hidden: 4096, Heads: 16, KVHeads: 16, HeadDim: 256, Vocab: 50400, FFN: 16384, NonGatedFFN: true, MaxContext: 2048},
}

// aliases maps other spellings (Ollama tags, Hugging Face repos) to catalog names.
var aliases = map[string]string{
	"llama3.1:8b": "llama-3.1-8b", "llama3.1": "llama-3.1-8b", "llama3:8b": "llama-3.1-8b", "llama3": "llama-3.1-8b",
	"llama3.1:70b": "llama-3.1-70b", "llama3.3:70b": "llama-3.3-70b", "llama3.3": "llama-3.3-70b", "llama3.1:405b": "llama-3.1-405b",
	"llama2": "llama-2-7b", "llama2:7b": "llama-2-7b", "llama2:70b": "llama-2-70b",
	"qwen3:8b": "qwen3-8b", "qwen3:32b": "qwen3-32b", "qwen3:30b": "qwen3-30b-a3b", "qwen3:235b": "qwen3-235b-a22b",
	"gpt-oss:20b": "gpt-oss-20b", "gpt-oss:120b": "gpt-oss-120b", "gpt-oss": "gpt-oss-20b",
	"mistral": "mistral-7b", "mistral:7b": "mistral-7b", "mixtral": "mixtral-8x7b", "mixtral:8x7b": "mixtral-8x7b", "mixtral:8x22b": "mixtral-8x22b",
	"deepseek-v3:671b": "deepseek-v3", "llama4:scout": "llama-4-scout", "llama4:maverick": "llama-4-maverick",
	"llama-4-scout-17b-16e": "llama-4-scout", "llama-4-maverick-17b-128e": "llama-4-maverick",
}

// Names lists the built-in architectures.
func Names() []string {
	out := make([]string, len(catalog))
	for i, a := range catalog {
		out[i] = a.Name
	}
	sort.Strings(out)
	return out
}

// normalize folds the spellings of a model name: case, an organisation
// prefix ("meta-llama/"), an instruction-tuning suffix, a "meta-" prefix.
func normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.LastIndex(s, "/"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ":latest")
	for _, suf := range []string{"-instruct", "-it", "-chat", "-hf", "-base", "-v0.1", "-v0.3"} {
		s = strings.TrimSuffix(s, suf)
	}
	s = strings.TrimPrefix(s, "meta-")
	return strings.ReplaceAll(s, "_", "-")
}

// Lookup finds a built-in architecture by name or alias ("llama-3.1-70b",
// "meta-llama/Llama-3.1-70B-Instruct", "llama3.1:70b"). A suffix
// "@fp8" (any precision) sets the weights' precision.
func Lookup(name string) (*Arch, error) {
	base, prec, _ := strings.Cut(name, "@")
	a, ok := find(normalize(base))
	if !ok {
		return nil, fmt.Errorf("unknown model %q (built-in: %s; or give a GGUF file or a Hugging Face config.json)", name, strings.Join(Names(), ", "))
	}
	if prec != "" {
		p, err := ParsePrecision(prec)
		if err != nil {
			return nil, fmt.Errorf("model %q: %w", name, err)
		}
		*a = a.WithPrecision(p, "")
	}
	return a, nil
}

// find is the built-in or generated architecture of a normalised name.
func find(n string) (*Arch, bool) {
	if a, ok := aliases[n]; ok {
		n = a
	}
	for i := range catalog {
		if catalog[i].Name == n {
			a := withDefaults(catalog[i])
			return &a, true
		}
	}
	return generated(n)
}

// generated is the architecture of a model tcobench generates for its
// tests and demo ("tcobench-small"), as the local Ollama serves it.
func generated(name string) (*Arch, bool) {
	for _, size := range gguf.Sizes() {
		c, err := gguf.Preset(size)
		if err != nil || c.Name != name {
			continue
		}
		a := Arch{Name: c.Name, Family: "tcobench-generated", Source: "tcobench's generated " + size + " model (internal/gguf preset, all tensors f32)",
			ParamsTotal: float64(c.Params()), ParamsActive: float64(c.Params()), Layers: c.Layers, Hidden: c.Embedding, Heads: c.Heads,
			KVHeads: c.HeadsKV, HeadDim: c.HeadDim(), Vocab: c.VocabSize(), FFN: c.FeedForward, MaxContext: c.Context,
			Weights: F32, KVCache: FP16, WeightBytesStated: 4 * float64(c.Params())}
		return &a, true
	}
	return nil, false
}

func withDefaults(a Arch) Arch {
	if a.Weights == "" {
		a.Weights = BF16
	}
	if a.KVCache == "" {
		a.KVCache = BF16
	}
	return a
}

// Load returns the architecture ref names: a GGUF file (*.gguf), a Hugging
// Face config.json (*.json), or a built-in name or alias.
func Load(ref string) (*Arch, error) {
	base, prec, _ := strings.Cut(ref, "@")
	var a *Arch
	var err error
	switch {
	case strings.HasSuffix(strings.ToLower(base), ".gguf"):
		a, err = FromGGUFFile(base)
	case strings.HasSuffix(strings.ToLower(base), ".json"):
		var data []byte
		if data, err = os.ReadFile(base); err != nil {
			return nil, fmt.Errorf("model config: %w", err)
		}
		a, err = FromHFConfig(base, data)
	default:
		return Lookup(ref)
	}
	if err != nil || prec == "" {
		return a, err
	}
	p, err := ParsePrecision(prec)
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", ref, err)
	}
	b := a.WithPrecision(p, "")
	return &b, nil
}
