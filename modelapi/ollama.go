package modelapi

import (
	"context"
	"encoding/json"
	"io"

	"github.com/buger/jsonparser"
	"github.com/ollama/ollama/api"

	"github.com/tcobench/tcobench/runrecord"
)

// Ollama is Ollama's native chat API (/api/chat, JSON lines). Requests and
// the final chunk use the types of github.com/ollama/ollama/api; the stream
// itself is read here (the api client keeps an 8 MiB buffer per stream and
// hides arrival times).
type Ollama struct {
	base string
	opts Options
}

// Kind is KindOllama.
func (o *Ollama) Kind() string { return KindOllama }

// Do sends one streamed chat request. See Backend.
func (o *Ollama) Do(ctx context.Context, clk Clock, req *Request, a *runrecord.Attempt) []byte {
	a.Backend, a.Model = KindOllama, req.Model
	defer o.opts.redact(a)
	stream := true
	msgs := make([]api.Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = api.Message{Role: m.Role, Content: m.Content}
	}
	cr := api.ChatRequest{Model: req.Model, Messages: msgs, Stream: &stream}
	if req.MaxTokens > 0 {
		cr.Options = map[string]any{"num_predict": req.MaxTokens}
	}
	if len(req.Tools) > 0 {
		if err := json.Unmarshal(req.Tools, &cr.Tools); err != nil {
			fail(a, clk, runrecord.ErrOther, "tools: "+err.Error())
			return nil
		}
	}
	cr.Format = req.ResponseSchema
	b, err := json.Marshal(&cr)
	if err != nil {
		fail(a, clk, runrecord.ErrOther, err.Error())
		return nil
	}
	resp, done := send(ctx, o.opts.HTTPClient, &o.opts, clk, a, o.base+"/api/chat", b)
	if resp == nil {
		finishTokens(a, req, nil)
		return nil
	}
	defer streamDone(resp, done)
	a.ChunkNS = make([]int64, 0, chunkCap(req.MaxTokens))
	a.ChunkTokens = make([]int, 0, chunkCap(req.MaxTokens))
	st := ndjsonStream{keep: req.KeepOutput}
	st.read(ctx, clk, newLineReader(resp.Body, o.opts.MaxLineBytes), a)
	st.tools.finish(a)
	finishTokens(a, req, st.usage)
	return st.out
}

// ndjsonStream is the state of one Ollama response being read.
type ndjsonStream struct {
	keep    bool
	usage   *usage
	u       usage
	tools   toolCalls
	out     []byte
	scratch []byte
}

func (s *ndjsonStream) read(ctx context.Context, clk Clock, r *lineReader, a *runrecord.Attempt) {
	for {
		line, err := r.next()
		now := clk.Now()
		if err != nil && !(err == io.EOF && len(line) > 0) {
			a.EndNS = now
			fail(a, clk, classifyStream(ctx, err), "stream ended before done: "+err.Error())
			return
		}
		if len(line) == 0 {
			continue
		}
		end, class, msg := s.line(line, now, a)
		if class != "" {
			a.EndNS = now
			fail(a, clk, class, msg)
			return
		}
		if end {
			a.EndNS, a.OK = now, true
			return
		}
		if err != nil { // an unterminated last line that was not the end
			a.EndNS = now
			fail(a, clk, runrecord.ErrStreamCut, "stream ended before done")
			return
		}
	}
}

// line applies one JSON line; end is true on the final ("done") chunk.
func (s *ndjsonStream) line(line []byte, now int64, a *runrecord.Attempt) (end bool, class, msg string) {
	var c ollamaChunk
	parseOllamaChunk(line, &c)
	switch {
	case c.err != nil:
		return false, runrecord.ErrStreamError, "server error in stream: " + string(truncate(c.err, 300))
	case !c.known:
		return false, runrecord.ErrMalformed, "malformed stream line: " + string(truncate(line, 120))
	}
	tool := c.tools != nil && s.tools.addDeltas(c.tools)
	if tokenChunk(a, now, c.content, c.thinking, tool) && s.keep {
		s.out, s.scratch = appendOutput(s.out, s.scratch, c.content)
	}
	if !c.done {
		return false, "", ""
	}
	var final api.ChatResponse
	if err := json.Unmarshal(line, &final); err != nil {
		return false, runrecord.ErrMalformed, "malformed final chunk: " + err.Error()
	}
	s.final(&final, a)
	return true, "", ""
}

// final keeps the server's own timings and counts from the last chunk.
func (s *ndjsonStream) final(f *api.ChatResponse, a *runrecord.Attempt) {
	m := f.Metrics
	a.FinishReason = f.DoneReason
	a.Server = &runrecord.ServerTimings{
		LoadNS: int64(m.LoadDuration), PromptEvalNS: int64(m.PromptEvalDuration), PromptEvalTok: m.PromptEvalCount,
		EvalNS: int64(m.EvalDuration), EvalTok: m.EvalCount, TotalNS: int64(m.TotalDuration),
	}
	if m.EvalCount > 0 || m.PromptEvalCount > 0 {
		s.u = usage{prompt: m.PromptEvalCount, completion: m.EvalCount}
		s.usage = &s.u
	}
}

// ollamaChunk is what one JSON line said; slices alias the line (tools is
// the raw message.tool_calls array: Ollama sends each call whole, its
// arguments as a JSON object).
type ollamaChunk struct {
	content, thinking, err, tools []byte
	done, known                   bool
}

func parseOllamaChunk(line []byte, c *ollamaChunk) {
	known := false
	err := jsonparser.ObjectEach(line, func(key, v []byte, t jsonparser.ValueType, _ int) error {
		known = true
		switch string(key) {
		case "error":
			if t != jsonparser.Null {
				c.err = v
			}
		case "message":
			if t == jsonparser.Object {
				_ = jsonparser.ObjectEach(v, func(k, mv []byte, mt jsonparser.ValueType, _ int) error {
					switch {
					case mt == jsonparser.String && string(k) == "content":
						c.content = mv
					case mt == jsonparser.String && string(k) == "thinking":
						c.thinking = mv
					case mt == jsonparser.Array && string(k) == "tool_calls":
						c.tools = mv
					}
					return nil
				})
			}
		case "done":
			c.done = t == jsonparser.Boolean && string(v) == "true"
		}
		return nil
	})
	c.known = known && err == nil || c.err != nil
}
