package gguf

import (
	"bytes"
	"testing"
)

// FuzzRead checks that no input makes the reader panic or allocate without bound.
func FuzzRead(f *testing.F) {
	c := Config{Name: "fuzz", Layers: 1, Embedding: 8, FeedForward: 8, Heads: 2, HeadsKV: 2, Context: 16, Seed: 1}
	var b bytes.Buffer
	if err := Write(&b, c); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes()[:2048])
	f.Add([]byte("GGUF\x03\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Read(bytes.NewReader(data))
	})
}
