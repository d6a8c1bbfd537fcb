package fakeserver

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// Answers makes the server answer questions instead of streaming filler:
// per model name, a configured accuracy and speed. The correct answer is
// read from the request itself (Pattern's first group in the last message),
// so a test that knows the ground truth and the accuracy knows exactly how
// many tasks each model gets right.
type Answers struct {
	// Pattern finds the correct answer in the request's last message (its
	// first group); "" is DefaultAnswerPattern.
	Pattern string
	// Models gives each model name's accuracy and speed; a request for
	// another model gets HTTP 404.
	Models map[string]Model
	// Wrong is what a wrong answer says ("" is DefaultWrongAnswer).
	Wrong string

	once sync.Once
	re   *regexp.Regexp
	mu   sync.Mutex
	seen map[string]int
}

// Model is one fake model's accuracy and speed.
type Model struct {
	// Accuracy is the share of requests answered right, exactly: the n-th
	// request (from 0) for the model is right when ⌊(n+1)·a⌋ > ⌊n·a⌋, so
	// any N requests hold ⌊N·a⌋ right answers whatever their order.
	Accuracy float64
	// FirstTokenDelay and TokenDelay pace the answer's tokens.
	FirstTokenDelay, TokenDelay time.Duration
}

// Defaults of the answers mode.
const (
	DefaultAnswerPattern = `(?s)\[\[answer:(.*?)\]\]`
	DefaultWrongAnswer   = "I do not know."
)

// answerRequest is what the answers mode reads from a request body.
type answerRequest struct {
	Model    string `json:"model"`
	Prompt   string `json:"prompt"`
	Messages []struct {
		Content string `json:"content"`
	} `json:"messages"`
	StreamOptions struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

// answer decides a request's answer: right or wrong, by the model's count.
func (a *Answers) answer(model, prompt string) (string, Model, bool) {
	a.once.Do(func() {
		p := a.Pattern
		if p == "" {
			p = DefaultAnswerPattern
		}
		a.re = regexp.MustCompile(p)
		a.seen = map[string]int{}
	})
	m, ok := a.Models[model]
	if !ok {
		return "", m, false
	}
	right := ""
	if sm := a.re.FindStringSubmatch(prompt); len(sm) > 1 {
		right = sm[1]
	}
	a.mu.Lock()
	n := a.seen[model]
	a.seen[model] = n + 1
	a.mu.Unlock()
	if right != "" && math.Floor(float64(n+1)*m.Accuracy) > math.Floor(float64(n)*m.Accuracy) {
		return right, m, true
	}
	if a.Wrong != "" {
		return a.Wrong, m, true
	}
	return DefaultWrongAnswer, m, true
}

// serveAnswer answers one request in the answers mode.
func (s *Server) serveAnswer(w http.ResponseWriter, r *http.Request, which api, body []byte) {
	t0 := time.Now()
	var q answerRequest
	if err := json.Unmarshal(body, &q); err != nil {
		http.Error(w, `{"error":"request is not JSON"}`, http.StatusBadRequest)
		return
	}
	prompt := q.Prompt
	if n := len(q.Messages); n > 0 {
		prompt = q.Messages[n-1].Content
	}
	text, m, ok := s.opts.Answers.answer(q.Model, prompt)
	if !ok {
		http.Error(w, fmt.Sprintf(`{"error":"model %q not found"}`, q.Model), http.StatusNotFound)
		return
	}
	pieces := splitTokens(text)
	f := &formats[which]
	w.Header().Set("Content-Type", f.contentType)
	w.WriteHeader(http.StatusOK)
	fl := w.(http.Flusher)
	emit := func(v any) {
		b, _ := json.Marshal(v)
		if f.sse {
			fmt.Fprintf(w, "data: %s\n\n", b)
		} else {
			fmt.Fprintf(w, "%s\n", b)
		}
		fl.Flush()
	}
	for i, p := range pieces {
		if d := time.Until(t0.Add(m.FirstTokenDelay + time.Duration(i)*m.TokenDelay)); d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		emit(answerChunk(which, q.Model, p))
	}
	in, out := (len(body)+3)/4, len(pieces)
	if which == apiOllama {
		emit(map[string]any{"model": q.Model, "message": map[string]string{"role": "assistant", "content": ""}, "done": true,
			"done_reason": "stop", "prompt_eval_count": in, "eval_count": out, "total_duration": time.Since(t0).Nanoseconds()})
		return
	}
	emit(answerFinish(which, q.Model))
	if q.StreamOptions.IncludeUsage {
		emit(map[string]any{"id": "fake", "object": "chat.completion.chunk", "model": q.Model, "choices": []any{},
			"usage": map[string]int{"prompt_tokens": in, "completion_tokens": out, "total_tokens": in + out}})
	}
	_, _ = io.WriteString(w, "data: [DONE]\n\n")
	fl.Flush()
}

// splitTokens cuts text into the pieces streamed as tokens: each word with
// the space before it.
func splitTokens(text string) []string {
	var out []string
	for i, w := range strings.SplitAfter(text, " ") {
		if w == "" {
			continue
		}
		if i > 0 && len(out) > 0 && strings.TrimSpace(w) == "" {
			out[len(out)-1] += w
			continue
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		out = []string{text}
	}
	return out
}

func answerChunk(which api, model, piece string) any {
	switch which {
	case apiCompletions:
		return map[string]any{"object": "text_completion", "model": model, "choices": []any{map[string]any{"index": 0, "text": piece}}}
	case apiOllama:
		return map[string]any{"model": model, "message": map[string]string{"role": "assistant", "content": piece}, "done": false}
	}
	return map[string]any{"object": "chat.completion.chunk", "model": model,
		"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": piece}}}}
}

func answerFinish(which api, model string) any {
	if which == apiCompletions {
		return map[string]any{"object": "text_completion", "model": model, "choices": []any{map[string]any{"index": 0, "text": "", "finish_reason": "stop"}}}
	}
	return map[string]any{"object": "chat.completion.chunk", "model": model,
		"choices": []any{map[string]any{"index": 0, "delta": map[string]string{}, "finish_reason": "stop"}}}
}
