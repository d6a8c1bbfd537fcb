package recorder

import (
	"github.com/tcobench/tcobench/modelapi"

	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/workloads"
)

// chatRequest is the part of an OpenAI chat request that is recorded. Every
// other field (api_key among them) is dropped.
type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
	Prompt              json.RawMessage `json:"prompt"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
	Stream              bool            `json:"stream"`
}

// parseRequest fills a call from its request body, credentials removed.
func parseRequest(c *workloads.Call, body []byte, redact bool, sec *secrets) {
	var req chatRequest
	if json.Unmarshal(body, &req) != nil {
		return
	}
	c.Model, c.Stream = sec.scrub(req.Model), req.Stream
	c.MaxTokens = max(req.MaxTokens, req.MaxCompletionTokens, 0)
	var msgs []modelapi.Message
	for _, m := range req.Messages {
		role := m.Role
		if role != "system" && role != "user" && role != "assistant" && role != "tool" {
			role = "user"
		}
		msgs = append(msgs, modelapi.Message{Role: role, Content: sec.scrub(contentText(m.Content))})
	}
	if len(req.Messages) == 0 && len(req.Prompt) > 0 {
		msgs = append(msgs, modelapi.Message{Role: "user", Content: sec.scrub(contentText(req.Prompt))})
	}
	if !redact {
		c.Messages = msgs
		return
	}
	for _, m := range msgs {
		c.Digests = append(c.Digests, digest(m.Role, m.Content))
	}
}

// contentText flattens a string or a list of text parts.
func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, "\n")
	}
	return ""
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
}

type chatChunk struct {
	Choices []struct {
		Text    string `json:"text"`
		Message *struct {
			Content string `json:"content"`
		} `json:"message"`
		Delta *struct {
			Content string `json:"content"`
		} `json:"delta"`
	} `json:"choices"`
	Usage *usage          `json:"usage"`
	Error json.RawMessage `json:"error"`
}

// finishCall fills a call's output, usage and error from the response,
// credentials removed.
func finishCall(c *workloads.Call, body []byte, upErr error, redact bool, sec *secrets) {
	var out strings.Builder
	var u *usage
	var apiErr string
	handle := func(b []byte) {
		var ch chatChunk
		if json.Unmarshal(b, &ch) != nil {
			return
		}
		for _, cc := range ch.Choices {
			switch {
			case cc.Delta != nil:
				out.WriteString(cc.Delta.Content)
			case cc.Message != nil:
				out.WriteString(cc.Message.Content)
			default:
				out.WriteString(cc.Text)
			}
		}
		if ch.Usage != nil {
			u = ch.Usage
		}
		if len(ch.Error) > 0 && string(ch.Error) != "null" {
			apiErr = errorText(ch.Error)
		}
	}
	if bytes.HasPrefix(bytes.TrimSpace(body), []byte("data:")) || bytes.Contains(body, []byte("\ndata:")) {
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 0, 64<<10), maxCapture)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data:"); ok && strings.TrimSpace(d) != "[DONE]" {
				handle([]byte(strings.TrimSpace(d)))
			}
		}
	} else {
		handle(body)
	}
	if u != nil {
		c.PromptTokens, c.CompletionTokens = u.PromptTokens, u.CompletionTokens
	}
	switch {
	case upErr != nil:
		c.Error = upErr.Error()
	case c.Status >= 400 && apiErr == "":
		// Scrubbed before it is cut, so that no part of a credential remains.
		text := strings.TrimSpace(sec.scrub(string(body[:min(len(body), 64<<10)])))
		c.Error = fmt.Sprintf("upstream status %d: %s", c.Status, text[:min(len(text), 300)])
	case apiErr != "":
		c.Error = apiErr
	}
	c.Error = sec.scrub(c.Error)
	text := sec.scrub(out.String())
	if redact {
		if text != "" {
			d := digest("assistant", text)
			c.OutputDigest = &d
		}
		if c.Error != "" {
			c.Error = fmt.Sprintf("upstream error (status %d, message redacted)", c.Status)
		}
		return
	}
	c.Output = text
}

func errorText(raw json.RawMessage) string {
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Message != "" {
		return e.Message
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}
