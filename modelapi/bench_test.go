package modelapi

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// streamOf builds a response of n token chunks in the given format.
func streamOf(n int, sse bool) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		if sse {
			fmt.Fprintf(&b, "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d\"},\"finish_reason\":null}]}\n\n", i)
		} else {
			fmt.Fprintf(&b, "{\"model\":\"m\",\"created_at\":\"2026-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"tok%d\"},\"done\":false}\n", i)
		}
	}
	if sse {
		b.WriteString("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1000}}\n\ndata: [DONE]\n\n")
	} else {
		b.WriteString("{\"done\":true,\"eval_count\":1000,\"prompt_eval_count\":5}\n")
	}
	return b.Bytes()
}

// BenchmarkSSEStream measures parsing and recording of an OpenAI stream
// (reported as tokens/s on one core, network excluded).
func BenchmarkSSEStream(b *testing.B) {
	benchStream(b, true)
}

// BenchmarkNDJSONStream does the same for Ollama's JSON lines.
func BenchmarkNDJSONStream(b *testing.B) {
	benchStream(b, false)
}

func benchStream(b *testing.B, sse bool) {
	const n = 1000
	data := streamOf(n, sse)
	clk := NewClock(time.Now())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		a := &runrecord.Attempt{ChunkNS: make([]int64, 0, n), ChunkTokens: make([]int, 0, n)}
		if sse {
			s := openAIStream{chat: true}
			s.read(context.Background(), clk, newSSEReader(bytes.NewReader(data), DefaultMaxLineBytes), a)
		} else {
			s := ndjsonStream{}
			s.read(context.Background(), clk, newLineReader(bytes.NewReader(data), DefaultMaxLineBytes), a)
		}
		if !a.OK || a.Tokens.StreamOutput != n {
			b.Fatalf("ok=%v tokens=%d", a.OK, a.Tokens.StreamOutput)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tokens/s")
}
