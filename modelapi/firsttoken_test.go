package modelapi

import (
	"slices"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// Each event is applied at a stamped time (a fake clock): a role-only chunk
// is no token; the first token is the first of any kind (reasoning
// included), the first content token is kept beside it; every token-bearing
// chunk is stamped; the usage report's count is kept beside the stream's.
func TestFirstTokenStampsOpenAI(t *testing.T) {
	events := []struct {
		at   int64
		data string
	}{
		{10, `{"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`},
		{20, `{"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}`},
		{30, `{"choices":[{"index":0,"delta":{"content":"Hi"}}]}`},
		{40, `{"choices":[{"index":0,"delta":{"content":" there"}}]}`},
		{50, `{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`},
		{60, `{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":4,"completion_tokens_details":{"reasoning_tokens":1}}}`},
	}
	a := &runrecord.Attempt{}
	s := &openAIStream{chat: true}
	for _, ev := range events {
		if msg, class := s.event([]byte(ev.data), ev.at, a); class != "" {
			t.Fatalf("event at %d: %s %s", ev.at, class, msg)
		}
	}
	finishTokens(a, &Request{}, s.usage)
	if a.FirstTokenNS != 20 || a.FirstContentNS != 30 || !slices.Equal(a.ChunkNS, []int64{20, 30, 40}) {
		t.Fatalf("first token %d, first content %d, chunks %v: want 20, 30, [20 30 40]", a.FirstTokenNS, a.FirstContentNS, a.ChunkNS)
	}
	tk := a.Tokens
	if tk.Source != runrecord.TokensFromUsage || tk.Output != 4 || tk.StreamOutput != 3 || tk.Reasoning != 1 || tk.Input != 5 {
		t.Fatalf("tokens %+v: want usage's 5 in, 4 out (1 reasoning) beside the stream's 3", tk)
	}
}

// Without a usage report the stream's count is used and marked estimated,
// and the input is estimated from the prompt text.
func TestTokensEstimatedWithoutUsage(t *testing.T) {
	a := &runrecord.Attempt{}
	a.Tokens.StreamOutput = 7
	req := &Request{Messages: []Message{{Role: "user", Content: "0123456789abcdef"}}}
	finishTokens(a, req, nil)
	if a.Tokens.Source != runrecord.TokensEstimated || a.Tokens.Output != 7 || a.Tokens.Input != 4 {
		t.Fatalf("tokens %+v: want estimated, 7 out, 16 chars ≈ 4 in", a.Tokens)
	}
}
