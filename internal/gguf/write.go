package gguf

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// Magic is the first four bytes of every GGUF file.
const Magic = "GGUF"

// Version is the GGUF format version written.
const Version = 3

// Alignment is general.alignment: tensor data starts at multiples of it.
const Alignment = 32

// Metadata value types of the GGUF format.
const (
	TypeUint8   uint32 = 0
	TypeInt8    uint32 = 1
	TypeUint16  uint32 = 2
	TypeInt16   uint32 = 3
	TypeUint32  uint32 = 4
	TypeInt32   uint32 = 5
	TypeFloat32 uint32 = 6
	TypeBool    uint32 = 7
	TypeString  uint32 = 8
	TypeArray   uint32 = 9
	TypeUint64  uint32 = 10
	TypeInt64   uint32 = 11
	TypeFloat64 uint32 = 12
)

// GGMLTypeF32 is the tensor type of every tensor written.
const GGMLTypeF32 uint32 = 0

// tensorSpec is one tensor to write: name, dims in GGML order (inner first),
// and how its values are drawn.
type tensorSpec struct {
	name  string
	dims  []uint64
	ones  bool    // norm weights: all 1.0
	scale float32 // otherwise uniform in [-scale, scale]
	fix   func(vals []float32)
}

// The model never ends a reply by itself, so that output length equals the
// requested token limit: residual dimension 0 carries a constant (set in every
// token embedding, written by no layer), and the output row of </s> weighs it
// strongly negative. After the final RMS norm that dimension is always
// positive, so the </s> logit stays far below every other.
const (
	eosDim     = 0
	eosConst   = 10
	eosPenalty = -100
)

// setConst sets dimension eosDim of every token embedding to eosConst.
func setConst(e int) func([]float32) {
	return func(v []float32) {
		for i := eosDim; i < len(v); i += e {
			v[i] = eosConst
		}
	}
}

// zeroOutput zeroes the weights that write to residual dimension eosDim of a
// matrix with `in` inputs (GGML order: inputs are the inner dimension).
func zeroOutput(in int) func([]float32) {
	return func(v []float32) {
		clear(v[eosDim*in : (eosDim+1)*in])
	}
}

// outputFix makes every token's logit ignore dimension eosDim, except </s>,
// which it pushes down.
func outputFix(e int) func([]float32) {
	return func(v []float32) {
		for t := 0; t < len(v)/e; t++ {
			v[t*e+eosDim] = 0
		}
		v[eosID*e+eosDim] = eosPenalty
	}
}

func (t tensorSpec) elems() int64 {
	n := int64(1)
	for _, d := range t.dims {
		n *= int64(d)
	}
	return n
}

func (c Config) tensors() []tensorSpec {
	e, ff, v := uint64(c.Embedding), uint64(c.FeedForward), uint64(len(vocabulary()))
	kv := uint64(c.HeadDim() * c.HeadsKV)
	sE := float32(1 / math.Sqrt(float64(e)))
	sF := float32(1 / math.Sqrt(float64(ff)))
	ts := []tensorSpec{
		{name: "token_embd.weight", dims: []uint64{e, v}, scale: 1, fix: setConst(c.Embedding)},
		{name: "output_norm.weight", dims: []uint64{e}, ones: true},
		{name: "output.weight", dims: []uint64{e, v}, scale: sE, fix: outputFix(c.Embedding)},
	}
	for i := 0; i < c.Layers; i++ {
		p := fmt.Sprintf("blk.%d.", i)
		ts = append(ts,
			tensorSpec{name: p + "attn_norm.weight", dims: []uint64{e}, ones: true},
			tensorSpec{name: p + "attn_q.weight", dims: []uint64{e, e}, scale: sE},
			tensorSpec{name: p + "attn_k.weight", dims: []uint64{e, kv}, scale: sE},
			tensorSpec{name: p + "attn_v.weight", dims: []uint64{e, kv}, scale: sE},
			tensorSpec{name: p + "attn_output.weight", dims: []uint64{e, e}, scale: sE, fix: zeroOutput(c.Embedding)},
			tensorSpec{name: p + "ffn_norm.weight", dims: []uint64{e}, ones: true},
			tensorSpec{name: p + "ffn_gate.weight", dims: []uint64{e, ff}, scale: sE},
			tensorSpec{name: p + "ffn_up.weight", dims: []uint64{e, ff}, scale: sE},
			tensorSpec{name: p + "ffn_down.weight", dims: []uint64{ff, e}, scale: sF, fix: zeroOutput(c.FeedForward)},
		)
	}
	return ts
}

// kv is one metadata entry; val is one of uint32, int32, float32, bool,
// string, []string, []float32, []int32.
type kv struct {
	key string
	val any
}

func (c Config) metadata() []kv {
	toks := vocabulary()
	texts := make([]string, len(toks))
	scores := make([]float32, len(toks))
	types := make([]int32, len(toks))
	for i, t := range toks {
		texts[i], scores[i], types[i] = t.text, t.score, t.typ
	}
	return []kv{
		{"general.architecture", "llama"},
		{"general.name", c.Name},
		{"general.alignment", uint32(Alignment)},
		{"general.file_type", uint32(0)}, // all f32
		{"llama.context_length", uint32(c.Context)},
		{"llama.embedding_length", uint32(c.Embedding)},
		{"llama.block_count", uint32(c.Layers)},
		{"llama.feed_forward_length", uint32(c.FeedForward)},
		{"llama.attention.head_count", uint32(c.Heads)},
		{"llama.attention.head_count_kv", uint32(c.HeadsKV)},
		{"llama.rope.dimension_count", uint32(c.HeadDim())},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.vocab_size", uint32(len(toks))},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", texts},
		{"tokenizer.ggml.scores", scores},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.bos_token_id", uint32(bosID)},
		{"tokenizer.ggml.eos_token_id", uint32(eosID)},
		{"tokenizer.ggml.unknown_token_id", uint32(unkID)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
	}
}

// Write writes the model described by c to w as a GGUF v3 file.
func Write(w io.Writer, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	e := &enc{w: bw}
	ts := c.tensors()
	md := c.metadata()
	e.raw([]byte(Magic))
	e.u32(Version)
	e.u64(uint64(len(ts)))
	e.u64(uint64(len(md)))
	for _, m := range md {
		e.str(m.key)
		e.value(m.val)
	}
	var off uint64
	for _, t := range ts {
		e.str(t.name)
		e.u32(uint32(len(t.dims)))
		for _, d := range t.dims {
			e.u64(d)
		}
		e.u32(GGMLTypeF32)
		e.u64(off)
		off = align(off + uint64(t.elems())*4)
	}
	e.pad()
	rng := rand.New(rand.NewPCG(c.Seed, 0x7463_6f62_656e_6368)) // "tcobench"
	for _, t := range ts {
		vals := make([]float32, t.elems())
		for i := range vals {
			vals[i] = 1
			if !t.ones {
				vals[i] = (rng.Float32()*2 - 1) * t.scale
			}
		}
		if t.fix != nil {
			t.fix(vals)
		}
		buf := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		e.raw(buf)
		e.pad()
	}
	if e.err != nil {
		return fmt.Errorf("write gguf: %w", e.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write gguf: %w", err)
	}
	return nil
}

// WriteFile writes the model to path atomically (a temporary file in the same
// directory, then a rename), so readers never see a partial file.
func WriteFile(path string, c Config) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".gguf-*")
	if err != nil {
		return fmt.Errorf("write gguf: %w", err)
	}
	defer os.Remove(f.Name())
	if err := Write(f, c); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write gguf: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write gguf: %w", err)
	}
	return nil
}

func align(n uint64) uint64 { return (n + Alignment - 1) / Alignment * Alignment }

// enc writes little-endian GGUF values, keeping the first error.
type enc struct {
	w   io.Writer
	n   uint64
	err error
}

func (e *enc) raw(b []byte) {
	if e.err != nil {
		return
	}
	var k int
	k, e.err = e.w.Write(b)
	e.n += uint64(k)
}

func (e *enc) u32(v uint32) { e.raw(binary.LittleEndian.AppendUint32(nil, v)) }
func (e *enc) u64(v uint64) { e.raw(binary.LittleEndian.AppendUint64(nil, v)) }
func (e *enc) str(s string) { e.u64(uint64(len(s))); e.raw([]byte(s)) }
func (e *enc) pad()         { e.raw(make([]byte, align(e.n)-e.n)) }

func (e *enc) value(v any) {
	switch x := v.(type) {
	case uint32:
		e.u32(TypeUint32)
		e.u32(x)
	case int32:
		e.u32(TypeInt32)
		e.u32(uint32(x))
	case float32:
		e.u32(TypeFloat32)
		e.u32(math.Float32bits(x))
	case bool:
		e.u32(TypeBool)
		b := byte(0)
		if x {
			b = 1
		}
		e.raw([]byte{b})
	case string:
		e.u32(TypeString)
		e.str(x)
	case []string:
		e.arrayHead(TypeString, len(x))
		for _, s := range x {
			e.str(s)
		}
	case []float32:
		e.arrayHead(TypeFloat32, len(x))
		for _, f := range x {
			e.u32(math.Float32bits(f))
		}
	case []int32:
		e.arrayHead(TypeInt32, len(x))
		for _, n := range x {
			e.u32(uint32(n))
		}
	default:
		e.err = fmt.Errorf("unsupported metadata type %T", v)
	}
}

func (e *enc) arrayHead(elem uint32, n int) {
	e.u32(TypeArray)
	e.u32(elem)
	e.u64(uint64(n))
}
