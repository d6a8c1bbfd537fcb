package modelapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	// Tools and ResponseFormat are sent only when the request has them.
	Tools          json.RawMessage `json:"tools,omitempty"`
	ResponseFormat *responseFormat `json:"response_format,omitempty"`
}

// responseFormat asks for output following a JSON Schema (structured outputs).
type responseFormat struct {
	Type       string     `json:"type"`
	JSONSchema jsonSchema `json:"json_schema"`
}

type jsonSchema struct {
	Name   string          `json:"name"`
	Schema json.RawMessage `json:"schema"`
	Strict bool            `json:"strict"`
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
	defer o.opts.redact(a)
	body := openAIBody{Model: req.Model, MaxTokens: req.MaxTokens, Stream: true,
		StreamOptions: streamOptions{IncludeUsage: true}, IgnoreEOS: o.opts.IgnoreEOS}
	path := "/v1/chat/completions"
	if o.kind == KindOpenAICompletions {
		path, body.Prompt = "/v1/completions", flatten(req.Messages)
	} else {
		body.Messages, body.Tools = req.Messages, req.Tools
		if len(req.ResponseSchema) > 0 {
			body.ResponseFormat = &responseFormat{Type: "json_schema", JSONSchema: jsonSchema{Name: "output", Schema: req.ResponseSchema, Strict: true}}
		}
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
	if isJSON(resp.Header.Get("Content-Type")) {
		st.jsonBody(ctx, clk, resp.Body, o.opts.MaxLineBytes, a)
	} else {
		st.read(ctx, clk, newSSEReader(resp.Body, o.opts.MaxLineBytes), a)
	}
	st.finish(a)
	finishTokens(a, req, st.usage)
	return st.out
}

// usage is a server's token report.
type usage struct {
	prompt, completion, reasoning, cached int
}

// isJSON reports whether a Content-Type is JSON rather than an event stream.
func isJSON(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
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
	// finishNS is when a finish_reason arrived on a chunk that carried no
	// token: the end-of-sequence token, when usage counts one more (see finish).
	finishNS int64
	tools    toolCalls
	out      []byte
	scratch  []byte
}

// Internal event types: an "error:" line (llama.cpp before mid-2025) and a
// JSON line that is not an SSE field (an error body sent with HTTP 200).
const (
	eventError = "error"
	eventJSON  = "\x00json"
)

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
		switch string(ev) {
		case eventError:
			a.EndNS = now
			fail(a, clk, runrecord.ErrStreamError, "error event: "+string(truncate(data, 300)))
			return
		case eventJSON:
			a.EndNS = now
			s.notStream(clk, data, a)
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
	if a.ResponseID == "" && len(c.id) > 0 {
		a.ResponseID = truncateID(string(c.id))
	}
	tool := c.tools != nil && s.tools.addDeltas(c.tools)
	chunks := len(a.ChunkNS)
	if tokenChunk(a, now, c.content, c.reasoning, tool) && s.keep {
		s.out, s.scratch = appendOutput(s.out, s.scratch, c.content)
	}
	if len(c.finish) > 0 {
		s.finished = true
		if a.FinishReason == "" {
			a.FinishReason = string(c.finish)
		}
		if len(a.ChunkNS) == chunks && s.finishNS == 0 {
			s.finishNS = now
		}
	}
	if c.hasUsage {
		s.u = c.usage
		s.usage = &s.u
	}
	if c.timings != nil {
		a.Server = llamaTimings(c.timings)
	}
	return "", ""
}

// finish closes the attempt's stream-derived fields once the stream ended.
// A finish chunk without a token, when the server's usage counts exactly one
// token more than the stream did, carried the end-of-sequence token (TGI
// and vLLM stream it as empty content, llama.cpp as an empty delta): it is
// the last token chunk, so the usage and the stream agree.
func (s *openAIStream) finish(a *runrecord.Attempt) {
	s.tools.finish(a)
	if s.usage == nil || s.finishNS == 0 || len(a.ToolCalls) > 0 || s.usage.completion != a.Tokens.StreamOutput+1 {
		return
	}
	if n := len(a.ChunkNS); n > 0 && a.ChunkNS[n-1] > s.finishNS {
		return // tokens came after the finish: not an end-of-sequence token
	}
	if a.FirstTokenNS == 0 {
		a.FirstTokenNS = s.finishNS
	}
	a.ChunkNS = append(a.ChunkNS, s.finishNS)
	a.ChunkTokens = append(a.ChunkTokens, 1)
	a.Tokens.StreamOutput++
}

// notStream fails an attempt whose response was one JSON object instead of
// an event stream (an error body sent with HTTP 200).
func (s *openAIStream) notStream(clk Clock, data []byte, a *runrecord.Attempt) {
	var c openAIChunk
	parseOpenAIChunk(data, s.chat, &c)
	if c.err != nil {
		fail(a, clk, runrecord.ErrStreamError, fmt.Sprintf("server error body with HTTP %d: %s", a.HTTPStatus, truncate(c.err, 300)))
		return
	}
	fail(a, clk, runrecord.ErrMalformed, "response is a JSON body, not an event stream: "+string(truncate(data, 120)))
}

// jsonBody reads a response sent as application/json instead of an event
// stream (at most max bytes): an error object fails the attempt as a
// stream error, anything else as malformed.
func (s *openAIStream) jsonBody(ctx context.Context, clk Clock, body io.Reader, max int, a *runrecord.Attempt) {
	b, err := io.ReadAll(io.LimitReader(body, int64(max)+1))
	a.EndNS = clk.Now()
	switch {
	case err != nil:
		fail(a, clk, classifyStream(ctx, err), "reading JSON body: "+err.Error())
	case len(b) > max:
		fail(a, clk, runrecord.ErrMalformed, fmt.Sprintf("JSON body over %d bytes", max))
	default:
		s.notStream(clk, bytes.TrimSpace(b), a)
	}
}

// llamaTimings reads llama.cpp's timings object (milliseconds as floats).
func llamaTimings(t []byte) *runrecord.ServerTimings {
	ms := func(key string) int64 {
		v, err := jsonparser.GetFloat(t, key)
		if err != nil || v < 0 || v > 1e12 {
			return 0
		}
		return int64(v * 1e6)
	}
	st := &runrecord.ServerTimings{
		PromptEvalNS: ms("prompt_ms"), PromptEvalTok: max(getInt(t, "prompt_n"), 0),
		EvalNS: ms("predicted_ms"), EvalTok: max(getInt(t, "predicted_n"), 0),
		CachedTok: max(getInt(t, "cache_n"), 0),
	}
	st.TotalNS = st.PromptEvalNS + st.EvalNS
	return st
}

// tokenChunk records a chunk carrying content, reasoning or part of a tool
// call as one token (the hot path: it only appends to the attempt's
// slices). It reports whether the chunk carried content.
func tokenChunk(a *runrecord.Attempt, now int64, content, reasoning []byte, tool bool) bool {
	if len(content) == 0 && len(reasoning) == 0 && !tool {
		return false
	}
	if a.FirstTokenNS == 0 {
		a.FirstTokenNS = now
	}
	if tool && a.FirstToolCallNS == 0 {
		a.FirstToolCallNS = now
	}
	a.ChunkNS = append(a.ChunkNS, now)
	a.ChunkTokens = append(a.ChunkTokens, 1)
	a.Tokens.StreamOutput++
	if len(content) == 0 {
		if len(reasoning) > 0 {
			a.Tokens.Reasoning++
		}
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
// payload (raw JSON string contents, still escaped; tools and timings are
// the raw tool_calls array and llama.cpp's timings object).
type openAIChunk struct {
	content, reasoning, finish, err []byte
	tools, timings                  []byte
	id                              []byte // the response's id, raw
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
	known, errObj := false, false
	err := jsonparser.ObjectEach(data, func(key, v []byte, t jsonparser.ValueType, _ int) error {
		known = true
		switch string(key) {
		case "error":
			if t != jsonparser.Null {
				c.err = v
			}
		case "id":
			if t == jsonparser.String {
				c.id = v
			}
		case "object":
			// An error object in place of a chunk (SGLang's, older vLLM's).
			if t == jsonparser.String && string(v) == "error" {
				errObj = true
			}
		case "timings":
			if t == jsonparser.Object {
				c.timings = v
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
	if errObj && c.err == nil && err == nil {
		c.err = data
	}
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
		switch {
		case t == jsonparser.String:
			c.deltaString(key, v)
		case t == jsonparser.Array && string(key) == "tool_calls":
			c.tools = v
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

// parseUsage reads a usage object (once per stream). SGLang reports
// reasoning tokens at the top level of usage, OpenAI and vLLM under
// completion_tokens_details.
func parseUsage(u []byte, out *usage) {
	out.prompt = getInt(u, "prompt_tokens")
	out.completion = getInt(u, "completion_tokens")
	out.reasoning = getInt(u, "completion_tokens_details", "reasoning_tokens")
	if out.reasoning == 0 {
		out.reasoning = getInt(u, "reasoning_tokens")
	}
	out.cached = getInt(u, "prompt_tokens_details", "cached_tokens")
}

func getInt(data []byte, keys ...string) int {
	v, err := jsonparser.GetInt(data, keys...)
	if err != nil {
		return 0
	}
	return int(v)
}
