package modelapi

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/ollama/ollama/openai"
)

var update = flag.Bool("update", false, "rewrite the fixtures generated from server types")

// ollamaDir holds the Ollama fixtures, written by Ollama's own types at the
// version this module requires (see the folder's README).
const ollamaDir = "testdata/streams/ollama-v0.17.4"

// ollamaToolTurn is a tool-call-only turn as Ollama's ChatHandler streams
// it with tools (server/routes.go): the tool parser holds the text back and
// sends the parsed call in one chunk with empty content, then the done
// chunk carries the metrics.
func ollamaToolTurn() []api.ChatResponse {
	created := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	args := api.NewToolCallFunctionArguments()
	args.Set("city", "Paris")
	args.Set("unit", "celsius")
	call := api.ChatResponse{Model: "qwen3:8b", CreatedAt: created,
		Message: api.Message{Role: "assistant", ToolCalls: []api.ToolCall{{
			ID: "call_k3v9x2qa", Function: api.ToolCallFunction{Index: 0, Name: "get_weather", Arguments: args}}}}}
	done := api.ChatResponse{Model: "qwen3:8b", CreatedAt: created.Add(640 * time.Millisecond),
		Message: api.Message{Role: "assistant"}, Done: true, DoneReason: "stop",
		Metrics: api.Metrics{TotalDuration: 702 * time.Millisecond, LoadDuration: 31 * time.Millisecond,
			PromptEvalCount: 212, PromptEvalDuration: 96 * time.Millisecond, EvalCount: 26, EvalDuration: 540 * time.Millisecond}}
	return []api.ChatResponse{call, done}
}

// ollamaNative is the native /api/chat body: one json.Marshal per line
// (server/routes.go streamResponse).
func ollamaNative(rs []api.ChatResponse) []byte {
	var b bytes.Buffer
	for _, r := range rs {
		line, _ := json.Marshal(r)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// ollamaCompat is the /v1/chat/completions body: openai.ToChunk per
// response, then on the done one the usage chunk and [DONE], as
// middleware/openai.go ChatWriter.writeResponse writes them.
func ollamaCompat(rs []api.ChatResponse) []byte {
	var b bytes.Buffer
	sent := false
	for _, r := range rs {
		c := openai.ToChunk("chatcmpl-417", r, sent)
		c.Created = 1767225600
		if len(c.Choices) > 0 && len(c.Choices[0].Delta.ToolCalls) > 0 {
			sent = true
		}
		d, _ := json.Marshal(c)
		fmt.Fprintf(&b, "data: %s\n\n", d)
		if r.Done {
			u := openai.ToUsage(r)
			c.Usage, c.Choices = &u, []openai.ChunkChoice{}
			d, _ := json.Marshal(c)
			fmt.Fprintf(&b, "data: %s\n\n", d)
			b.WriteString("data: [DONE]\n\n")
		}
	}
	return b.Bytes()
}

// TestOllamaFixturesAreTheTypesOutput: the committed Ollama fixtures are
// exactly what Ollama's types serialize (go test -run OllamaFixtures -update
// rewrites them).
func TestOllamaFixturesAreTheTypesOutput(t *testing.T) {
	turn := ollamaToolTurn()
	for name, body := range map[string][]byte{"tool_call.ndjson": ollamaNative(turn), "tool_call_compat.sse": ollamaCompat(turn)} {
		path := filepath.Join(ollamaDir, name)
		if *update {
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("%s differs from Ollama's types' output (run with -update):\n%s\nwant\n%s", path, got, body)
		}
	}
}
