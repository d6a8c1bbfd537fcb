package fakeserver

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
)

// TestBackendsParse checks that tcobench's own stream readers accept every
// format the server speaks and count its tokens.
func TestBackendsParse(t *testing.T) {
	for _, tc := range []struct {
		kind      string
		tokens    int
		maxTokens int
		want      int
		source    string
	}{
		{modelapi.KindOpenAIChat, 7, 0, 7, runrecord.TokensFromUsage},
		{modelapi.KindOpenAIChat, 0, 5, 5, runrecord.TokensFromUsage},
		{modelapi.KindOpenAICompletions, 3, 0, 3, runrecord.TokensFromUsage},
		{modelapi.KindOllama, 4, 0, 4, runrecord.TokensFromUsage},
		{modelapi.KindOllama, 0, 9, 9, runrecord.TokensFromUsage},
		{modelapi.KindOpenAIChat, 0, 0, DefaultTokens, runrecord.TokensFromUsage},
	} {
		t.Run(tc.kind+"/"+strconv.Itoa(tc.want), func(t *testing.T) {
			s := New(Options{Tokens: tc.tokens, Log: true})
			srv := httptest.NewServer(s)
			defer srv.Close()
			be, err := modelapi.New(modelapi.Target{URL: srv.URL, API: tc.kind}, modelapi.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var a runrecord.Attempt
			clk := modelapi.NewClock(time.Now())
			be.Do(context.Background(), clk, &modelapi.Request{Model: "m", MaxTokens: tc.maxTokens,
				Messages: []modelapi.Message{{Role: "user", Content: "req-42"}}}, &a)
			if !a.OK {
				t.Fatalf("attempt failed: %s %s", a.ErrorClass, a.Error)
			}
			if a.Tokens.StreamOutput != tc.want || a.Tokens.Output != tc.want || a.Tokens.Source != tc.source {
				t.Errorf("tokens = %+v, want %d from %s", a.Tokens, tc.want, tc.source)
			}
			if len(a.ChunkNS) != tc.want {
				t.Errorf("chunks = %d, want %d", len(a.ChunkNS), tc.want)
			}
			st := waitStamps(s, 1)
			if len(st) != 1 || st[0].ID != "req-42" || st[0].Tokens != tc.want {
				t.Fatalf("stamps = %+v", st)
			}
			if !(st[0].ArrivalNS > 0 && st[0].ArrivalNS <= st[0].FirstTokenNS && st[0].FirstTokenNS <= st[0].EndNS) {
				t.Errorf("stamps out of order: %+v", st[0])
			}
		})
	}
}

// TestStampsAndDelays reads a raw stream: the arrival header, an in-band
// stamp on every chunk, the role chunk first, and the configured delays.
func TestStampsAndDelays(t *testing.T) {
	s := New(Options{Tokens: 3, FirstTokenDelay: 30 * time.Millisecond, TokenDelay: 10 * time.Millisecond})
	srv := httptest.NewServer(s)
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
		strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	arrival, err := strconv.ParseInt(resp.Header.Get(ArrivalHeader), 10, 64)
	if err != nil {
		t.Fatalf("arrival header: %v", err)
	}
	var stamps []int64
	var contents []string
	sc := bufio.NewScanner(resp.Body)
	done := false
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if line == "[DONE]" {
			done = true
			break
		}
		var c struct {
			T       int64 `json:"t"`
			Choices []struct {
				Delta struct{ Content *string } `json:"delta"`
			} `json:"choices"`
			Usage *struct{} `json:"usage"`
		}
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("chunk %q: %v", line, err)
		}
		if c.Usage != nil {
			t.Error("usage chunk sent without stream_options.include_usage")
		}
		stamps = append(stamps, c.T)
		if len(c.Choices) > 0 && c.Choices[0].Delta.Content != nil {
			contents = append(contents, *c.Choices[0].Delta.Content)
		}
	}
	if !done || len(contents) != 3 || len(stamps) != 5 { // role, 3 tokens, finish
		t.Fatalf("done=%v contents=%q stamps=%d", done, contents, len(stamps))
	}
	if stamps[0] < arrival {
		t.Errorf("role chunk stamped %d before arrival %d", stamps[0], arrival)
	}
	// The arrival stamp and the schedule's base are read a moment apart, so
	// the bounds allow slack: they check the delays exist, not their precision.
	const slack = 2 * time.Millisecond
	if d := time.Duration(stamps[1] - arrival); d < 30*time.Millisecond-slack {
		t.Errorf("first token %v after arrival, want >= 30ms", d)
	}
	// Tokens are due on an absolute schedule and timers never fire early,
	// so these are lower bounds, not timing expectations.
	if d := time.Duration(stamps[3] - arrival); d < 50*time.Millisecond-slack {
		t.Errorf("third token %v after arrival, want >= 30ms + 2*10ms", d)
	}
}

func TestStampFormatting(t *testing.T) {
	c := newChunk("data: ", `{"a":1`, "\n\n")
	for _, v := range []int64{1764000000123456789, 42, 0} {
		c.stamp(v)
		body := strings.TrimSuffix(strings.TrimPrefix(string(c.b), "data: "), "\n\n")
		var got struct{ T int64 }
		if err := json.Unmarshal([]byte(body), &got); err != nil || got.T != v {
			t.Errorf("stamp %d: %q -> %d, %v", v, body, got.T, err)
		}
	}
}

func TestParseRequest(t *testing.T) {
	q := parseRequest([]byte(`{"model":"m","messages":[{"role":"user","content": "abc"}],"max_tokens": 12,"stream_options":{"include_usage":true}}`))
	if q.id != "abc" || q.maxTokens != 12 || !q.includeUsage {
		t.Errorf("openai: %+v", q)
	}
	q = parseRequest([]byte(`{"model":"m","messages":[],"options":{"num_predict":7}}`))
	if q.id != "" || q.maxTokens != 7 || q.includeUsage {
		t.Errorf("ollama: %+v", q)
	}
}

func TestStampsEndpoint(t *testing.T) {
	s := New(Options{Tokens: 1, Log: true})
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := s.Listen(ctx, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()
	resp, err := http.Post("http://"+addr+"/api/chat", "application/json", strings.NewReader(`{"messages":[{"role":"user","content":"q1"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	waitStamps(s, 1)
	for _, want := range []int{1, 0} {
		resp, err := http.Get("http://" + addr + "/fake/stamps?reset=1")
		if err != nil {
			t.Fatal(err)
		}
		var st []Stamp
		err = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if err != nil || len(st) != want {
			t.Fatalf("stamps = %+v, %v; want %d", st, err, want)
		}
	}
}

// waitStamps waits up to a second for n stamps (a request is logged just
// after its last flush, which the client may see first).
func waitStamps(s *Server, n int) []Stamp {
	for i := 0; i < 100; i++ {
		if st := s.Stamps(false); len(st) >= n {
			return st
		}
		time.Sleep(10 * time.Millisecond)
	}
	return s.Stamps(false)
}

// TestModelsList: the fake server lists one model, so doctor sees a server.
func TestModelsList(t *testing.T) {
	srv := httptest.NewServer(New(Options{Tokens: 1}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Data) != 1 || list.Data[0].ID != "fake" {
		t.Fatalf("models list %+v, err %v", list, err)
	}
}
