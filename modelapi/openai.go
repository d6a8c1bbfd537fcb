package modelapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/buger/jsonparser"

	"github.com/tcobench/tcobench/runrecord"
)

// OpenAI is the OpenAI-compatible backend (vLLM, llama.cpp server, TGI,
// SGLang, LM Studio, Ollama's compatibility API), streaming over SSE.
type OpenAI struct {
	kind string
	base string
	opts Options
}

// Kind is KindOpenAIChat or KindOpenAICompletions.
func (o *OpenAI) Kind() string { return o.kind }

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type openAIBody struct {
	Model         string        `json:"model"`
	Messages      []Message     `json:"messages,omitempty"`
	Prompt        string        `json:"prompt,omitempty"`
	MaxTokens     int           `json:"max_tokens,omitempty"`
	Stream        bool          `json:"stream"`
	StreamOptions streamOptions `json:"stream_options"`
	IgnoreEOS     bool          `json:"ignore_eos,omitempty"`
}

// flatten turns chat messages into one completions prompt.
func flatten(msgs []Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(m.Content)
	}
	return b.String()
}

var doneMarker = []byte("[DONE]")

// Do sends one streamed request. See Backend.
func (o *OpenAI) Do(ctx context.Context, clk Clock, req *Request, a *runrecord.Attempt) []byte {
	a.Backend, a.Model = o.kind, req.Model
	body := openAIBody{Model: req.Model, MaxTokens: req.MaxTokens, Stream: true,
		StreamOptions: streamOptions{IncludeUsage: true}, IgnoreEOS: o.opts.IgnoreEOS}
	path := "/v1/chat/completions"
	if o.kind == KindOpenAICompletions {
		path, body.Prompt = "/v1/completions", flatten(req.Messages)
	} else {
		body.Messages = req.Messages
	}
	b, err := json.Marshal(&body)
	if err != nil {
		fail(a, clk, runrecord.ErrOther, err.Error())
		return nil
	}
	resp, done := send(ctx, o.opts.HTTPClient, &o.opts, clk, a, o.base+path, b)
	if resp == nil {
		finishTokens(a, req, nil)
		return nil
	}
	defer streamDone(resp, done)
	st := openAIStream{chat: o.kind == KindOpenAIChat, keep: req.KeepOutput}
	a.ChunkNS = make([]int64, 0, chunkCap(req.MaxTokens))
	a.ChunkTokens = make([]int, 0, chunkCap(req.MaxTokens))
	st.read(ctx, clk, newSSEReader(resp.Body, o.opts.MaxLineBytes), a)
	finishTokens(a, req, st.usage)
	return st.out
}

// usage is a server's token report.
type usage struct {
	prompt, completion, reasoning, cached int
}

// finishTokens fills a.Tokens from the server's usage when it gave one, else
// from the stream count and an estimate of the prompt.
func finishTokens(a *runrecord.Attempt, req *Request, u *usage) {
	t := &a.Tokens
	if u != nil {
		t.Input, t.Output, t.CachedInput = u.prompt, u.completion, u.cached
		if u.reasoning > 0 {
			t.Reasoning = u.reasoning
		}
		t.Source = runrecord.TokensFromUsage
		return
	}
	t.Input = estimateTokens(req.promptChars())
	t.Output = t.StreamOutput
	t.Source = runrecord.TokensEstimated
}

// openAIStream is the state of one SSE response being read.
type openAIStream struct {
	chat, keep bool
	usage      *usage
	u          usage
	finished   bool // a finish_reason arrived
	out        []byte
	scratch    []byte
}

// read consumes events until [DONE], an error, or the end of the stream.
func (s *openAIStream) read(ctx context.Context, clk Clock, r *sseReader, a *runrecord.Attempt) {
	for {
		ev, data, err := r.next()
		now := clk.Now()
		if err != nil {
			a.EndNS = now
			if err == io.EOF && s.finished {
				a.OK = true // no [DONE], but the server said it had finished
				return
			}
			fail(a, clk, classifyStream(ctx, err), "stream ended before [DONE]: "+err.Error())
			return
		}
		if bytes.Equal(bytes.TrimSpace(data), doneMarker) {
			a.EndNS, a.OK = now, true
			return
		}
		if string(ev) == "error" {
			a.EndNS = now
			fail(a, clk, runrecord.ErrStreamError, "error event: "+string(truncate(data, 300)))
			return
		}
		if msg, bad := s.event(data, now, a); bad != "" {
			a.EndNS = now
			fail(a, clk, bad, msg)
			return
		}
	}
}

// event applies one data payload; it returns an error class when the
// payload ends the attempt.
func (s *openAIStream) event(data []byte, now int64, a *runrecord.Attempt) (string, string) {
	var c openAIChunk
	parseOpenAIChunk(data, s.chat, &c)
	switch {
	case c.err != nil:
		return "server error in stream: " + string(truncate(c.err, 300)), runrecord.ErrStreamError
	case !c.known:
		if len(bytes.TrimSpace(data)) == 0 || bytes.Equal(bytes.TrimSpace(data), []byte("{}")) {
			return "", "" // an empty event or object: nothing to record
		}
		return "malformed stream event: " + string(truncate(data, 120)), runrecord.ErrMalformed
	}
	if tokenChunk(a, now, c.content, c.reasoning) && s.keep {
		s.out, s.scratch = appendOutput(s.out, s.scratch, c.content)
	}
	if len(c.finish) > 0 {
		s.finished = true
		if a.FinishReason == "" {
			a.FinishReason = string(c.finish)
		}
	}
	if c.hasUsage {
		s.u = c.usage
		s.usage = &s.u
	}
	return "", ""
}

// tokenChunk records a chunk carrying content or reasoning as one token
// (the hot path: it only appends to the attempt's slices). It reports
// whether the chunk carried content.
func tokenChunk(a *runrecord.Attempt, now int64, content, reasoning []byte) bool {
	if len(content) == 0 && len(reasoning) == 0 {
		return false
	}
	if a.FirstTokenNS == 0 {
		a.FirstTokenNS = now
	}
	a.ChunkNS = append(a.ChunkNS, now)
	a.ChunkTokens = append(a.ChunkTokens, 1)
	a.Tokens.StreamOutput++
	if len(content) == 0 {
		a.Tokens.Reasoning++
		return false
	}
	if a.FirstContentNS == 0 {
		a.FirstContentNS = now
	}
	return true
}

// appendOutput appends a raw JSON string's unescaped text to out, reusing
// scratch for the unescaping.
func appendOutput(out, scratch, raw []byte) ([]byte, []byte) {
	v, err := jsonparser.Unescape(raw, scratch[:0])
	if err != nil {
		v = raw
	}
	out = append(out, v...)
	if cap(v) > cap(scratch) && len(v) <= 4096 {
		scratch = v[:0]
	}
	return out, scratch
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// openAIChunk is what one SSE data payload said. Byte slices alias the
// payload (raw JSON string contents, still escaped).
type openAIChunk struct {
	content, reasoning, finish, err []byte
	usage                           usage
	hasUsage, known                 bool
}

// parseOpenAIChunk reads the fields tcobench needs from one chunk in one
// pass, without allocating. Malformed JSON leaves c.known false. The common
// token chunk takes fastOpenAIChunk's single scan; anything else the walk
// below.
func parseOpenAIChunk(data []byte, chat bool, c *openAIChunk) {
	if fastOpenAIChunk(data, chat, c) {
		return
	}
	fullOpenAIChunk(data, chat, c)
}

// fullOpenAIChunk is the general parser: a jsonparser walk of each object.
func fullOpenAIChunk(data []byte, chat bool, c *openAIChunk) {
	known := false
	err := jsonparser.ObjectEach(data, func(key, v []byte, t jsonparser.ValueType, _ int) error {
		known = true
		switch string(key) {
		case "error":
			if t != jsonparser.Null {
				c.err = v
			}
		case "choices":
			if t == jsonparser.Array {
				first := true
				_, _ = jsonparser.ArrayEach(v, func(ch []byte, t jsonparser.ValueType, _ int, _ error) {
					if first && t == jsonparser.Object {
						parseChoice(ch, chat, c)
					}
					first = false
				})
			}
		case "usage":
			if t == jsonparser.Object {
				c.hasUsage = true
				parseUsage(v, &c.usage)
			}
		}
		return nil
	})
	c.known = known && err == nil || c.err != nil
}

func parseChoice(ch []byte, chat bool, c *openAIChunk) {
	_ = jsonparser.ObjectEach(ch, func(key, v []byte, t jsonparser.ValueType, _ int) error {
		switch string(key) {
		case "finish_reason":
			if t == jsonparser.String {
				c.finish = v
			}
		case "text":
			if !chat && t == jsonparser.String {
				c.content = v
			}
		case "delta":
			if chat && t == jsonparser.Object {
				parseDelta(v, c)
			}
		}
		return nil
	})
}

func parseDelta(d []byte, c *openAIChunk) {
	_ = jsonparser.ObjectEach(d, func(key, v []byte, t jsonparser.ValueType, _ int) error {
		if t == jsonparser.String {
			c.deltaString(key, v)
		}
		return nil
	})
}

// deltaString applies one string member of a chat delta (both parsers).
func (c *openAIChunk) deltaString(key, v []byte) {
	switch string(key) {
	case "content":
		c.content = v
	case "reasoning_content", "reasoning":
		if len(c.reasoning) == 0 {
			c.reasoning = v
		}
	}
}

// parseUsage reads a usage object (once per stream).
func parseUsage(u []byte, out *usage) {
	out.prompt = getInt(u, "prompt_tokens")
	out.completion = getInt(u, "completion_tokens")
	out.reasoning = getInt(u, "completion_tokens_details", "reasoning_tokens")
	out.cached = getInt(u, "prompt_tokens_details", "cached_tokens")
}

func getString(data []byte, keys ...string) []byte {
	v, t, _, err := jsonparser.Get(data, keys...)
	if err != nil || t != jsonparser.String {
		return nil
	}
	return v
}

func getInt(data []byte, keys ...string) int {
	v, err := jsonparser.GetInt(data, keys...)
	if err != nil {
		return 0
	}
	return int(v)
}
