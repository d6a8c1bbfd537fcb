package workloads_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/recorder"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

type chatResp struct {
	Choices []struct {
		Message struct{ Content string } `json:"message"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
	} `json:"usage"`
}

// chat sends one non-streamed chat call and decodes the answer.
func chat(t *testing.T, base, model, task string, msgs []modelapi.Message, maxTokens int) chatResp {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"model": model, "messages": msgs, "max_tokens": maxTokens})
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer sk-test-NOT-TO-BE-RECORDED")
	if task != "" {
		req.Header.Set(recorder.TaskHeader, task)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, raw)
	}
	var r chatResp
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Choices) == 0 {
		t.Fatalf("answer %s: %v", raw, err)
	}
	return r
}

// TestCatalogAgainstOllama sends the first step of every catalog entry to
// the real local Ollama, and runs one whole tier1-support-ticket task (five
// steps, growing context) through the load engine.
func TestCatalogAgainstOllama(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 4,000-6,000-token prompts to a CPU model (about a minute)")
	}
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	for _, name := range workloads.CatalogNames() {
		p, err := workloads.Open(name, workloads.ResolveOptions{})
		if err != nil {
			t.Fatal(err)
		}
		in, _ := p.Instance(0)
		start := time.Now()
		r := chat(t, srv.URL(), srv.Model(), "", in.Steps[0].Messages, 2)
		t.Logf("%s: first step, %d prompt tokens, %s", name, r.Usage.PromptTokens, time.Since(start).Round(time.Millisecond))
		if r.Usage.PromptTokens == 0 || r.Usage.CompletionTokens == 0 {
			t.Errorf("%s: usage %+v", name, r.Usage)
		}
	}
	p, err := workloads.Open("tier1-support-ticket", workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Output limits capped at 8 tokens keep the test short on a busy CPU;
	// the prompts and the carried context are the entry's own.
	inner := p.Instance
	p.Instance = func(i int) (workloads.Instance, bool) {
		in, ok := inner(i)
		for k := range in.Steps {
			in.Steps[k].MaxTokens = min(in.Steps[k].MaxTokens, 8)
		}
		return in, ok
	}
	start := time.Now()
	dir := runPlan(t, srv, p, load.Closed{Users: 1}, 1)
	checkAttempts(t, dir, 5)
	t.Logf("tier1-support-ticket: one task of 5 steps through the load engine, %s", time.Since(start).Round(time.Millisecond))
}

func runPlan(t *testing.T, srv *localserver.Server, p *workloads.Plan, sc load.Schedule, count int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	if _, err := load.Run(ctx, load.Config{OutDir: dir, Name: p.Name, Target: modelapi.Target{URL: srv.URL(), API: modelapi.KindOpenAIChat,
		Model: srv.Model()}, Plan: *p, Schedule: sc, Limits: load.Limits{Count: count, RequestTimeout: 3 * time.Minute, Grace: time.Second}, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func checkAttempts(t *testing.T, dir string, want int) []runrecord.Attempt {
	t.Helper()
	atts, err := runrecord.LoadAttempts(dir)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, a := range atts {
		if a.OK {
			ok++
		} else {
			t.Logf("failed attempt %s/%s: %s", a.TaskID, a.StepID, a.Error)
		}
	}
	if len(atts) < want || ok < want {
		t.Fatalf("%d attempts, %d ok; want at least %d ok", len(atts), ok, want)
	}
	return atts
}

// TestCalibrateOllama: after calibration, synthesised prompts land within
// 5% of the asked token length, read through both APIs.
func TestCalibrateOllama(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	ctx := context.Background()
	for _, api := range []string{"openai", "ollama"} {
		c, err := workloads.Calibrate(ctx, workloads.CalibrateOptions{Target: srv.URL(), Model: srv.Model(), API: api})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %.4f tokens/char, overhead %.1f, check error %.2f%%, samples %+v", api, c.TokensPerChar, c.OverheadTokens, c.MaxErrorPct, c.Samples)
		if c.MaxErrorPct > 5 {
			t.Errorf("%s: check error %.1f%% above 5%%", api, c.MaxErrorPct)
		}
		for _, n := range []int{300, 800} {
			text := workloads.SynthText(uint64(n)*7, n, c.TokensPerChar)
			r := chat(t, srv.URL(), srv.Model(), "", []modelapi.Message{{Role: "user", Content: text}}, 1)
			got := float64(r.Usage.PromptTokens) - c.OverheadTokens
			if e := math.Abs(got-float64(n)) / float64(n); e > 0.05 {
				t.Errorf("%s: asked %d tokens, server counted %.0f (+%.0f overhead): %.1f%% off", api, n, got, c.OverheadTokens, 100*e)
			}
		}
		path := filepath.Join(t.TempDir(), "cal.json")
		if err := workloads.SaveCalibration(path, c); err != nil {
			t.Fatal(err)
		}
		if back, err := workloads.LoadCalibration(path); err != nil || back.TokensPerChar != c.TokensPerChar {
			t.Fatalf("reload: %v", err)
		}
	}
}

// TestRecordReplayOllama records a three-step task through the proxy
// against the real local Ollama, then replays the recording with the load
// engine in both replay modes.
func TestRecordReplayOllama(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	up, _ := url.Parse(srv.URL())
	tracePath := filepath.Join(t.TempDir(), "rec.jsonl")
	f, err := os.Create(tracePath)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := recorder.New(recorder.Options{Upstream: up, Out: f, Name: "recorded-ticket"})
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(rec)
	msgs := []modelapi.Message{{Role: "system", Content: "You are a support agent."}}
	for i, q := range []string{"My card was declined abroad.", "I am in Lisbon, card ends 4821.", "Thanks, please confirm by email."} {
		msgs = append(msgs, modelapi.Message{Role: "user", Content: q})
		r := chat(t, proxy.URL, srv.Model(), "ticket-42", msgs, 6+i)
		msgs = append(msgs, modelapi.Message{Role: "assistant", Content: r.Choices[0].Message.Content})
	}
	chat(t, proxy.URL, srv.Model(), "other-task", msgs[:2], 3)
	proxy.Close()
	f.Close()
	raw, _ := os.ReadFile(tracePath)
	if bytes.Contains(raw, []byte("NOT-TO-BE-RECORDED")) {
		t.Fatal("credential recorded")
	}
	p, err := workloads.Open(tracePath, workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := p.Instance(0)
	if p.Len != 2 || in.ID != "ticket-42" || len(in.Steps) != 3 || !in.Steps[1].CarryAll || len(in.Steps[1].Messages) != 1 || in.Steps[2].MaxTokens != 8 {
		t.Fatalf("plan len %d, instance %+v", p.Len, in)
	}
	for _, mode := range []string{workloads.ReplayRecorded, workloads.ReplayLive} {
		t.Run(mode, func(t *testing.T) {
			p, _ := workloads.Open(tracePath, workloads.ResolveOptions{Replay: mode})
			dir := runPlan(t, srv, p, load.Trace{TimeScale: 0.01}, 0)
			atts := checkAttempts(t, dir, 4)
			run, err := runrecord.ReadRun(dir)
			if err != nil {
				t.Fatal(err)
			}
			if run.Workload.ReplayMode != mode || !strings.Contains(run.Workload.Source, "rec.jsonl") {
				t.Errorf("run record workload %+v", run.Workload)
			}
			tasks := map[string]int{}
			for _, a := range atts {
				tasks[a.TaskID]++
			}
			if tasks["ticket-42"] != 3 || tasks["other-task"] != 1 {
				t.Errorf("attempts per task %v", tasks)
			}
		})
	}
	fmt.Fprint(io.Discard, rec.Calls())
}
