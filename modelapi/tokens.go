package modelapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// CanonicalKind reads an API name as the other commands write it: "openai"
// (the name calibration used) is openai-chat, "" is openai-chat.
func CanonicalKind(kind string) string {
	if kind == "" || kind == "openai" {
		return KindOpenAIChat
	}
	return kind
}

// PromptTokens sends text as a one-message prompt with a one-token output
// limit, without streaming, and returns the server's count of its prompt
// tokens (Ollama's prompt_eval_count, OpenAI usage.prompt_tokens).
func PromptTokens(ctx context.Context, t Target, client *http.Client, text string) (int, error) {
	msgs := []Message{{Role: "user", Content: text}}
	var path string
	var body any
	switch t.API {
	case KindOllama:
		path = "/api/chat"
		body = map[string]any{"model": t.Model, "messages": msgs, "stream": false,
			"options": map[string]any{"num_predict": 1, "num_ctx": 8192}, "keep_alive": "5m"}
	case KindOpenAIChat:
		path = "/v1/chat/completions"
		body = map[string]any{"model": t.Model, "messages": msgs, "max_tokens": 1, "stream": false}
	case KindOpenAICompletions:
		path = "/v1/completions"
		body = map[string]any{"model": t.Model, "prompt": text, "max_tokens": 1, "stream": false}
	default:
		return 0, CheckKind(t.API)
	}
	u, err := ParseTarget(t.URL)
	if err != nil {
		return 0, err
	}
	raw, err := postJSON(ctx, client, u.String()+path, t.APIKey, body)
	if err != nil {
		return 0, fmt.Errorf("%s: %s", path, redactKey(err.Error(), t.APIKey))
	}
	var r struct {
		PromptEvalCount *int `json:"prompt_eval_count"`
		Usage           *struct {
			PromptTokens int `json:"prompt_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	switch {
	case r.PromptEvalCount != nil:
		return *r.PromptEvalCount, nil
	case r.Usage != nil && r.Usage.PromptTokens > 0:
		return r.Usage.PromptTokens, nil
	}
	return 0, fmt.Errorf("%s reported no prompt token count", path)
}

// postJSON posts body as JSON, with the API key when there is one, and
// returns the answer (at most 4 MiB); a status other than 200 is an error
// carrying the start of the answer.
func postJSON(ctx context.Context, client *http.Client, url, key string, body any) ([]byte, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	authorize(req, key)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answered %s: %s", resp.Status, trimLine(string(raw), 200))
	}
	return raw, nil
}

// trimLine folds s onto one line of at most n bytes.
func trimLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
