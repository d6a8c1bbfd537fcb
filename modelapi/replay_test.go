package modelapi

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// replay serves body on loopback as a server would stream it: one write
// and flush per event (SSE) or line (JSON lines), a little apart, so that
// every event has its own arrival time.
func replay(t *testing.T, body []byte, contentType string, status int) string {
	t.Helper()
	sep := "\n\n"
	if !strings.Contains(contentType, "event-stream") {
		sep = "\n"
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		for _, part := range strings.SplitAfter(string(body), sep) {
			_, _ = io.WriteString(w, part)
			w.(http.Flusher).Flush()
			time.Sleep(2 * time.Millisecond)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// streamCase is one fixture replayed and the figures it must record.
type streamCase struct {
	file, kind, contentType string
	status                  int
	ok                      bool
	class                   string
	chunks, stream, output  int
	reasoning               int
	finish                  string
	tools                   []runrecord.ToolCall // Index, Name, ArgumentBytes, Arguments checked
	serverPromptTok         int                  // 0: no server timings expected
}

const sse, ndjson = "text/event-stream", "application/x-ndjson"

var weather = []runrecord.ToolCall{{Name: "get_weather", ArgumentBytes: 36, Arguments: `{"city": "Paris", "unit": "celsius"}`}}
var weatherCompact = []runrecord.ToolCall{{Name: "get_weather", ArgumentBytes: 33, Arguments: `{"city":"Paris","unit":"celsius"}`}}

// streamCases are the fixtures written from each server's serializer
// (testdata/streams/*/README.md names the source of each).
var streamCases = []streamCase{
	// vLLM: hermes tool parser; a tool-call-only turn, content ending in the
	// end-of-sequence token, an error event mid-stream.
	{file: "vllm-5e91864/tool_call.sse", ok: true, chunks: 14, stream: 14, output: 27, finish: "tool_calls", tools: weather},
	{file: "vllm-5e91864/content_eos.sse", ok: true, chunks: 6, stream: 6, output: 6, finish: "stop"},
	{file: "vllm-5e91864/error_midstream.sse", class: runrecord.ErrStreamError, chunks: 1, stream: 1},
	// SGLang: tool call, reasoning with usage's top-level reasoning_tokens,
	// an error as the first event of an HTTP 200 stream.
	{file: "sglang-004c82e/tool_call.sse", ok: true, chunks: 6, stream: 6, output: 24, finish: "tool_calls", tools: weather},
	{file: "sglang-004c82e/reasoning.sse", ok: true, chunks: 10, stream: 10, output: 12, reasoning: 7, finish: "stop"},
	{file: "sglang-0c078e6/error_http200.sse", class: runrecord.ErrStreamError},
	// TGI 3.x: grammar tool call (no finish_reason), content whose last
	// token is the end-of-sequence token streamed as empty content.
	{file: "tgi-3.x-03fe626/tool_call.sse", ok: true, chunks: 14, stream: 14, output: 33,
		tools: []runrecord.ToolCall{{Name: "get_weather", ArgumentBytes: 37, Arguments: `{ "city": "Paris", "unit": "celsius"}`}}},
	{file: "tgi-3.x-03fe626/content_eos.sse", ok: true, chunks: 6, stream: 6, output: 6, finish: "stop"},
	// llama.cpp now: tool call diffs with timings in the last chunk, content
	// ending in an empty finish delta, an error object mid-stream.
	{file: "llamacpp-17f5f8a/tool_call.sse", ok: true, chunks: 6, stream: 6, output: 27, finish: "tool_calls", tools: weatherCompact, serverPromptTok: 312},
	{file: "llamacpp-17f5f8a/content_eos.sse", ok: true, chunks: 6, stream: 6, output: 6, finish: "stop", serverPromptTok: 40},
	{file: "llamacpp-17f5f8a/error_midstream.sse", class: runrecord.ErrStreamError, chunks: 1, stream: 1},
	// llama.cpp early 2025: errors as "error:" lines, then data: [DONE].
	{file: "llamacpp-03d4bcc/error_line_midstream.sse", class: runrecord.ErrStreamError, chunks: 2, stream: 2},
	{file: "llamacpp-03d4bcc/error_line_prompt_too_long.sse", class: runrecord.ErrStreamError},
	// Ollama v0.17.4: native and OpenAI-compatible tool-call turns.
	{file: "ollama-v0.17.4/tool_call.ndjson", kind: KindOllama, contentType: ndjson, ok: true, chunks: 1, stream: 1, output: 26, finish: "stop", tools: weatherCompact, serverPromptTok: 212},
	{file: "ollama-v0.17.4/tool_call_compat.sse", ok: true, chunks: 1, stream: 1, output: 26, finish: "tool_calls", tools: weatherCompact},
}

// TestServerStreams replays every fixture on loopback through the backend
// and checks the recorded attempt: a tool-call-only turn has a TTFT (its
// first tool-call delta), chunk times and the call; every error form is a
// stream error; the end-of-sequence token is counted; llama.cpp's timings
// and SGLang's reasoning tokens are read.
func TestServerStreams(t *testing.T) {
	for _, c := range streamCases {
		t.Run(c.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata/streams", c.file))
			if err != nil {
				t.Fatal(err)
			}
			kind, ctype, status := c.kind, c.contentType, c.status
			kind = cmpOr(kind, KindOpenAIChat)
			ctype = cmpOr(ctype, sse)
			if status == 0 {
				status = http.StatusOK
			}
			a := doOnce(t, kind, replay(t, body, ctype, status))
			checkStream(t, c, a)
		})
	}
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func doOnce(t *testing.T, kind, url string) *runrecord.Attempt {
	t.Helper()
	b, err := New(Target{URL: url, API: kind}, Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	a := &runrecord.Attempt{}
	b.Do(context.Background(), NewClock(time.Now()), &Request{Model: "m", Messages: []Message{{Role: "user", Content: "weather in Paris?"}}}, a)
	return a
}

func checkStream(t *testing.T, c streamCase, a *runrecord.Attempt) {
	t.Helper()
	if a.OK != c.ok || a.ErrorClass != c.class {
		t.Fatalf("ok %v class %q (%s), want ok %v class %q", a.OK, a.ErrorClass, a.Error, c.ok, c.class)
	}
	if len(a.ChunkNS) != c.chunks || a.Tokens.StreamOutput != c.stream || len(a.ChunkTokens) != c.chunks {
		t.Fatalf("%d chunks, stream count %d: want %d, %d", len(a.ChunkNS), a.Tokens.StreamOutput, c.chunks, c.stream)
	}
	if !slices.IsSorted(a.ChunkNS) || c.chunks > 0 && (a.FirstTokenNS != a.ChunkNS[0] || a.FirstTokenNS <= a.SentNS) {
		t.Fatalf("first token %d, chunks %v, sent %d: want TTFT at the first chunk, after the send", a.FirstTokenNS, a.ChunkNS, a.SentNS)
	}
	if c.ok && (a.Tokens.Output != c.output || a.Tokens.Source != runrecord.TokensFromUsage || a.Tokens.Reasoning != c.reasoning) {
		t.Fatalf("tokens %+v: want usage's %d out, %d reasoning", a.Tokens, c.output, c.reasoning)
	}
	if a.FinishReason != c.finish {
		t.Fatalf("finish reason %q, want %q", a.FinishReason, c.finish)
	}
	checkTools(t, c.tools, a)
	if c.serverPromptTok > 0 && (a.Server == nil || a.Server.PromptEvalTok != c.serverPromptTok || a.Server.EvalNS <= 0) {
		t.Fatalf("server timings %+v: want %d prompt tokens and a generation time", a.Server, c.serverPromptTok)
	}
}

func checkTools(t *testing.T, want []runrecord.ToolCall, a *runrecord.Attempt) {
	t.Helper()
	if len(want) == 0 {
		if len(a.ToolCalls) != 0 || a.FirstToolCallNS != 0 {
			t.Fatalf("tool calls %+v at %d, want none", a.ToolCalls, a.FirstToolCallNS)
		}
		return
	}
	if a.FirstToolCallNS == 0 || a.FirstToolCallNS != a.FirstTokenNS || a.FirstContentNS != 0 {
		t.Fatalf("first tool call %d, first token %d, first content %d: want the tool call first, no content", a.FirstToolCallNS, a.FirstTokenNS, a.FirstContentNS)
	}
	if len(a.ToolCalls) != len(want) {
		t.Fatalf("tool calls %+v, want %+v", a.ToolCalls, want)
	}
	for i, w := range want {
		g := a.ToolCalls[i]
		if g.Index != w.Index || g.Name != w.Name || g.ArgumentBytes != w.ArgumentBytes || g.Arguments != w.Arguments || g.ArgumentsCut {
			t.Fatalf("tool call %d: %+v, want %+v", i, g, w)
		}
	}
}

// TestErrorBodies: error forms that are not a server's fixture but must
// still fail the attempt as a stream error: a JSON error body with HTTP 200
// (as application/json, or a bare JSON line in an event stream), and an
// error object with "object": "error" in place of a chunk.
func TestErrorBodies(t *testing.T) {
	tests := []struct {
		name, ctype, body, class string
	}{
		{"json body 200", "application/json", `{"error":{"message":"model \"m\" not found","type":"not_found_error","param":null,"code":null}}` + "\n", runrecord.ErrStreamError},
		{"pretty json body 200", "application/json; charset=utf-8", "{\n  \"error\": \"boom\"\n}\n", runrecord.ErrStreamError},
		{"json line in event stream", sse, `{"error":{"code":400,"message":"bad","type":"invalid_request_error"}}`, runrecord.ErrStreamError},
		{"object error", sse, "data: {\"object\": \"error\", \"message\": \"too long\", \"type\": \"BadRequestError\", \"param\": null, \"code\": 400}\n\ndata: [DONE]\n\n", runrecord.ErrStreamError},
		{"json body not an error", "application/json", `{"id":"x","choices":[{"message":{"content":"hi"}}]}`, runrecord.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := doOnce(t, KindOpenAIChat, replay(t, []byte(tt.body), tt.ctype, http.StatusOK))
			if a.OK || a.ErrorClass != tt.class || a.HTTPStatus != http.StatusOK || a.EndNS == 0 {
				t.Fatalf("ok %v class %q status %d (%s), want %s with HTTP 200", a.OK, a.ErrorClass, a.HTTPStatus, a.Error, tt.class)
			}
		})
	}
}
