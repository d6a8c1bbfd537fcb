// Package modelapi sends one streamed request to a model server and records
// what happened on the run clock: when it was sent, when headers, the first
// token, the first content token and every chunk arrived, the token counts
// and how it ended, and the tool calls the model made. It speaks the
// OpenAI-compatible chat and completions APIs (server-sent events) and
// Ollama's native /api/chat (JSON lines), parsing both streams by hand with
// bounded line sizes so that arrival times are exact and hostile input
// cannot grow memory without limit.
package modelapi

import (
	"github.com/tcobench/tcobench/badinput"

	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// Backend kinds, as written in runrecord.Attempt.Backend and RunConfig.Backend.
const (
	KindOpenAIChat        = "openai-chat"
	KindOpenAICompletions = "openai-completions"
	KindOllama            = "ollama"
)

// Kinds lists the supported backend kinds (read only).
var Kinds = []string{KindOpenAIChat, KindOpenAICompletions, KindOllama}

// Backend sends one request and fills the attempt. Implementations never
// retry: a retry would be a new, recorded attempt.
type Backend interface {
	// Kind is one of the Kind* constants.
	Kind() string
	// Do sends req and records its events in a on clk. The caller sets the
	// attempt's identity, ScheduledNS, QueuedNS and Phase; Do sets every other
	// field. When req.KeepOutput is true Do returns the content text. The
	// turn's tool calls are on a.ToolCalls, each with its argument text in
	// ToolCall.Arguments (kept in memory for checks, not written to files).
	Do(ctx context.Context, clk Clock, req *Request, a *runrecord.Attempt) []byte
	// Probe asks the server what it is (kind, version, model), best effort.
	Probe(ctx context.Context, model string) runrecord.ServerInfo
	// CloseIdle closes the connections kept open for reuse (the run is over).
	CloseIdle()
}

// Message is one chat message, as the chat APIs take it.
type Message struct {
	Role    string `json:"role" yaml:"role"`
	Content string `json:"content" yaml:"content"`
}

// Request is one LLM call.
type Request struct {
	Model string
	// Messages are sent to chat APIs; completions APIs get them flattened.
	Messages []Message
	// MaxTokens is the output limit (0: the server's default).
	MaxTokens int
	// KeepOutput asks Do to return the generated content (live replay,
	// success checks).
	KeepOutput bool
	// Tools are the functions the model may call: a JSON array in the
	// OpenAI layout ([{"type":"function","function":{...}}]), sent as
	// "tools" to both APIs; nil: none.
	Tools []byte
	// ResponseSchema, when set, is a JSON Schema the output must follow,
	// sent as structured output (OpenAI response_format json_schema,
	// Ollama format).
	ResponseSchema []byte
}

// promptChars is the total text length of the request's messages, used to
// estimate input tokens when the server reports no usage.
func (r *Request) promptChars() int {
	n := 0
	for _, m := range r.Messages {
		n += len(m.Content)
	}
	return n
}

// estimateTokens estimates a token count from text length (about four
// characters per token for English text with common tokenizers).
func estimateTokens(chars int) int { return (chars + 3) / 4 }

// Clock is the run clock: nanoseconds since the run's start, read from the
// monotonic clock.
type Clock struct{ start time.Time }

// NewClock returns a clock whose zero is start (which should carry a
// monotonic reading, as time.Now does).
func NewClock(start time.Time) Clock { return Clock{start: start} }

// Now is the time on the run clock in nanoseconds.
func (c Clock) Now() int64 { return int64(time.Since(c.start)) }

// Start is the clock's zero.
func (c Clock) Start() time.Time { return c.start }

// Options tune a backend.
type Options struct {
	// Timeout bounds one request from send to the end of its stream (0: none).
	Timeout time.Duration
	// MaxLineBytes bounds one stream line or event (default 1 MiB); a longer
	// one fails the attempt as malformed instead of growing memory.
	MaxLineBytes int
	// MaxConns bounds connections per host (default 0: unlimited).
	MaxConns int
	// IgnoreEOS asks OpenAI-compatible servers that support it (vLLM, llama.cpp)
	// to generate exactly MaxTokens.
	IgnoreEOS bool
	// QuickAck sets TCP_QUICKACK on every connection, re-armed after each
	// read (Linux only), so that the client acknowledges each segment at
	// once instead of after its delayed-ACK timeout: a server with Nagle's
	// algorithm on is then measured without the client's part in the stall.
	// Off, the client acknowledges as a pooled client does.
	QuickAck bool
	// HTTPClient replaces the default client (tests).
	HTTPClient *http.Client
	// APIKey, when set, is sent as "Authorization: Bearer" on every request
	// and removed from every error text the server sends back.
	APIKey string
}

// DefaultMaxLineBytes is the default bound on a stream line or event.
const DefaultMaxLineBytes = 1 << 20

func (o *Options) defaults() {
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Transport: newTransport(o.MaxConns, o.QuickAck)}
	}
}

// newTransport returns a transport for benchmarking: no proxy, no
// compression (it would delay stream events), many idle connections kept;
// with quickAck its connections set TCP_QUICKACK after every read.
func newTransport(maxConns int, quickAck bool) *http.Transport {
	dial := (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	if quickAck {
		plain := dial
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := plain(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return newQuickAckConn(c), nil
		}
	}
	return &http.Transport{
		Proxy:               nil,
		DialContext:         dial,
		DisableCompression:  true,
		MaxIdleConns:        0,
		MaxIdleConnsPerHost: 100000,
		MaxConnsPerHost:     maxConns,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   false,
	}
}

// New returns the client of t's API for the server at t.URL (for example
// "http://127.0.0.1:11434"; a trailing "/v1" is dropped).
func New(t Target, opts Options) (Backend, error) {
	if err := CheckKind(t.API); err != nil {
		return nil, err
	}
	u, err := ParseTarget(t.URL)
	if err != nil {
		return nil, badinput.Field("target", t.URL, "want an http:// or https:// URL such as http://127.0.0.1:11434")
	}
	base := strings.TrimRight(u.String(), "/")
	opts.IgnoreEOS = opts.IgnoreEOS || t.IgnoreEOS
	if opts.QuickAck && !QuickAckSupported {
		return nil, badinput.Field("quickack", true, "TCP_QUICKACK is a Linux socket option; this system has none")
	}
	if opts.APIKey == "" {
		opts.APIKey = t.APIKey
	}
	opts.defaults()
	if t.API == KindOllama {
		return &Ollama{base: base, opts: opts}, nil
	}
	return &OpenAI{kind: t.API, base: base, opts: opts}, nil
}
