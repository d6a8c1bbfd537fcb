package modelapi

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// sameChunk reports how two parses of one payload differ ("" when alike).
func sameChunk(a, b *openAIChunk) string {
	fields := []struct {
		name string
		x, y []byte
	}{{"content", a.content, b.content}, {"reasoning", a.reasoning, b.reasoning},
		{"finish", a.finish, b.finish}, {"err", a.err, b.err}, {"tools", a.tools, b.tools}, {"timings", a.timings, b.timings},
		{"id", a.id, b.id}}
	for _, f := range fields {
		if !bytes.Equal(f.x, f.y) {
			return fmt.Sprintf("%s: %q vs %q", f.name, f.x, f.y)
		}
	}
	if (a.err == nil) != (b.err == nil) { // an empty error string still fails the stream
		return fmt.Sprintf("err set: %v vs %v", a.err != nil, b.err != nil)
	}
	if a.usage != b.usage || a.hasUsage != b.hasUsage || a.known != b.known {
		return fmt.Sprintf("usage/known: %+v %v %v vs %+v %v %v", a.usage, a.hasUsage, a.known, b.usage, b.hasUsage, b.known)
	}
	return ""
}

// checkFast fails when the fast path accepts data but reads it differently
// from the full parser. It reports whether the fast path accepted.
func checkFast(t *testing.T, data []byte, chat bool) bool {
	t.Helper()
	var fast, full openAIChunk
	if !fastOpenAIChunk(data, chat, &fast) {
		if sameChunk(&fast, &openAIChunk{}) != "" {
			t.Fatalf("refused chunk left fields set: %q", data)
		}
		return false
	}
	fullOpenAIChunk(data, chat, &full)
	if d := sameChunk(&fast, &full); d != "" {
		t.Fatalf("fast path differs from the full parser (chat=%v) on %q: %s", chat, data, d)
	}
	return true
}

// TestFastChunkShapes: the shapes servers send take the fast path and read
// the same as the full parser; the rest are refused.
func TestFastChunkShapes(t *testing.T) {
	tests := []struct {
		name, data string
		chat, fast bool
	}{
		{"token", `{"id":"c","object":"chat.completion.chunk","created":0,"model":"m","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}`, true, true},
		{"spaced", `{"id": "c", "choices": [ {"index": 0, "delta": {"content": "a\"b"}, "logprobs": null, "finish_reason": null} ], "usage": null}`, true, true},
		{"role only", `{"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]}`, true, true},
		{"role and content", `{"choices":[{"delta":{"role":"assistant","content":"x"}}],"system_fingerprint":"fp"}`, true, true},
		{"reasoning", `{"choices":[{"delta":{"reasoning_content":"think","content":null}}]}`, true, true},
		{"reasoning alias", `{"choices":[{"delta":{"reasoning":"","reasoning_content":"r"}}]}`, true, true},
		{"finish", `{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`, true, true},
		{"completions", `{"choices":[{"text":"hi","index":0,"finish_reason":null}],"created":-1.5e3}`, false, true},
		{"completions delta", `{"choices":[{"delta":{"content":"x"}}]}`, false, false},
		{"error null", `{"error":null,"choices":[{"delta":{"content":"x"}}]}`, true, true},
		{"error", `{"error":{"message":"boom"}}`, true, false},
		{"usage", `{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":7}}`, true, false},
		{"two choices", `{"choices":[{"delta":{"content":"a"}},{"delta":{"content":"b"}}]}`, true, false},
		{"tool call", `{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}`, true, false},
		{"tool calls null", `{"choices":[{"delta":{"role":null,"content":"a","tool_calls":null}}],"usage":null}`, true, true},
		{"object error", `{"object":"error","message":"too long","code":400}`, true, false},
		{"object chunk", `{"object":"chat.completion.chunk","choices":[{"delta":{"content":"a"}}]}`, true, true},
		{"timings", `{"choices":[],"timings":{"prompt_n":3}}`, true, false},
		{"escaped key", `{"choices":[{"delta":{"con\u0074ent":"x"}}]}`, true, false},
		{"empty", `{}`, true, false},
		{"trailing", `{"choices":[]} x`, true, false},
		{"cut", `{"choices":[{"delta":{"content":"x"}}]`, true, false},
		{"bad literal", `{"choices":nul}`, true, false},
		{"done", `[DONE]`, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkFast(t, []byte(tt.data), tt.chat); got != tt.fast {
				t.Fatalf("fast path took it: %v, want %v", got, tt.fast)
			}
		})
	}
}

// TestFastChunkRandomShapes builds random chunks from the parts servers use
// (member order, whitespace, nulls, escapes, duplicate keys, the odd broken
// byte) and checks every one the fast path takes against the full parser.
func TestFastChunkRandomShapes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	taken := 0
	const n = 20000
	for i := 0; i < n; i++ {
		data := randomChunk(r)
		for _, chat := range []bool{true, false} {
			if checkFast(t, data, chat) {
				taken++
			}
		}
	}
	t.Logf("fast path took %d of %d", taken, 2*n)
	if taken < n/4 {
		t.Fatalf("fast path took only %d of %d chunks", taken, 2*n)
	}
}

var (
	chunkValues = []string{`null`, `"x"`, `""`, `"a\"b\\"`, `"\\"`, `"tok "`, `0`, `-12.5e+3`, `true`, `false`,
		`{}`, `[]`, `{"a":1}`, `nul`, `"\u00e9"`, `"error"`, `[{"index":0,"function":{"name":"f"}}]`}
	choiceKeys = []string{"index", "delta", "finish_reason", "text", "logprobs", "delta", "finish_reason"}
	deltaKeys  = []string{"content", "role", "reasoning_content", "reasoning", "content", "tool_calls"}
	topKeys    = []string{"id", "object", "created", "model", "choices", "usage", "error", "system_fingerprint", "choices", "timings"}
	spaces     = []string{"", "", "", " ", "\n", "\t ", "\r\n"}
)

func randomChunk(r *rand.Rand) []byte {
	var b strings.Builder
	ws := func() { b.WriteString(spaces[r.IntN(len(spaces))]) }
	obj := func(keys []string, val func(k string)) {
		b.WriteByte('{')
		for j, m := 0, r.IntN(5); j < m; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			ws()
			k := keys[r.IntN(len(keys))]
			fmt.Fprintf(&b, "%q", k)
			ws()
			b.WriteByte(':')
			ws()
			val(k)
			ws()
		}
		b.WriteByte('}')
	}
	scalar := func() { b.WriteString(chunkValues[r.IntN(len(chunkValues))]) }
	delta := func(string) { scalar() }
	choice := func(k string) {
		if k == "delta" && r.IntN(4) > 0 {
			obj(deltaKeys, delta)
			return
		}
		scalar()
	}
	ws()
	obj(topKeys, func(k string) {
		if k != "choices" || r.IntN(5) == 0 {
			scalar()
			return
		}
		b.WriteByte('[')
		for j, m := 0, r.IntN(3); j < m; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			ws()
			obj(choiceKeys, choice)
			ws()
		}
		b.WriteByte(']')
	})
	ws()
	out := []byte(b.String())
	if r.IntN(10) == 0 && len(out) > 0 { // a broken byte somewhere
		out[r.IntN(len(out))] = "{}[]\",: x\\"[r.IntN(10)]
	}
	return out
}

// FuzzOpenAIChunkFast: whatever the fast path accepts, it reads exactly as
// the full parser does.
func FuzzOpenAIChunkFast(f *testing.F) {
	f.Add([]byte(`{"id":"c","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}`), true)
	f.Add([]byte(`{"choices":[{"delta":{"reasoning_content":"r"}}],"usage":null}`), true)
	f.Add([]byte(`{"choices":[{"text":"x","finish_reason":"stop"}]}`), false)
	f.Add([]byte(`{"choices":[],"usage":{"prompt_tokens":1}}`), true)
	f.Fuzz(func(t *testing.T, data []byte, chat bool) {
		checkFast(t, data, chat)
	})
}

// BenchmarkOpenAIChunk compares the two parsers on the fake server's token
// chunk (ns per chunk).
func BenchmarkOpenAIChunk(b *testing.B) {
	data := []byte(`{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":0,"model":"fake","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}`)
	for _, p := range []struct {
		name  string
		parse func([]byte, bool, *openAIChunk)
	}{{"fast", parseOpenAIChunk}, {"full", fullOpenAIChunk}} {
		b.Run(p.name, func(b *testing.B) {
			var c openAIChunk
			for b.Loop() {
				c = openAIChunk{}
				p.parse(data, true, &c)
				if len(c.content) == 0 {
					b.Fatal("no content")
				}
			}
		})
	}
}
