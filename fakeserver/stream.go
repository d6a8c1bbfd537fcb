package fakeserver

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// api is one of the wire formats the server speaks.
type api int

const (
	apiChat api = iota
	apiCompletions
	apiOllama
)

// stampWidth is the width of a stamp's digits: Unix nanoseconds have 19
// digits until the year 2286; shorter values are padded with spaces (JSON
// whitespace), never zeros.
const stampWidth = 19

// chunk is a pre-encoded stream chunk whose stamp digits are rewritten in
// place before each write.
type chunk struct {
	b  []byte
	at int // offset of the stamp digits
}

func newChunk(prefix, json, suffix string) chunk {
	s := prefix + json + `,"t":` + strings.Repeat(" ", stampWidth) + "}" + suffix
	return chunk{b: []byte(s), at: len(prefix) + len(json) + len(`,"t":`)}
}

// stamp writes t into the chunk's digits, right-aligned.
func (c *chunk) stamp(t int64) {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], t, 10)
	if len(s) > stampWidth {
		s = s[len(s)-stampWidth:]
	}
	d := c.b[c.at : c.at+stampWidth]
	pad := stampWidth - len(s)
	for i := 0; i < pad; i++ {
		d[i] = ' '
	}
	copy(d[pad:], s)
}

// format is the pre-encoded body of one wire format.
type format struct {
	contentType string
	role        string // chunk before the first token ("" for none); JSON object without the closing brace
	token       string
	finish      string
	sse         bool
}

var formats = [...]format{
	apiChat: {contentType: "text/event-stream", sse: true,
		role:   `{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":0,"model":"fake","choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":null}]`,
		token:  `{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":0,"model":"fake","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]`,
		finish: `{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":0,"model":"fake","choices":[{"index":0,"delta":{},"finish_reason":"length"}]`},
	apiCompletions: {contentType: "text/event-stream", sse: true,
		token:  `{"id":"cmpl-fake","object":"text_completion","created":0,"model":"fake","choices":[{"index":0,"text":"tok ","finish_reason":null}]`,
		finish: `{"id":"cmpl-fake","object":"text_completion","created":0,"model":"fake","choices":[{"index":0,"text":"","finish_reason":"length"}]`},
	apiOllama: {contentType: "application/x-ndjson",
		token: `{"model":"fake","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"tok "},"done":false`},
}

// frame wraps a JSON object as one event (SSE) or one line (NDJSON).
func (f *format) frame(obj string) chunk {
	if f.sse {
		return newChunk("data: ", obj, "\n\n")
	}
	return newChunk("", obj, "\n")
}

// writer writes stamped chunks and flushes each.
type writer struct {
	w   http.ResponseWriter
	fl  http.Flusher
	err error
}

func (w *writer) write(c *chunk) {
	if w.err != nil {
		return
	}
	c.stamp(unixNow())
	if _, w.err = w.w.Write(c.b); w.err == nil {
		w.fl.Flush()
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, which api) {
	t0 := time.Now()
	s.active.Add(1)
	defer s.active.Add(-1)
	n := s.seq.Add(1)
	bp := s.bufs.Get().(*[]byte)
	body, err := readAll(r.Body, (*bp)[:0])
	if s.opts.Answers != nil && err == nil {
		s.serveAnswer(w, r, which, body)
		*bp = body[:0]
		s.bufs.Put(bp)
		return
	}
	q := parseRequest(body)
	promptTok := (len(body) + 3) / 4
	*bp = body[:0]
	s.bufs.Put(bp)
	if err != nil {
		http.Error(w, `{"error":"reading the request: `+err.Error()+`"}`, http.StatusBadRequest)
		return
	}
	tokens := s.opts.Tokens
	if tokens <= 0 {
		tokens = q.maxTokens
	}
	if tokens <= 0 {
		tokens = DefaultTokens
	}
	st := Stamp{ID: q.id, RequestID: truncate(r.Header.Get(RequestIDHeader), 128), Path: r.URL.Path, ArrivalNS: t0.UnixNano()}
	if st.ID == "" {
		st.ID = "#" + strconv.FormatInt(n, 10)
	}
	f := &formats[which]
	h := w.Header()
	h["Content-Type"] = []string{f.contentType}
	h[ArrivalHeader] = []string{strconv.FormatInt(st.ArrivalNS, 10)}
	if st.RequestID != "" {
		h[RequestIDHeader] = []string{st.RequestID}
	}
	w.WriteHeader(http.StatusOK)
	out := &writer{w: w, fl: w.(http.Flusher)}
	if f.role != "" {
		c := f.frame(f.role)
		out.write(&c)
	}
	st.Tokens, st.FirstTokenNS = s.tokens(r, out, f, t0, tokens)
	s.finish(out, which, f, q, promptTok, st.Tokens, t0)
	st.EndNS = unixNow()
	if s.opts.Log && out.err == nil {
		s.log(st)
	}
}

// tokens streams n token chunks on schedule; it returns how many were sent
// and when the first was flushed.
func (s *Server) tokens(r *http.Request, out *writer, f *format, t0 time.Time, n int) (sent int, first int64) {
	c := f.frame(f.token)
	var tm *time.Timer
	defer func() {
		if tm != nil {
			tm.Stop()
		}
	}()
	for i := 0; i < n && out.err == nil; i++ {
		due := t0.Add(s.opts.FirstTokenDelay + time.Duration(i)*s.opts.TokenDelay)
		if d := time.Until(due); d > 0 {
			if tm == nil {
				tm = time.NewTimer(d)
			} else {
				tm.Reset(d)
			}
			select {
			case <-tm.C:
			case <-r.Context().Done():
				return sent, first
			}
		}
		out.write(&c)
		if out.err == nil {
			if i == 0 {
				first = unixNow()
			}
			sent++
		}
	}
	return sent, first
}

// finish writes the format's closing chunks: the finish reason, the usage
// report when asked for (OpenAI) or the final chunk (Ollama), and [DONE].
func (s *Server) finish(out *writer, which api, f *format, q request, prompt, n int, t0 time.Time) {
	if which == apiOllama {
		el := time.Since(t0).Nanoseconds()
		c := f.frame(`{"model":"fake","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"length"` +
			`,"total_duration":` + itoa(el) + `,"load_duration":0,"prompt_eval_count":` + itoa(int64(prompt)) +
			`,"prompt_eval_duration":0,"eval_count":` + itoa(int64(n)) + `,"eval_duration":` + itoa(el))
		out.write(&c)
		return
	}
	c := f.frame(f.finish)
	out.write(&c)
	if q.includeUsage {
		u, _ := json.Marshal(map[string]int{"prompt_tokens": prompt, "completion_tokens": n, "total_tokens": prompt + n})
		c := f.frame(`{"id":"fake","object":"chat.completion.chunk","created":0,"model":"fake","choices":[],"usage":` + string(u))
		out.write(&c)
	}
	if out.err == nil {
		if _, out.err = io.WriteString(out.w, "data: [DONE]\n\n"); out.err == nil {
			out.fl.Flush()
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// readAll reads r into buf, growing it; bodies over 64 MiB are refused.
func readAll(r io.Reader, buf []byte) ([]byte, error) {
	const limit = 64 << 20
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) > limit {
			return buf, errTooLarge
		}
	}
}
