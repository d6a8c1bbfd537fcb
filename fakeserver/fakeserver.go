// Package fakeserver is a zero-work streaming model server for tcobench's
// self-benchmarks and tests. It speaks the OpenAI-compatible streaming APIs
// (/v1/chat/completions and /v1/completions, server-sent events, with a
// usage chunk when stream_options.include_usage is set) and Ollama's native
// /api/chat (JSON lines), streams a configured number of tokens with a
// configured delay before the first and between tokens (zero for the
// limit), and stamps its own times so that a client's added delay can be
// measured:
//
//   - the response header X-Fake-Arrival-Unix-Ns carries the moment the
//     request arrived (wall clock, Unix nanoseconds), and X-Request-Id
//     echoes the request's own;
//   - every streamed chunk carries a field "t": the moment it was written;
//   - with Options.Log set, the server keeps one Stamp per request (arrival,
//     first token flushed, end), read with Stamps or GET /fake/stamps.
//
// Chunks are pre-encoded: serving a token costs a copy of the stamp digits,
// one write and one flush.
package fakeserver

import (
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ArrivalHeader is the response header carrying the request's arrival time
// at the server (Unix nanoseconds, wall clock); RequestIDHeader the
// request id the server logs and echoes.
const (
	ArrivalHeader   = "X-Fake-Arrival-Unix-Ns"
	RequestIDHeader = "X-Request-Id"
)

// Options configure the server.
type Options struct {
	// Tokens is the number of content tokens per response; 0 takes the
	// request's max_tokens (OpenAI) or num_predict (Ollama), or 16.
	Tokens int
	// FirstTokenDelay is the pause from the request's arrival to the first
	// content token; TokenDelay the pause between tokens (0: as fast as the
	// connection takes them). Tokens are due on an absolute schedule
	// (first + i*TokenDelay), so slow writes do not accumulate drift.
	FirstTokenDelay time.Duration
	TokenDelay      time.Duration
	// Log keeps a Stamp per request (see Stamps).
	Log bool
	// Nagle leaves Nagle's algorithm on for the connections Listen accepts
	// (TCP_NODELAY off), as some servers and proxies do: each small chunk
	// then waits for the client's acknowledgement of the one before, which
	// a client's delayed ACK holds back (about 40 ms on Linux).
	Nagle bool `json:",omitempty"`
	// Answers, when set, answers questions per model name with a configured
	// accuracy and speed (Tokens and the delays above are then unused).
	Answers *Answers
}

// DefaultTokens is the response length when neither the options nor the
// request give one.
const DefaultTokens = 16

// Stamp is the server's own account of one request, in Unix nanoseconds
// (wall clock), so that a client in another process can compare.
type Stamp struct {
	// ID is the content of the request's first message, or its prompt
	// (completions), at most 64 bytes, escapes kept,
	// or "#<n>" (the server's request number) when it had none.
	ID string `json:"id"`
	// RequestID is the request's X-Request-Id header, when it had one (the
	// server answers with the same header, as vLLM does).
	RequestID string `json:"request_id,omitempty"`
	// Path is the API path requested.
	Path string `json:"path"`
	// ArrivalNS is when the handler started (the request's headers were read).
	ArrivalNS int64 `json:"arrival_unix_ns"`
	// FirstTokenNS is when the first content token's chunk was flushed to the
	// connection (0 when none was).
	FirstTokenNS int64 `json:"first_token_unix_ns,omitempty"`
	// EndNS is when the last byte of the response was flushed.
	EndNS int64 `json:"end_unix_ns"`
	// Tokens is the number of content tokens sent.
	Tokens int `json:"tokens"`
}

// Server is the fake model server. It is an http.Handler.
type Server struct {
	opts   Options
	seq    atomic.Int64
	active atomic.Int64
	mu     sync.Mutex
	stamps []Stamp
	bufs   sync.Pool
	mux    *http.ServeMux
}

// New returns a server with options o.
func New(o Options) *Server {
	s := &Server{opts: o}
	s.bufs.New = func() any { b := make([]byte, 0, 4096); return &b }
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /v1/chat/completions", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, apiChat) })
	s.mux.HandleFunc("POST /v1/completions", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, apiCompletions) })
	s.mux.HandleFunc("POST /api/chat", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, apiOllama) })
	s.mux.HandleFunc("GET /v1/models", func(w http.ResponseWriter, _ *http.Request) {
		// Enough of the OpenAI model list for tcobench doctor to see a server.
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"fake","object":"model","owned_by":"tcobench-fakeserver"}]}`))
	})
	s.mux.HandleFunc("GET /fake/stamps", s.serveStamps)
	s.mux.HandleFunc("GET /fake/active", func(w http.ResponseWriter, _ *http.Request) {
		w.Write(strconv.AppendInt(nil, s.active.Load(), 10))
	})
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Active is the number of responses being streamed now.
func (s *Server) Active() int64 { return s.active.Load() }

// Stamps returns the stamps logged so far (a request is logged after its
// last byte was flushed, so a client may see its response end a moment
// before the stamp is there) (with Options.Log) and, when
// reset is true, forgets them.
func (s *Server) Stamps(reset bool) []Stamp {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.stamps
	if reset {
		s.stamps = nil
	} else {
		out = append([]Stamp(nil), out...)
	}
	return out
}

func (s *Server) log(st Stamp) {
	s.mu.Lock()
	s.stamps = append(s.stamps, st)
	s.mu.Unlock()
}

// unixNow is the wall clock in Unix nanoseconds.
func unixNow() int64 { return time.Now().UnixNano() }

// request is what the server needs from a request body.
type request struct {
	id           string
	maxTokens    int
	includeUsage bool
}

var (
	keyContent   = []byte(`"content":`)
	keyPrompt    = []byte(`"prompt":`)
	keyMaxTokens = []byte(`"max_tokens":`)
	keyNumPred   = []byte(`"num_predict":`)
	keyUsage     = []byte(`"include_usage":true`)
)

// parseRequest scans a request body for the few fields the server uses,
// without decoding it.
func parseRequest(body []byte) request {
	var q request
	if i := bytes.Index(body, keyContent); i >= 0 {
		q.id = stringAt(body[i+len(keyContent):])
	} else if i := bytes.Index(body, keyPrompt); i >= 0 {
		q.id = stringAt(body[i+len(keyPrompt):])
	}
	q.maxTokens = intAfter(body, keyMaxTokens)
	if n := intAfter(body, keyNumPred); n > 0 {
		q.maxTokens = n
	}
	q.includeUsage = bytes.Contains(body, keyUsage)
	return q
}

// stringAt reads a JSON string value (up to 64 bytes, escapes kept) at the
// start of b, after optional spaces.
func stringAt(b []byte) string {
	b = bytes.TrimLeft(b, " ")
	if len(b) == 0 || b[0] != '"' {
		return ""
	}
	b = b[1:]
	end := bytes.IndexByte(b, '"')
	if end < 0 {
		return ""
	}
	return string(b[:min(end, 64)])
}

// intAfter reads the integer after key in b (0 when absent).
func intAfter(b, key []byte) int {
	i := bytes.Index(b, key)
	if i < 0 {
		return 0
	}
	b = bytes.TrimLeft(b[i+len(key):], " ")
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
