package recorder

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tcobench/tcobench/workloads"
)

// syncBuffer is a goroutine-safe trace sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startProxy(t *testing.T, upstream string, redact bool) (*httptest.Server, *syncBuffer, *Recorder) {
	t.Helper()
	u, _ := url.Parse(upstream)
	out := &syncBuffer{}
	rec, err := New(Options{Upstream: u, Out: out, Redact: redact, Name: "t"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv, out, rec
}

func post(t *testing.T, url, task, body string, hdr map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if task != "" {
		req.Header.Set(TaskHeader, task)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readTrace(t *testing.T, s string) *workloads.Trace {
	t.Helper()
	tr, _, err := workloads.ReadTrace("rec.jsonl", strings.NewReader(s), false)
	if err != nil {
		t.Fatalf("recorded trace does not read back: %v\n%s", err, s)
	}
	return tr
}

// TestStreamsUnbuffered: the first chunk reaches the client while the
// upstream is still holding the rest back.
func TestStreamsUnbuffered(t *testing.T) {
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n")
		w.(http.Flusher).Flush()
		<-release
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n")
		fmt.Fprint(w, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n")
	}))
	defer up.Close()
	proxy, out, rec := startProxy(t, up.URL, false)
	resp := post(t, proxy.URL, "ticket-1", `{"model":"m","stream":true,"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`, nil)
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	got := make(chan string, 1)
	go func() {
		line, _ := br.ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		if !strings.Contains(line, "Hel") {
			t.Fatalf("first line %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the first chunk did not arrive while the upstream held the rest: the proxy buffers")
	}
	close(release)
	rest, _ := io.ReadAll(br)
	if !strings.Contains(string(rest), "[DONE]") || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("rest %q, headers %v", rest, resp.Header)
	}
	waitCalls(t, rec, 1)
	c := readTrace(t, out.String()).Calls[0]
	if c.Task != "ticket-1" || c.Model != "m" || !c.Stream || c.MaxTokens != 5 || c.Output != "Hello" ||
		c.PromptTokens != 7 || c.CompletionTokens != 2 || c.Status != 200 || c.LatencyNS <= 0 || c.Messages[0].Content != "hi" {
		t.Errorf("recorded %+v", c)
	}
}

func waitCalls(t *testing.T, rec *Recorder, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for rec.Calls() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d calls recorded; want %d", rec.Calls(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCredentialsNeverRecorded: Authorization, API-key headers and api_key
// fields reach the upstream but never the trace, redacted or not, even when
// the upstream echoes them in an error.
func TestCredentialsNeverRecorded(t *testing.T) {
	for _, redact := range []bool{false, true} {
		t.Run(fmt.Sprint("redact=", redact), func(t *testing.T) {
			var gotAuth string
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotAuth = r.Header.Get("Authorization")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s and %s"}}`, strings.TrimPrefix(gotAuth, "Bearer "), r.Header.Get("X-Api-Key"))
			}))
			defer up.Close()
			proxy, out, rec := startProxy(t, up.URL, redact)
			resp := post(t, proxy.URL, "t", `{"model":"m","api_key":"SECRET-body-4","messages":[{"role":"user","content":"hello"}]}`,
				map[string]string{"Authorization": "Bearer sk-SECRET-1", "api-key": "SECRET-azure-2", "X-Api-Key": "SECRET-x-3"})
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 401 || !strings.Contains(string(body), "sk-SECRET-1") || gotAuth != "Bearer sk-SECRET-1" {
				t.Fatalf("pass-through: status %d body %q upstream auth %q", resp.StatusCode, body, gotAuth)
			}
			waitCalls(t, rec, 1)
			s := out.String()
			if strings.Contains(s, "SECRET") {
				t.Fatalf("a credential reached the trace:\n%s", s)
			}
			c := readTrace(t, s).Calls[0]
			if c.Status != 401 || c.Error == "" {
				t.Errorf("upstream error not recorded: %+v", c)
			}
		})
	}
}

// TestRedact: no message or output text in the file, only lengths and hashes.
func TestRedact(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"choices":[{"message":{"role":"assistant","content":"confidential answer"}}],"usage":{"prompt_tokens":9,"completion_tokens":3}}`)
	}))
	defer up.Close()
	proxy, out, rec := startProxy(t, up.URL, true)
	resp := post(t, proxy.URL, "t", `{"model":"m","messages":[{"role":"system","content":"secret system prompt"},{"role":"user","content":[{"type":"text","text":"private question"}]}]}`, nil)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "confidential answer") {
		t.Fatalf("response altered: %s", body)
	}
	waitCalls(t, rec, 1)
	s := out.String()
	for _, w := range []string{"secret", "private", "question", "confidential", "answer"} {
		if strings.Contains(s, w) {
			t.Fatalf("redacted trace holds %q:\n%s", w, s)
		}
	}
	tr := readTrace(t, s)
	c := tr.Calls[0]
	if !tr.Header.Redacted || len(c.Digests) != 2 || c.Digests[1].Chars != len("private question") || len(c.Digests[0].SHA256) != 64 ||
		c.OutputDigest == nil || c.OutputDigest.Chars != len("confidential answer") || c.PromptTokens != 9 {
		t.Errorf("recorded %+v", c)
	}
}

// TestUpstreamDown: the client gets 502 and the failure is recorded.
func TestUpstreamDown(t *testing.T) {
	up := httptest.NewServer(http.NotFoundHandler())
	addr := up.URL
	up.Close()
	proxy, out, rec := startProxy(t, addr, false)
	resp := post(t, proxy.URL, "", `{"model":"m","messages":[{"role":"user","content":"x"}]}`, nil)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("status %d", resp.StatusCode)
	}
	waitCalls(t, rec, 1)
	if c := readTrace(t, out.String()).Calls[0]; c.Status != 502 || !strings.Contains(c.Error, "connect") {
		t.Errorf("recorded %+v", c)
	}
}

// TestArrivalOrder: a slow first call and a fast second one are written as
// they finish (the fast one first, the slow one holding nothing back) and
// read back in arrival order.
func TestArrivalOrder(t *testing.T) {
	slowArrived := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(TaskHeader) == "slow" {
			close(slowArrived) // the proxy has taken the slow call: the fast one arrives after it
			time.Sleep(300 * time.Millisecond)
		}
		fmt.Fprint(w, `{"choices":[{"message":{"content":"ok"}}]}`)
	}))
	defer up.Close()
	proxy, out, rec := startProxy(t, up.URL, false)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		post(t, proxy.URL, "slow", `{"messages":[{"role":"user","content":"a"}]}`, nil).Body.Close()
	}()
	<-slowArrived
	post(t, proxy.URL, "fast", `{"messages":[{"role":"user","content":"b"}]}`, nil).Body.Close()
	wg.Wait()
	// A non-chat path passes through without being recorded.
	if r, err := http.Get(proxy.URL + "/v1/models"); err == nil {
		r.Body.Close()
	}
	waitCalls(t, rec, 2)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"task":"fast"`) {
		t.Fatalf("not written in completion order:\n%s", out.String())
	}
	tr := readTrace(t, out.String())
	if len(tr.Calls) != 2 || tr.Calls[0].Task != "slow" || tr.Calls[1].Task != "fast" {
		t.Fatalf("calls %+v", tr.Calls)
	}
}
