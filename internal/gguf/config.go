package gguf

import (
	"fmt"
	"sort"
	"strings"
)

// Config describes the model a Writer produces. Equal configs give
// byte-identical files.
type Config struct {
	Name        string // general.name
	Layers      int    // llama.block_count
	Embedding   int    // llama.embedding_length
	FeedForward int    // llama.feed_forward_length
	Heads       int    // llama.attention.head_count
	HeadsKV     int    // llama.attention.head_count_kv
	Context     int    // llama.context_length, in tokens
	Seed        uint64 // seeds the random weights
}

// presets are the named sizes. Timings for "small" are in docs/local-server.md.
var presets = map[string]Config{
	// tiny: about 0.7 MB, for fast tests.
	"tiny": {Name: "tcobench-tiny", Layers: 2, Embedding: 48, FeedForward: 128, Heads: 3, HeadsKV: 3, Context: 8192, Seed: 1},
	// small: a 1,000-token prompt plus 64 output tokens takes about a second on one core.
	"small": {Name: "tcobench-small", Layers: 2, Embedding: 128, FeedForward: 256, Heads: 4, HeadsKV: 4, Context: 8192, Seed: 2},
}

// Sizes lists the preset names, sorted.
func Sizes() []string {
	out := make([]string, 0, len(presets))
	for k := range presets {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Preset returns the config of a named size ("tiny", "small").
func Preset(size string) (Config, error) {
	c, ok := presets[size]
	if !ok {
		return Config{}, fmt.Errorf("unknown model size %q (want one of %s)", size, strings.Join(Sizes(), ", "))
	}
	return c, nil
}

// Validate reports a config the server could not load.
func (c Config) Validate() error {
	switch {
	case c.Layers < 1, c.Embedding < 1, c.FeedForward < 1, c.Heads < 1, c.HeadsKV < 1, c.Context < 1:
		return fmt.Errorf("gguf config %q: layers, embedding, feed-forward, heads, kv heads and context must be positive", c.Name)
	case c.Embedding%c.Heads != 0:
		return fmt.Errorf("gguf config %q: embedding %d is not a multiple of heads %d", c.Name, c.Embedding, c.Heads)
	case c.Heads%c.HeadsKV != 0:
		return fmt.Errorf("gguf config %q: heads %d is not a multiple of kv heads %d", c.Name, c.Heads, c.HeadsKV)
	case (c.Embedding/c.Heads)%2 != 0:
		return fmt.Errorf("gguf config %q: head dimension %d must be even for RoPE", c.Name, c.Embedding/c.Heads)
	}
	return nil
}

// HeadDim is the size of one attention head.
func (c Config) HeadDim() int { return c.Embedding / c.Heads }

// Params is the number of weights in the model.
func (c Config) Params() int64 {
	var n int64
	for _, t := range c.tensors() {
		n += t.elems()
	}
	return n
}

// VocabSize is the number of tokens of the generated vocabulary.
func (c Config) VocabSize() int { return len(vocabulary()) }
