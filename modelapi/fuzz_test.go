package modelapi

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

const fuzzMax = 256

// FuzzSSE feeds arbitrary bytes to the SSE reader and the OpenAI stream
// state machine: no panic, no event larger than the bound, and the attempt
// is always left ended and classified.
func FuzzSSE(f *testing.F) {
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n"))
	f.Add([]byte("event: error\ndata: {\"error\":{\"message\":\"x\"}}\n\n"))
	f.Add([]byte("error: {\"code\":500,\"message\":\"x\",\"type\":\"server_error\"}\n\ndata: [DONE]\n\n"))
	f.Add([]byte("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}\n\ndata: {\"choices\":[],\"usage\":{\"completion_tokens\":3},\"timings\":{\"prompt_n\":1,\"prompt_ms\":1.5}}\n\ndata: [DONE]\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := newSSEReader(bytes.NewReader(in), fuzzMax)
		for i := 0; i < 10000; i++ {
			_, data, err := r.next()
			if err != nil {
				break
			}
			if len(data) > fuzzMax+2 {
				t.Fatalf("event data %d bytes over the bound %d", len(data), fuzzMax)
			}
			checkFast(t, data, true) // the fast chunk path agrees with the full parser
			checkFast(t, data, false)
		}
		for _, chat := range []bool{true, false} {
			a := &runrecord.Attempt{}
			s := &openAIStream{chat: chat, keep: true}
			s.read(context.Background(), NewClock(time.Now()), newSSEReader(bytes.NewReader(in), fuzzMax), a)
			s.finish(a)
			checkEnded(t, a)
			if len(s.out) > len(in) {
				t.Fatalf("output %d bytes from %d bytes of input", len(s.out), len(in))
			}
		}
	})
}

// FuzzNDJSON does the same for Ollama's JSON-lines stream.
func FuzzNDJSON(f *testing.F) {
	f.Add([]byte("{\"message\":{\"content\":\"a\"},\"done\":false}\n{\"done\":true,\"eval_count\":1}\n"))
	f.Add([]byte("{\"error\":\"model not found\"}\n"))
	f.Add([]byte("{\"message\":{\"content\":\"\",\"tool_calls\":[{\"function\":{\"index\":0,\"name\":\"f\",\"arguments\":{\"a\":1}}}]},\"done\":false}\n{\"done\":true,\"eval_count\":3}\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := newLineReader(bytes.NewReader(in), fuzzMax)
		for i := 0; i < 10000; i++ {
			line, err := r.next()
			if len(line) > fuzzMax+2 {
				t.Fatalf("line %d bytes over the bound %d", len(line), fuzzMax)
			}
			if err != nil {
				break
			}
		}
		a := &runrecord.Attempt{}
		s := &ndjsonStream{keep: true}
		s.read(context.Background(), NewClock(time.Now()), newLineReader(bytes.NewReader(in), fuzzMax), a)
		s.tools.finish(a)
		checkEnded(t, a)
	})
}

func checkEnded(t *testing.T, a *runrecord.Attempt) {
	t.Helper()
	if a.EndNS == 0 {
		t.Fatal("attempt not ended")
	}
	if !a.OK && a.ErrorClass == "" {
		t.Fatal("failed attempt without an error class")
	}
	if len(a.ChunkNS) != len(a.ChunkTokens) || len(a.ChunkNS) != a.Tokens.StreamOutput {
		t.Fatalf("chunk arrays differ: %d times, %d counts, stream count %d", len(a.ChunkNS), len(a.ChunkTokens), a.Tokens.StreamOutput)
	}
	if !slices.IsSorted(a.ChunkNS) || len(a.ChunkNS) > 0 && a.FirstTokenNS != a.ChunkNS[0] {
		t.Fatalf("chunk times %v, first token %d", a.ChunkNS, a.FirstTokenNS)
	}
	if len(a.ToolCalls) > 0 && a.FirstToolCallNS == 0 {
		t.Fatal("tool calls without a first tool-call time")
	}
	for _, c := range a.ToolCalls {
		if len(c.Arguments) > runrecord.MaxToolArguments || len(c.Arguments) > c.ArgumentBytes {
			t.Fatalf("tool call kept %d argument bytes of %d", len(c.Arguments), c.ArgumentBytes)
		}
	}
}
