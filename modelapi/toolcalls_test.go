package modelapi

import (
	"strings"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// Tool-call deltas assemble into calls by index; a delta without an index
// continues the last call unless a new id starts one; deltas that carry
// nothing are not tokens; the kept argument text is bounded.
func TestToolCallAssembly(t *testing.T) {
	var tc toolCalls
	steps := []struct {
		raw     string
		carried bool
	}{
		{`[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}}]`, true},
		{`[{"index":0,"function":{"arguments":"{\"x\":"}}]`, true},
		{`[{"index":0,"function":{"arguments":""}}]`, false},
		{`[{"index":1,"id":"b","function":{"name":"g","arguments":"{}"}}]`, true},
		{`[{"function":{"arguments":" "}}]`, true},     // no index: continues the last call (1)
		{`[{"id":"c","function":{"name":"h"}}]`, true}, // no index, new id: a new call (2)
		{`[{"index":0,"function":{"arguments":"1}"}}]`, true},
		{`[null, 3, {"index":4}]`, false},
	}
	for _, s := range steps {
		if got := tc.addDeltas([]byte(s.raw)); got != s.carried {
			t.Fatalf("%s: carried %v, want %v", s.raw, got, s.carried)
		}
	}
	a := &runrecord.Attempt{}
	tc.finish(a)
	want := []runrecord.ToolCall{
		{Index: 0, ID: "a", Name: "f", ArgumentBytes: 7, Arguments: `{"x":1}`},
		{Index: 1, ID: "b", Name: "g", ArgumentBytes: 3, Arguments: "{} "},
		{Index: 2, ID: "c", Name: "h"},
	}
	if len(a.ToolCalls) != len(want) {
		t.Fatalf("calls %+v, want %+v", a.ToolCalls, want)
	}
	for i := range want {
		if a.ToolCalls[i] != want[i] {
			t.Errorf("call %d: %+v, want %+v", i, a.ToolCalls[i], want[i])
		}
	}

	var big toolCalls
	piece := `[{"index":0,"function":{"arguments":"` + strings.Repeat("a", 40<<10) + `"}}]`
	big.addDeltas([]byte(piece))
	big.addDeltas([]byte(piece))
	a = &runrecord.Attempt{}
	big.finish(a)
	if c := a.ToolCalls[0]; c.ArgumentBytes != 80<<10 || len(c.Arguments) != runrecord.MaxToolArguments || !c.ArgumentsCut {
		t.Fatalf("argument bytes %d, kept %d, cut %v: want all counted, %d kept", c.ArgumentBytes, len(c.Arguments), c.ArgumentsCut, runrecord.MaxToolArguments)
	}
}

// The SSE reader takes an "error:" line as an error event and a JSON body
// in place of events as one JSON event.
func TestSSEReaderErrorForms(t *testing.T) {
	got := sseEvents(t, "data: a\n\nerror: {\"code\":500}\n\ndata: [DONE]\n\n")
	if want := "|a,error|{\"code\":500},|[DONE]"; strings.Join(got, ",") != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	r := newSSEReader(strings.NewReader(`{"error":"x"}`), 64)
	if ev, data, err := r.next(); err != nil || string(ev) != eventJSON || string(data) != `{"error":"x"}` {
		t.Fatalf("event %q data %q err %v: want the JSON body as one event", ev, data, err)
	}
}
