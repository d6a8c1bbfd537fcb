package localserver_test

import (
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"

	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestNativeChat talks to the real server through the ollama/api client and
// checks the reply's token count against the requested limit.
func TestNativeChat(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	base, _ := url.Parse(srv.URL())
	client := api.NewClient(base, http.DefaultClient)
	for _, limit := range []int{1, 17} {
		var chunks int
		var final api.ChatResponse
		req := &api.ChatRequest{
			Model: srv.Model(),
			Messages: []api.Message{
				{Role: "system", Content: "You are a support agent."},
				{Role: "user", Content: "Please help with the refund for my order."},
			},
			Options: map[string]any{"num_predict": limit, "seed": 1},
		}
		err := client.Chat(ctxFor(t), req, func(r api.ChatResponse) error {
			if !r.Done {
				chunks++
			}
			final = r
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !final.Done || final.DoneReason != "length" || final.EvalCount != limit {
			t.Errorf("limit %d: done=%v reason=%q eval_count=%d, want length and %d tokens", limit, final.Done, final.DoneReason, final.EvalCount, limit)
		}
		if chunks < 1 || chunks > limit || final.PromptEvalCount < 10 {
			t.Errorf("limit %d: %d content chunks, prompt_eval_count %d", limit, chunks, final.PromptEvalCount)
		}
	}
}

// TestOpenAIStream talks to the OpenAI-compatible endpoint with stream: true
// and include_usage, and checks the usage chunk against max_tokens.
func TestOpenAIStream(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	const maxTokens = 12
	body, _ := json.Marshal(map[string]any{
		"model":          srv.Model(),
		"messages":       []map[string]string{{"role": "user", "content": "Draft a reply to the customer."}},
		"max_tokens":     maxTokens,
		"stream":         true,
		"stream_options": map[string]bool{"include_usage": true},
	})
	req, _ := http.NewRequestWithContext(ctxFor(t), http.MethodPost, srv.URL()+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("status %d, content type %q", resp.StatusCode, ct)
	}
	var content, finish string
	var usage *struct{ PromptTokens, CompletionTokens int }
	sawDone := false
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if data == "[DONE]" {
			sawDone = true
			break
		}
		var chunk struct {
			Choices []struct {
				Delta        struct{ Content string }
				FinishReason *string `json:"finish_reason"`
			}
			Usage *struct {
				PromptTokens     int `json:"prompt_tokens"`
				CompletionTokens int `json:"completion_tokens"`
			}
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			t.Fatalf("chunk %q: %v", data, err)
		}
		for _, c := range chunk.Choices {
			content += c.Delta.Content
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
		}
		if chunk.Usage != nil {
			usage = &struct{ PromptTokens, CompletionTokens int }{chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !sawDone || usage == nil || content == "" {
		t.Fatalf("stream: done=%v usage=%v content=%q", sawDone, usage, content)
	}
	if usage.CompletionTokens != maxTokens || finish != "length" || usage.PromptTokens < 5 {
		t.Errorf("usage %+v, finish %q; want %d completion tokens and finish length", *usage, finish, maxTokens)
	}
}

// TestSmallModelAndStop loads the small model with two parallel slots, then
// checks that Stop leaves no process of the server's group behind.
func TestSmallModelAndStop(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "small", Parallel: 2})
	if srv.Model() != "tcobench-small" {
		t.Errorf("model %q", srv.Model())
	}
	base, _ := url.Parse(srv.URL())
	client := api.NewClient(base, http.DefaultClient)
	var final api.GenerateResponse
	stream := false
	err := client.Generate(ctxFor(t), &api.GenerateRequest{Model: srv.Model(), Prompt: "the customer", Stream: &stream, Options: map[string]any{"num_predict": 5}},
		func(r api.GenerateResponse) error { final = r; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if final.EvalCount != 5 {
		t.Errorf("eval_count %d, want 5", final.EvalCount)
	}
	ps, err := client.ListRunning(ctxFor(t))
	if err != nil || len(ps.Models) != 1 {
		t.Fatalf("running models %+v: %v", ps, err)
	}
	pgid := srv.PID()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(-pgid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still has processes after Stop (kill 0: %v)", pgid, err)
	}
	if _, err := http.Get(srv.URL() + "/api/version"); err == nil {
		t.Error("server still answers after Stop")
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func TestMissingBinary(t *testing.T) {
	_, err := localserver.Start(context.Background(), localserver.Options{Binary: t.TempDir() + "/ollama"})
	if !errors.Is(err, localserver.ErrNoBinary) || !strings.Contains(err.Error(), "make ollama") {
		t.Fatalf("err = %v, want localserver.ErrNoBinary naming make ollama", err)
	}
}

func TestUnknownSize(t *testing.T) {
	if _, _, err := localserver.ModelFile("huge"); err == nil {
		t.Fatal("want an error for an unknown size")
	}
}

func TestBinaryPath(t *testing.T) {
	t.Setenv("TCOBENCH_OLLAMA", "")
	t.Setenv("XDG_CACHE_HOME", "/c")
	if got, want := localserver.BinaryPath(), "/c/tcobench/ollama/"+localserver.OllamaVersion+"/ollama"; got != want {
		t.Errorf("BinaryPath() = %s, want %s", got, want)
	}
	t.Setenv("TCOBENCH_OLLAMA", "/x/ollama")
	if localserver.BinaryPath() != "/x/ollama" {
		t.Error("TCOBENCH_OLLAMA not honoured")
	}
}

// TestChatWithTools: the chat template renders tool definitions, so the
// server accepts agent requests that carry tools, and counts them as prompt.
func TestChatWithTools(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	base, _ := url.Parse(srv.URL())
	client := api.NewClient(base, http.DefaultClient)
	var tool api.Tool
	if err := json.Unmarshal([]byte(`{"type":"function","function":{"name":"get_order","description":"Look up an order by its number","parameters":{"type":"object","properties":{"order_id":{"type":"string","description":"order number"}},"required":["order_id"]}}}`), &tool); err != nil {
		t.Fatal(err)
	}
	msgs := []api.Message{{Role: "user", Content: "Where is my order?"}}
	count := func(tools api.Tools) int {
		stream := false
		var final api.ChatResponse
		err := client.Chat(ctxFor(t), &api.ChatRequest{Model: srv.Model(), Messages: msgs, Tools: tools, Stream: &stream, Options: map[string]any{"num_predict": 3}},
			func(r api.ChatResponse) error { final = r; return nil })
		if err != nil {
			t.Fatal(err)
		}
		if final.EvalCount != 3 {
			t.Errorf("eval_count %d, want 3", final.EvalCount)
		}
		return final.PromptEvalCount
	}
	without, with := count(nil), count(api.Tools{tool})
	if with <= without+20 {
		t.Errorf("prompt tokens with a tool %d, without %d: the tool definition is not in the prompt", with, without)
	}
	var call api.ToolCall
	if err := json.Unmarshal([]byte(`{"function":{"name":"get_order","arguments":{"order_id":"A-1"}}}`), &call); err != nil {
		t.Fatal(err)
	}
	msgs = append(msgs,
		api.Message{Role: "assistant", ToolCalls: []api.ToolCall{call}},
		api.Message{Role: "tool", Content: `{"status":"shipped"}`},
	)
	if turn := count(api.Tools{tool}); turn <= with {
		t.Errorf("prompt tokens after a tool call and its result %d, before %d", turn, with)
	}
}
