package load

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fault is a behaviour of the loopback fault-injection server.
type fault string

const (
	faultNone       fault = "ok"
	fault500        fault = "500"
	fault429        fault = "429"
	faultCut        fault = "cut"
	faultSlowFirst  fault = "slow-first-byte"
	faultMalformed  fault = "malformed"
	faultNoUsage    fault = "no-usage"
	faultHang       fault = "hang"
	faultStreamErr  fault = "stream-error"
	faultHugeLine   fault = "huge-line"
	faultReasoning  fault = "reasoning"
	faultSlowServer fault = "slow-server" // every response takes service time
)

// fakeServer is an OpenAI-compatible streaming server that misbehaves on
// purpose. tokens is the number of content chunks; gap the pause between them.
type fakeServer struct {
	f       fault
	tokens  int
	gap     time.Duration
	service time.Duration
}

func startFake(t *testing.T, fs fakeServer) *httptest.Server {
	t.Helper()
	if fs.tokens == 0 {
		fs.tokens = 4
	}
	srv := httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(srv.Close)
	return srv
}

func (fs fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	// Reading the body lets the server notice a client that hangs up.
	_, _ = io.Copy(io.Discard, r.Body)
	if r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	switch fs.f {
	case fault500:
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	case fault429:
		http.Error(w, `{"error":"rate limited"}`, http.StatusTooManyRequests)
		return
	case faultHang:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		return
	case faultSlowFirst:
		time.Sleep(300 * time.Millisecond)
	case faultSlowServer:
		time.Sleep(fs.service)
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	send := func(s string) {
		fmt.Fprintf(w, "data: %s\n\n", s)
		fl.Flush()
	}
	send(`{"choices":[{"index":0,"delta":{"role":"assistant"}}]}`)
	if fs.f == faultReasoning {
		send(`{"choices":[{"index":0,"delta":{"reasoning_content":"hmm"}}]}`)
		time.Sleep(50 * time.Millisecond)
	}
	for i := 0; i < fs.tokens; i++ {
		if fs.gap > 0 {
			time.Sleep(fs.gap)
		}
		switch {
		case fs.f == faultCut && i == 2:
			panic(http.ErrAbortHandler) // drop the connection mid-stream
		case fs.f == faultMalformed && i == 1:
			send(`{"choices":[{"delta":{"content":"x"`)
			continue
		case fs.f == faultStreamErr && i == 1:
			send(`{"error":{"message":"model crashed","type":"server_error"}}`)
			return
		case fs.f == faultHugeLine && i == 1:
			fmt.Fprintf(w, "data: %s", strings.Repeat("a", 1<<20+100))
			fl.Flush()
			return
		}
		send(fmt.Sprintf(`{"choices":[{"index":0,"delta":{"content":"tok%d "}}]}`, i))
	}
	send(`{"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}`)
	if fs.f != faultNoUsage {
		send(fmt.Sprintf(`{"choices":[],"usage":{"prompt_tokens":7,"completion_tokens":%d,"total_tokens":%d}}`, fs.tokens, fs.tokens+7))
	}
	send("[DONE]")
}
