package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/runrecord"
)

func TestWorkloadsCommands(t *testing.T) {
	code, out, errOut := runTcobench(t, "workloads", "list")
	for _, n := range []string{"draft-email", "tier1-support-ticket", "proposal-generation", "contract-redline", "meeting-summary", "code-review-agent"} {
		if code != 0 || !strings.Contains(out, n) {
			t.Fatalf("list: exit %d, missing %s:\n%s%s", code, n, out, errOut)
		}
	}
	code, out, _ = runTcobench(t, "workloads", "show", "tier1-support-ticket", "--instance", "2")
	if code != 0 || !strings.Contains(out, "instance 2: id tier1-support-ticket-2") || !strings.Contains(out, "retrieve") {
		t.Fatalf("show: exit %d\n%s", code, out)
	}
	bad := writeFile(t, "bad.yaml", "version: 1\nname: x\nfoo: 1\narrival: {process: poisson}\ntasks: []\n")
	// Problems are listed on stdout (like profiles and prices validate); stderr
	// carries the one summary line.
	code, out, errOut = runTcobench(t, "workloads", "validate", bad, "tier1-support-ticket")
	for _, w := range []string{bad + ":3: unknown field \"foo\"", bad + ":4: arrival.rate_per_s", bad + ":5: tasks: want at least one task"} {
		if code != 2 || !strings.Contains(out, w) {
			t.Errorf("validate: exit %d, want %q in:\n%s", code, w, out)
		}
	}
	if n := strings.Count(strings.TrimSpace(errOut), "\n"); n != 0 {
		t.Errorf("validate: want one line on stderr, got:\n%s", errOut)
	}
	good := writeFile(t, "ok.jsonl", `{"format":"tcobench-trace","version":1,"name":"x","arrival":{"process":"trace"}}`+"\n"+`{"at_ns":0,"prompt_tokens":4}`+"\n")
	if code, out, errOut = runTcobench(t, "workloads", "validate", good); code != 0 || !strings.Contains(out, "ok "+good) {
		t.Errorf("validate trace: exit %d %s %s", code, out, errOut)
	}
}

func TestWorkloadsImportCmd(t *testing.T) {
	csv := writeFile(t, "az.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:47.0000000,-3,5\n2023-11-16 18:15:48.5000000,100,7\n")
	out := filepath.Join(t.TempDir(), "az.jsonl")
	code, _, errOut := runTcobench(t, "workloads", "import", csv, "--out", out)
	if code != 2 || !strings.Contains(errOut, csv+":3: column ContextTokens") || !strings.Contains(errOut, "1 bad row(s) of 3") {
		t.Fatalf("import refused: exit %d: %s", code, errOut)
	}
	code, stdout, errOut := runTcobench(t, "workloads", "import", csv, "--out", out, "--skip-bad")
	if code != 0 || !strings.Contains(stdout, "imported 2 of 3 rows (1 bad, skipped)") || !strings.Contains(errOut, "skipped "+csv+":3:") {
		t.Fatalf("import --skip-bad: exit %d: %s %s", code, stdout, errOut)
	}
	code, stdout, _ = runTcobench(t, "workloads", "show", out, "--instance", "1", "--resolved-only")
	if code != 0 || !strings.Contains(stdout, "arrives at 1.8194100s") && !strings.Contains(stdout, "arrives at 1.81941s") {
		t.Fatalf("show import: exit %d\n%s", code, stdout)
	}
}

// startRecord runs `tcobench record` until the returned stop is called,
// which returns its exit status and stderr.
func startRecord(t *testing.T, upstream, trace string, extra ...string) (addr string, stop func() (int, string)) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	errOut := &bytes.Buffer{}
	args := append([]string{"record", "--listen", addr, "--upstream", upstream, "--out", trace}, extra...)
	go func() { done <- execute(ctx, args, &bytes.Buffer{}, errOut) }()
	for i := 0; i < 250; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, func() (int, string) {
		cancel()
		return <-done, errOut.String()
	}
}

// TestRecordThenRunOllama records a three-step task through `tcobench
// record` against the real local Ollama, then replays the recording with
// `tcobench run`.
func TestRecordThenRunOllama(t *testing.T) {
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	trace := filepath.Join(t.TempDir(), "ticket.jsonl")
	addr, stop := startRecord(t, srv.URL(), trace)
	history := `{"role":"system","content":"You are a support agent."}`
	for i, q := range []string{"My card was declined.", "It ends in 4821.", "Please confirm by email."} {
		history += `,{"role":"user","content":"` + q + `"}`
		body := fmt.Sprintf(`{"model":%q,"max_tokens":%d,"stream":%v,"messages":[%s]}`, srv.Model(), 5+i, i == 1, history)
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("X-Tcobench-Task", "ticket-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %s", resp.StatusCode, raw)
		}
		history += `,{"role":"assistant","content":"reply ` + fmt.Sprint(i) + `"}`
	}
	if code, errOut := stop(); code != 0 || !strings.Contains(errOut, "recorded 3 call(s)") {
		t.Fatalf("record: exit %d: %s", code, errOut)
	}
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runTcobench(t, "run", "--workload", trace, "--target", srv.URL(), "--model", srv.Model(),
		"--out", dir, "--time-scale", "0.01", "--quiet")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errOut)
	}
	atts, err := runrecord.LoadAttempts(dir)
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for _, a := range atts {
		if a.OK && a.TaskID == "ticket-1" {
			ok++
		}
	}
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ok != 3 || run.Workload.ReplayMode != "recorded" {
		t.Fatalf("%d ok attempts of task ticket-1 (want 3), replay %q", ok, run.Workload.ReplayMode)
	}
}

// TestRecordCmd runs `tcobench record --redact` against a fake upstream and
// checks that the call lands in the trace without the credential or text.
func TestRecordCmd(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"choices":[{"message":{"content":"hello there"}}],"usage":{"prompt_tokens":3,"completion_tokens":2}}`)
	}))
	defer up.Close()
	trace := filepath.Join(t.TempDir(), "rec.jsonl")
	addr, stop := startRecord(t, up.URL, trace, "--redact")
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/chat/completions", strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"my private words"}]}`))
	req.Header.Set("Authorization", "Bearer sk-VERY-SECRET")
	req.Header.Set("X-Tcobench-Task", "t1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code, errOut := stop()
	if code != 0 || !strings.Contains(errOut, "recorded 1 call(s)") {
		t.Fatalf("record exited %d: %s", code, errOut)
	}
	raw, _ := os.ReadFile(trace)
	s := string(raw)
	if strings.Contains(s, "SECRET") || strings.Contains(s, "private") || !strings.Contains(s, `"task":"t1"`) || !strings.Contains(s, `"redacted":true`) {
		t.Fatalf("trace:\n%s", s)
	}
	if code, _, errOut := runTcobench(t, "record", "--upstream", up.URL, "--out", trace); code != 2 || !strings.Contains(errOut, "never overwritten") {
		t.Errorf("existing trace: exit %d: %s", code, errOut)
	}
}
