package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"github.com/tcobench/tcobench/modelapi"

	"bytes"
	"reflect"
	"strings"
	"testing"
)

func TestTraceRoundTrip(t *testing.T) {
	cost, ok := 0.5, true
	in := &Trace{Header: TraceHeader{Name: "r", Source: "test", Replay: ReplayLive, Arrival: TraceArrival{Process: runrecord.ArrivalTrace}, Notes: []string{"n"}},
		Calls: []Call{
			{AtNS: 0, Task: "t1", Step: "s1", Model: "m", Messages: []modelapi.Message{{Role: "user", Content: "hi <b>"}}, Output: "hello", PromptTokens: 3, CompletionTokens: 2, LatencyNS: 10, Status: 200, TaskCostUSD: &cost, Success: &ok},
			{AtNS: 5, HashIDs: []int64{1, 2}, PromptTokens: 700, CompletionTokens: 9},
			{AtNS: 5, Digests: []Digest{{Role: "user", Chars: 12, SHA256: "ab"}}, OutputDigest: &Digest{Chars: 3, SHA256: "cd"}},
		}}
	var buf bytes.Buffer
	if err := WriteTrace(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, rep, err := ReadTrace("r.jsonl", &buf, false)
	if err != nil {
		t.Fatal(err)
	}
	in.Header.Format, in.Header.Version = TraceFormat, FormatVersion
	if !reflect.DeepEqual(in.Header, out.Header) || !reflect.DeepEqual(in.Calls, out.Calls) || rep.Rows != 3 {
		t.Fatalf("round trip differs:\n%+v\n%+v", in, out)
	}
	if !reflect.DeepEqual(out.Lines, []int{2, 3, 4}) {
		t.Errorf("lines %v", out.Lines)
	}
}

// TestTracePlanCarry: calls that resend the whole context (as a proxy
// records them) become steps carrying the earlier ones, so live replay
// carries the server's own replies.
func TestTracePlanCarry(t *testing.T) {
	sys := modelapi.Message{Role: "system", Content: "be brief"}
	u1 := modelapi.Message{Role: "user", Content: "first"}
	u2 := modelapi.Message{Role: "user", Content: "second"}
	tr := &Trace{Header: TraceHeader{Name: "c", Arrival: TraceArrival{Process: runrecord.ArrivalTrace}}, Calls: []Call{
		{AtNS: 1e9, Task: "a", Messages: []modelapi.Message{sys, u1}, Output: "one", LatencyNS: 2e9, CompletionTokens: 5},
		{AtNS: 2e9, Task: "b", Messages: []modelapi.Message{u1}, Output: "x", MaxTokens: 7},
		{AtNS: 4e9, Task: "a", Messages: []modelapi.Message{sys, u1, {Role: "assistant", Content: "one"}, u2}, Output: "two"},
		{AtNS: 9e9, Task: "a", Messages: []modelapi.Message{sys, u2}, Output: "three"},
	}}
	p := TracePlan(tr, "c", ResolveOptions{})
	a, _ := p.Instance(0)
	b, _ := p.Instance(1)
	if p.Len != 2 || a.ID != "a" || len(a.Steps) != 3 || b.ID != "b" || b.AtNS != 2e9 || b.Steps[0].MaxTokens != 7 {
		t.Fatalf("plan %+v a %+v b %+v", p, a, b)
	}
	s1, s2 := a.Steps[1], a.Steps[2]
	if !s1.CarryAll || len(s1.Messages) != 1 || s1.Messages[0] != u2 || s1.DelayNS != 1e9 {
		t.Errorf("step 2: %+v (want carry, only the new message, 1 s gap)", s1)
	}
	if s2.CarryAll || len(s2.Messages) != 2 || a.Steps[0].MaxTokens != 5 || a.Steps[0].RecordedOutput != "one" {
		t.Errorf("step 3 (context rewritten): %+v", s2)
	}
	if p.PromptLengths != "" {
		t.Errorf("no synthesised text, yet lengths %q", p.PromptLengths)
	}
}

func TestTracePlanRedacted(t *testing.T) {
	d := Digest{Role: "user", Chars: 400, SHA256: strings.Repeat("a", 64)}
	tr := &Trace{Header: TraceHeader{Name: "r", Arrival: TraceArrival{Process: runrecord.ArrivalTrace}, Redacted: true}, Calls: []Call{
		{AtNS: 0, Digests: []Digest{d}, PromptTokens: 100, CompletionTokens: 4},
		{AtNS: 1, Digests: []Digest{d, {Role: "user", Chars: 400, SHA256: "b"}}, PromptTokens: 200},
	}}
	cal := &Calibration{TokensPerChar: 0.5}
	p := TracePlan(tr, "r", ResolveOptions{Calibration: cal})
	x, _ := p.Instance(0)
	y, _ := p.Instance(1)
	if p.PromptLengths != "calibrated" || x.Steps[0].PromptTokens != 100 || len(x.Steps[0].Messages[0].Content) != 200 {
		t.Fatalf("%+v", x)
	}
	if y.Steps[0].Messages[0] != x.Steps[0].Messages[0] {
		t.Error("equal content hashes gave different text")
	}
}

// TestCompletionOrderedTrace: a trace whose header says its calls were
// written as they finished is read in arrival order (each call keeping its
// line); without that header, at_ns going backwards is refused.
func TestCompletionOrderedTrace(t *testing.T) {
	body := `{"at_ns":30,"task":"b","prompt_tokens":5}
{"at_ns":0,"task":"a","prompt_tokens":5}
{"at_ns":10,"task":"c","prompt_tokens":5}
`
	head := `{"format":"tcobench-trace","version":1,"name":"r","arrival":{"process":"trace"},"order":"completion"}` + "\n"
	tr, _, err := ReadTrace("r.jsonl", strings.NewReader(head+body), false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range tr.Calls {
		got = append(got, c.Task)
	}
	if !reflect.DeepEqual(got, []string{"a", "c", "b"}) || !reflect.DeepEqual(tr.Lines, []int{3, 4, 2}) || tr.Header.Order != "" {
		t.Fatalf("calls %v lines %v order %q", got, tr.Lines, tr.Header.Order)
	}
	plain := strings.Replace(head, `,"order":"completion"`, "", 1)
	if _, _, err := ReadTrace("r.jsonl", strings.NewReader(plain+body), false); err == nil || !strings.Contains(err.Error(), "r.jsonl:3: field at_ns: timestamp goes backwards") {
		t.Fatalf("arrival-ordered trace going backwards: %v", err)
	}
}
