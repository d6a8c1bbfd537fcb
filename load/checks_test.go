package load

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// qaWorkload is a one-question task whose prompt carries its answer for the
// fakeserver's answers mode, checked by equals, with a second step that
// makes the task's own check read the first step's output.
const qaWorkload = `version: 1
name: qa
seed: 3
arrival: {process: closed, users: 2}
content:
  q: {file: q.jsonl}
tasks:
  - name: qa
    steps:
      - id: ask
        max_tokens: 8
        messages:
          - role: user
            template: "Code of {{.q.name}}? [[answer:{{.q.code}}]]"
        checks:
          - type: equals
            expected: "{{.q.code}}"
      - id: echo
        max_tokens: 8
        messages:
          - role: user
            text: "Say anything."
    checks:
      - type: contains
        name: ask-has-code
        step: ask
        expected: "{{.q.code}}"
`

func writeQA(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "qa.yaml"), []byte(qaWorkload), 0o644); err != nil {
		t.Fatal(err)
	}
	q := `{"name":"alpha","code":"A1"}` + "\n" + `{"name":"beta","code":"B2"}` + "\n" + `{"name":"gamma","code":"C3"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "q.jsonl"), []byte(q), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "qa.yaml")
}

// A model answering 60 % of the questions right passes exactly 60 % of the
// tasks: every step's check and the task's outcome are in requests.jsonl,
// and the summary carries the pass rate with its interval and pass^k.
func TestChecksJudgeTasks(t *testing.T) {
	plan, err := workloads.Open(writeQA(t), workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Two requests a task: the "echo" step never carries an answer, so
	// the model's count runs over both steps: 60 % of 20 requests right
	// is 12, all on the "ask" steps (the pattern finds none in "echo").
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{
		Models: map[string]fakeserver.Model{"m": {Accuracy: 0.6, TokenDelay: time.Millisecond}}}}))
	defer srv.Close()
	cfg := Config{OutDir: t.TempDir(), Target: modelapi.Target{URL: srv.URL, API: modelapi.KindOpenAIChat, Model: "m"},
		Plan: *plan, Schedule: Closed{Users: 1}, Limits: Limits{Count: 10, RequestTimeout: 5 * time.Second}}
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	passed, outcomes := 0, 0
	for _, a := range atts {
		if a.StepID == "ask" && len(a.Checks) != 1 {
			t.Fatalf("attempt %d of step ask carries %d check results", a.Seq, len(a.Checks))
		}
		if a.Task != nil {
			outcomes++
			if a.StepID != "echo" || len(a.Task.Checks) != 1 || !strings.HasPrefix(a.Task.Instance, "qa#") {
				t.Fatalf("task outcome %+v on step %s", a.Task, a.StepID)
			}
			if a.Task.Pass {
				passed++
			} else if !strings.Contains(a.Task.Reason, "check equals failed") {
				t.Errorf("failed task's reason %q", a.Task.Reason)
			}
		}
	}
	o := run.Summary.Outcomes
	if outcomes != 10 || o == nil || o.Basis != runrecord.OutcomeChecked || o.Tasks != 10 || o.Passed != passed {
		t.Fatalf("%d outcomes (%d passed) in requests.jsonl; summary %+v", outcomes, passed, o)
	}
	if passed < 5 || passed > 7 || o.PassRateLow >= o.PassRate || o.PassRateHigh <= o.PassRate {
		t.Fatalf("passed %d of 10 (pass rate %.2f, interval %.2f–%.2f): want about 6", passed, o.PassRate, o.PassRateLow, o.PassRateHigh)
	}
	if len(o.PassK) == 0 || o.PassK[0].Instances > 3 {
		t.Errorf("pass^k %+v: want trials of the 3 instances", o.PassK)
	}
}

// A failed request fails its task, with the reason on the outcome.
func TestChecksFailedStepFailsTask(t *testing.T) {
	plan, err := workloads.Open(writeQA(t), workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{Models: map[string]fakeserver.Model{}}}))
	defer srv.Close()
	cfg := Config{OutDir: t.TempDir(), Target: modelapi.Target{URL: srv.URL, API: modelapi.KindOpenAIChat, Model: "absent"},
		Plan: *plan, Schedule: Closed{Users: 1}, Limits: Limits{Count: 2, RequestTimeout: 5 * time.Second}}
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	atts, _ := runrecord.LoadAttempts(cfg.OutDir)
	if len(atts) != 2 || atts[0].Task == nil || atts[0].Task.Pass || !strings.Contains(atts[0].Task.Reason, "step ask failed: http_status") {
		t.Fatalf("attempts %+v", atts)
	}
	if o := run.Summary.Outcomes; o.Tasks != 2 || o.Passed != 0 {
		t.Fatalf("outcomes %+v", o)
	}
}

// A judge check runs in the background, its tokens recorded on the check
// and added up apart from the task's; an unreachable judge stops the run
// before anything is sent.
func TestJudgeChecksInTheEngine(t *testing.T) {
	judge := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{
		Models: map[string]fakeserver.Model{"judge": {FirstTokenDelay: 500 * time.Millisecond}}, Wrong: "PASS polite"}}))
	defer judge.Close()
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Answers: &fakeserver.Answers{Models: map[string]fakeserver.Model{"m": {Accuracy: 1}}}}))
	defer srv.Close()
	path := writeQA(t)
	wl, _ := os.ReadFile(path)
	withJudge := strings.Replace(string(wl), "    checks:\n      - type: contains", "    checks:\n      - type: judge\n        rubric: \"Gives the code {{.q.code}}.\"\n        judge: {target: "+judge.URL+", model: judge}\n      - type: contains", 1)
	os.WriteFile(path, []byte(withJudge), 0o644)
	plan, err := workloads.Open(path, workloads.ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{OutDir: t.TempDir(), Target: modelapi.Target{URL: srv.URL, API: modelapi.KindOpenAIChat, Model: "m"},
		Plan: *plan, Schedule: Closed{Users: 2}, Limits: Limits{Count: 4, RequestTimeout: 5 * time.Second}}
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	o := run.Summary.Outcomes
	if o.Passed != 4 || o.Judge == nil || o.Judge.Requests != 4 || o.Judge.Model != "judge" || o.ByType["judge"].Passed != 4 {
		t.Fatalf("outcomes %+v judge %+v", o, o.Judge)
	}
	// The judge answers in 500 ms; the task itself takes a few ms (a few
	// hundred on a loaded machine at most).
	if tl := run.Summary.LatencyMS[runrecord.MetricTaskLatency]; tl.Max >= 250 {
		t.Errorf("task latency max %.1f ms: the judge's 500 ms must not be in the task's time", tl.Max)
	}

	plan.Judges[0].Judge.Target = "http://127.0.0.1:1"
	cfg.OutDir = t.TempDir()
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "qa.yaml:") || !strings.Contains(err.Error(), "does not answer") {
		t.Fatalf("unreachable judge: error %v", err)
	}
	if _, err := os.Stat(filepath.Join(cfg.OutDir, runrecord.RequestsFile)); err == nil {
		t.Error("requests.jsonl written although the judge was unreachable")
	}
}
