package modelapi

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// sseEvents reads every event of in as "type|data".
func sseEvents(t *testing.T, in string) []string {
	t.Helper()
	r := newSSEReader(strings.NewReader(in), 64)
	var got []string
	for {
		ev, data, err := r.next()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(ev)+"|"+string(data))
	}
}

func TestSSEReader(t *testing.T) {
	got := sseEvents(t, ": keep-alive\n\nevent: message\ndata: a\ndata: b\n\ndata:c\r\n\r\ndata: [DONE]\n")
	want := []string{"message|a\nb", "|c", "|[DONE]"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("events %q, want %q", got, want)
	}
}

func TestSSEReaderBoundsLines(t *testing.T) {
	r := newSSEReader(strings.NewReader("data: "+strings.Repeat("x", 1000)+"\n\n"), 100)
	if _, _, err := r.next(); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("err %v, want line too long", err)
	}
	r = newSSEReader(strings.NewReader(strings.Repeat("data: xxxxxxxxxx\n", 50)+"\n"), 100)
	if _, _, err := r.next(); err == nil {
		t.Fatal("event of many data lines over the bound accepted")
	}
}

func TestParseOpenAIChunk(t *testing.T) {
	cases := []struct {
		in                         string
		content, reasoning, finish string
		usage                      bool
	}{
		{`{"choices":[{"delta":{"role":"assistant"}}]}`, "", "", "", false},
		{`{"choices":[{"delta":{"content":"Hi"}}]}`, "Hi", "", "", false},
		{`{"choices":[{"delta":{"reasoning_content":"think"}}]}`, "", "think", "", false},
		{`{"choices":[{"delta":{"reasoning":"r","content":null}}]}`, "", "r", "", false},
		{`{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":null}`, "", "", "stop", false},
		{`{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":2}}}`, "", "", "", true},
	}
	for _, c := range cases {
		var ch openAIChunk
		parseOpenAIChunk([]byte(c.in), true, &ch)
		if string(ch.content) != c.content || string(ch.reasoning) != c.reasoning || string(ch.finish) != c.finish || ch.hasUsage != c.usage {
			t.Errorf("%s: got content %q reasoning %q finish %q usage %v", c.in, ch.content, ch.reasoning, ch.finish, ch.hasUsage)
		}
	}
	var ch openAIChunk
	parseOpenAIChunk([]byte(`{"choices":[{"text":"x","finish_reason":null}]}`), false, &ch)
	if string(ch.content) != "x" {
		t.Errorf("completions text %q", ch.content)
	}
}

// The per-token path must not allocate: only appends to the attempt's slices.
func TestChunkParsingDoesNotAllocate(t *testing.T) {
	data := []byte(`{"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hello"},"finish_reason":null}]}`)
	s := &openAIStream{chat: true}
	a := &runrecord.Attempt{ChunkNS: make([]int64, 0, 2000), ChunkTokens: make([]int, 0, 2000)}
	n := testing.AllocsPerRun(1000, func() { s.event(data, 1, a) })
	if n > 0 {
		t.Fatalf("%.1f allocations per chunk, want 0", n)
	}
	line := []byte(`{"model":"m","created_at":"2026-01-01T00:00:00Z","message":{"role":"assistant","content":"hi"},"done":false}`)
	ns := &ndjsonStream{}
	a = &runrecord.Attempt{ChunkNS: make([]int64, 0, 2000), ChunkTokens: make([]int, 0, 2000)}
	if n := testing.AllocsPerRun(1000, func() { ns.line(line, 1, a) }); n > 0 {
		t.Fatalf("%.1f allocations per NDJSON line, want 0", n)
	}
}

func TestNDJSONStream(t *testing.T) {
	in := `{"message":{"role":"assistant","content":"a"},"done":false}
{"message":{"role":"assistant","thinking":"t","content":""},"done":false}
{"message":{"role":"assistant","content":"b\n"},"done":false}
{"message":{"role":"assistant","content":""},"done":true,"done_reason":"length","total_duration":5000,"load_duration":100,"prompt_eval_count":7,"prompt_eval_duration":1000,"eval_count":3,"eval_duration":2000}
`
	a := &runrecord.Attempt{}
	s := &ndjsonStream{keep: true}
	s.read(context.Background(), NewClock(time.Now()), newLineReader(strings.NewReader(in), 1024), a)
	if !a.OK || a.Tokens.StreamOutput != 3 || a.Server == nil || a.Server.EvalTok != 3 || a.Server.PromptEvalNS != 1000 || a.FinishReason != "length" {
		t.Fatalf("attempt %+v server %+v", a, a.Server)
	}
	if string(s.out) != "ab\n" || s.usage == nil || s.usage.prompt != 7 {
		t.Fatalf("output %q usage %+v", s.out, s.usage)
	}
	a = &runrecord.Attempt{}
	s = &ndjsonStream{}
	s.read(context.Background(), NewClock(time.Now()), newLineReader(strings.NewReader(`{"message":{"content":"a"},"done":false}`+"\n"), 1024), a)
	if a.OK || a.ErrorClass != runrecord.ErrStreamCut {
		t.Fatalf("cut stream: ok=%v class=%q", a.OK, a.ErrorClass)
	}
}

// endless is a stream that never ends and never sends a newline.
type endless struct{ n int }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.n += len(p)
	return len(p), nil
}

// An endless line or event stops at the bound: memory does not grow with it.
func TestEndlessInputIsBounded(t *testing.T) {
	const max = 1 << 16
	for _, prefix := range []string{"data: ", ""} {
		src := &endless{}
		a := &runrecord.Attempt{}
		r := io.MultiReader(strings.NewReader(prefix), src)
		if prefix != "" {
			(&openAIStream{chat: true}).read(context.Background(), NewClock(time.Now()), newSSEReader(r, max), a)
		} else {
			(&ndjsonStream{}).read(context.Background(), NewClock(time.Now()), newLineReader(r, max), a)
		}
		if a.ErrorClass != runrecord.ErrMalformed || src.n > 2*max {
			t.Errorf("prefix %q: class %q after reading %d bytes; want malformed within %d", prefix, a.ErrorClass, src.n, 2*max)
		}
	}
}

// A finished stream gives its connection back: one connection serves
// consecutive requests.
func TestConnectionIsReused(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\ndata: [DONE]\n\n")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	b, err := New(Target{URL: srv.URL, API: KindOpenAIChat}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	clk := NewClock(time.Now())
	for i := 0; i < 5; i++ {
		a := &runrecord.Attempt{}
		b.Do(context.Background(), clk, &Request{Model: "m", MaxTokens: 1}, a)
		if !a.OK {
			t.Fatalf("attempt %d: %s %s", i, a.ErrorClass, a.Error)
		}
		time.Sleep(100 * time.Millisecond) // let the drain hand the connection back, on a busy machine too
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 5 sequential requests, want 1", n)
	}
}
