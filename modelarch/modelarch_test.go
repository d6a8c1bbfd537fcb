package modelarch

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/internal/gguf"
)

// TestCatalogParamsMatchPublished: the parameters computed from each
// entry's shapes are within 6 % of its model card's total and active counts.
func TestCatalogParamsMatchPublished(t *testing.T) {
	for _, name := range Names() {
		a, err := Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Validate(); err != nil {
			t.Fatal(err)
		}
		total, active := a.ComputedParams()
		if e := math.Abs(total/a.ParamsTotal - 1); e > 0.06 {
			t.Errorf("%s: computed %.3g parameters, published %.3g (%.1f %% off)", name, total, a.ParamsTotal, 100*e)
		}
		// Model cards differ on counting the embedding table as active: accept either.
		embed := float64(a.Vocab) * float64(a.Hidden)
		if e := math.Min(math.Abs(active/a.ParamsActive-1), math.Abs((active+embed)/a.ParamsActive-1)); e > 0.06 {
			t.Errorf("%s: computed %.3g active parameters, published %.3g (%.1f %% off)", name, active, a.ParamsActive, 100*e)
		}
		if a.Source == "" {
			t.Errorf("%s: no source", name)
		}
	}
}

func TestLookup(t *testing.T) {
	for in, want := range map[string]string{
		"llama-3.1-70b": "llama-3.1-70b", "meta-llama/Llama-3.1-70B-Instruct": "llama-3.1-70b", "llama3.1:70b": "llama-3.1-70b",
		"Qwen/Qwen3-235B-A22B": "qwen3-235b-a22b", "gpt-oss:120b": "gpt-oss-120b", "llama-3.1-8b@fp8": "llama-3.1-8b@fp8",
	} {
		a, err := Lookup(in)
		if err != nil || a.Name != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", in, a, err, want)
		}
	}
	a, _ := Lookup("llama-3.1-8b@fp8")
	if got := a.WeightBytes() / 1e9; math.Abs(got-8.03) > 0.3 {
		t.Errorf("llama-3.1-8b at fp8: %.2f GB of weights, want about 8.0", got)
	}
	if g, err := Lookup("tcobench-small"); err != nil || g.Layers != 2 || g.Weights != F32 {
		t.Errorf("generated model: %+v, %v", g, err)
	}
	// The precision suffix holds for a generated model too.
	if g, err := Lookup("tcobench-small@bf16"); err != nil || g.Weights != BF16 || g.Name != "tcobench-small@bf16" {
		t.Errorf("generated model at bf16: %+v, %v", g, err)
	}
	if _, err := Lookup("llama-9"); err == nil || !strings.Contains(err.Error(), `unknown model "llama-9" (built-in: `) {
		t.Errorf("unknown model: %v", err)
	}
	if _, err := Lookup("llama-3.1-8b@fp3"); err == nil || !strings.Contains(err.Error(), "unknown precision") {
		t.Errorf("bad precision: %v", err)
	}
}

// TestKVAndWeights checks sizes a reader can verify by hand.
func TestKVAndWeights(t *testing.T) {
	cases := []struct {
		name            string
		kvKB, weightsGB float64
	}{
		{"llama-3.1-8b", 2 * 32 * 8 * 128 * 2 / 1024.0, 16.06},   // 128 KiB per token
		{"llama-3.1-70b", 2 * 80 * 8 * 128 * 2 / 1024.0, 141.1},  // 320 KiB
		{"deepseek-v3", 61 * (512 + 64) * 1 / 1024.0 * 2, 671.0}, // MLA latent, fp8 weights (kv bf16)
		{"gpt-oss-120b", 2 * 36 * 8 * 64 * 2 / 1024.0, 63.0},     // mxfp4 experts
	}
	for _, c := range cases {
		a, _ := Lookup(c.name)
		if got := a.KVBytesPerToken() / 1024; math.Abs(got-c.kvKB) > 0.01*c.kvKB {
			t.Errorf("%s: KV %.1f KiB per token, want %.1f", c.name, got, c.kvKB)
		}
		if got := a.WeightBytes() / 1e9; math.Abs(got-c.weightsGB) > 0.05*c.weightsGB {
			t.Errorf("%s: weights %.1f GB, want %.1f", c.name, got, c.weightsGB)
		}
	}
}

func TestFromHFConfig(t *testing.T) {
	cases := []struct {
		file            string
		layers, experts int
		total, active   float64
		weights         Precision
		kvPerToken      float64
	}{
		{"llama-3.1-8b-config.json", 32, 0, 8.03e9, 8.03e9, BF16, 131072},
		{"qwen3-30b-a3b-config.json", 48, 128, 30.5e9, 3.3e9, BF16, 2 * 48 * 4 * 128 * 2},
		{"deepseek-v3-config.json", 61, 256, 671e9, 37e9, FP8, 61 * 576 * 2},
	}
	for _, c := range cases {
		path := filepath.Join("testdata", c.file)
		a, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if a.Layers != c.layers || a.Experts != c.experts || a.Weights != c.weights || a.KVBytesPerToken() != c.kvPerToken {
			t.Errorf("%s: %+v", c.file, a)
		}
		embed := float64(a.Vocab) * float64(a.Hidden)
		if math.Abs(a.ParamsTotal/c.total-1) > 0.06 || math.Min(math.Abs(a.ParamsActive/c.active-1), math.Abs((a.ParamsActive+embed)/c.active-1)) > 0.06 {
			t.Errorf("%s: %.3g total, %.3g active parameters; want %.3g, %.3g", c.file, a.ParamsTotal, a.ParamsActive, c.total, c.active)
		}
	}
	if _, err := FromHFConfig("x.json", []byte(`{"hidden_size": 0}`)); err == nil || !strings.Contains(err.Error(), "x.json: model x.json: layers must be positive") {
		t.Errorf("empty config: %v", err)
	}
	if _, err := FromHFConfig("x.json", []byte(`{`)); err == nil || !strings.Contains(err.Error(), "x.json: not a config.json") {
		t.Errorf("bad json: %v", err)
	}
}

// TestFromGGUF reads the generated small model: its shapes, and its
// weights' size from the tensor table (f32).
func TestFromGGUF(t *testing.T) {
	cfg, err := gguf.Preset("small")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "small.gguf")
	if err := gguf.WriteFile(path, cfg); err != nil {
		t.Fatal(err)
	}
	a, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if a.Layers != cfg.Layers || a.Hidden != cfg.Embedding || a.FFN != cfg.FeedForward || a.Heads != cfg.Heads || a.KVHeads != cfg.HeadsKV || a.HeadDim != cfg.HeadDim() || a.Weights != F32 {
		t.Errorf("small model read as %+v", a)
	}
	if want := float64(cfg.Params()) * 4; a.WeightBytes() != want {
		t.Errorf("weights %g bytes, want %g (f32 × %d parameters)", a.WeightBytes(), want, cfg.Params())
	}
	if math.Abs(a.ParamsTotal/float64(cfg.Params())-1) > 0.002 { // norms are not counted

		t.Errorf("parameters %g, want %d", a.ParamsTotal, cfg.Params())
	}
	bad := filepath.Join(t.TempDir(), "bad.gguf")
	if err := os.WriteFile(bad, []byte("GGUF\x03\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "bad.gguf") {
		t.Errorf("truncated file: %v", err)
	}
}
