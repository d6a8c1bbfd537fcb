package gguf

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"testing"
)

func write(t testing.TB, c Config) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, size := range Sizes() {
		t.Run(size, func(t *testing.T) {
			c, err := Preset(size)
			if err != nil {
				t.Fatal(err)
			}
			data := write(t, c)
			f, err := Read(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			checkMetadata(t, f, c)
			checkTensors(t, f, c, data)
		})
	}
}

func checkMetadata(t *testing.T, f *File, c Config) {
	t.Helper()
	want := map[string]any{
		"general.architecture":          "llama",
		"general.name":                  c.Name,
		"llama.block_count":             uint32(c.Layers),
		"llama.embedding_length":        uint32(c.Embedding),
		"llama.feed_forward_length":     uint32(c.FeedForward),
		"llama.attention.head_count":    uint32(c.Heads),
		"llama.attention.head_count_kv": uint32(c.HeadsKV),
		"llama.context_length":          uint32(c.Context),
		"tokenizer.ggml.model":          "llama",
		"tokenizer.ggml.eos_token_id":   uint32(eosID),
		"tokenizer.ggml.add_bos_token":  true,
	}
	for k, v := range want {
		if got := f.Metadata[k]; got != v {
			t.Errorf("%s = %v (%T), want %v (%T)", k, got, got, v, v)
		}
	}
	toks, ok := f.Metadata["tokenizer.ggml.tokens"].([]any)
	if !ok || len(toks) != len(vocabulary()) {
		t.Fatalf("tokens: got %d, want %d", len(toks), len(vocabulary()))
	}
	seen := map[string]bool{}
	for i, tok := range toks {
		s := tok.(string)
		if seen[s] {
			t.Fatalf("token %d %q is a duplicate: the server would abort on load", i, s)
		}
		seen[s] = true
	}
	if len(f.Metadata["tokenizer.ggml.scores"].([]any)) != len(toks) || len(f.Metadata["tokenizer.ggml.token_type"].([]any)) != len(toks) {
		t.Error("scores and token types must have one entry per token")
	}
}

func checkTensors(t *testing.T, f *File, c Config, data []byte) {
	t.Helper()
	specs := c.tensors()
	if len(f.Tensors) != len(specs) {
		t.Fatalf("got %d tensors, want %d", len(f.Tensors), len(specs))
	}
	end := int64(0)
	for i, s := range specs {
		ti := f.Tensors[i]
		if ti.Name != s.name || ti.Elems() != uint64(s.elems()) || ti.Offset%Alignment != 0 {
			t.Fatalf("tensor %d: got %s %v at %d, want %s %v aligned", i, ti.Name, ti.Dims, ti.Offset, s.name, s.dims)
		}
		vals, err := f.ReadF32(bytes.NewReader(data), ti)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			special := v == eosConst || v == eosPenalty
			if s.ones && v != 1 || !s.ones && !special && float32(math.Abs(float64(v))) > s.scale {
				t.Fatalf("tensor %s: value %v outside its range", s.name, v)
			}
		}
		end = f.DataOffset + int64(ti.Offset) + int64(len(vals))*4
	}
	if pad := int64(len(data)) - end; pad < 0 || pad >= Alignment {
		t.Errorf("file is %d bytes, last tensor ends at %d", len(data), end)
	}
	if got, want := uint64(c.Params()), sumElems(f); got != want {
		t.Errorf("Params() = %d, tensors hold %d", got, want)
	}
}

func sumElems(f *File) uint64 {
	var n uint64
	for _, t := range f.Tensors {
		n += t.Elems()
	}
	return n
}

func TestDeterministic(t *testing.T) {
	c, _ := Preset("tiny")
	a, b := sha256.Sum256(write(t, c)), sha256.Sum256(write(t, c))
	if a != b {
		t.Fatal("two writes of the same config differ")
	}
	c.Seed++
	if sha256.Sum256(write(t, c)) == a {
		t.Fatal("a different seed gave the same file")
	}
}

func TestTinyIsUnderOneMB(t *testing.T) {
	c, _ := Preset("tiny")
	if n := len(write(t, c)); n >= 1<<20 {
		t.Fatalf("tiny model is %d bytes, want under 1 MiB", n)
	}
}

func TestPresetAndValidate(t *testing.T) {
	if _, err := Preset("huge"); err == nil {
		t.Fatal("Preset(huge): want an error")
	}
	tiny, _ := Preset("tiny")
	bad := []func(*Config){
		func(c *Config) { c.Layers = 0 },
		func(c *Config) { c.Heads = 5 },
		func(c *Config) { c.HeadsKV = 2 },
		func(c *Config) { c.Embedding, c.Heads, c.HeadsKV = 12, 4, 4 },
	}
	for i, mut := range bad {
		c := tiny
		mut(&c)
		if err := Write(&bytes.Buffer{}, c); err == nil {
			t.Errorf("case %d: want a validation error for %+v", i, c)
		}
	}
}

func TestReadRejectsBadInput(t *testing.T) {
	c, _ := Preset("tiny")
	data := write(t, c)
	cases := map[string][]byte{
		"empty":       nil,
		"bad magic":   append([]byte("GGUX"), data[4:]...),
		"version 2":   append(append([]byte("GGUF"), 2, 0, 0, 0), data[8:]...),
		"truncated":   data[:200],
		"huge counts": append([]byte("GGUF\x03\x00\x00\x00"), bytes.Repeat([]byte{0xff}, 16)...),
	}
	for name, in := range cases {
		if _, err := Read(bytes.NewReader(in)); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func BenchmarkWriteSmall(b *testing.B) {
	c, _ := Preset("small")
	b.ReportMetric(float64(c.Params()), "params")
	for b.Loop() {
		if err := Write(&bytes.Buffer{}, c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNoEOS checks the weights that keep </s> from being sampled.
func TestNoEOS(t *testing.T) {
	c, _ := Preset("tiny")
	data := write(t, c)
	f, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	get := func(name string) []float32 {
		ti, ok := f.Tensor(name)
		if !ok {
			t.Fatalf("no tensor %s", name)
		}
		v, err := f.ReadF32(bytes.NewReader(data), ti)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	e := c.Embedding
	emb, out := get("token_embd.weight"), get("output.weight")
	for tok := 0; tok < len(emb)/e; tok++ {
		want := float32(0)
		if tok == eosID {
			want = eosPenalty
		}
		if emb[tok*e+eosDim] != eosConst || out[tok*e+eosDim] != want {
			t.Fatalf("token %d: embedding dim %d = %v, output weight = %v", tok, eosDim, emb[tok*e+eosDim], out[tok*e+eosDim])
		}
	}
	for l := 0; l < c.Layers; l++ {
		for name, in := range map[string]int{"attn_output": e, "ffn_down": c.FeedForward} {
			v := get(fmt.Sprintf("blk.%d.%s.weight", l, name))
			for i := 0; i < in; i++ {
				if v[eosDim*in+i] != 0 {
					t.Fatalf("blk.%d.%s writes to dimension %d", l, name, eosDim)
				}
			}
		}
	}
}
