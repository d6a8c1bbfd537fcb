package runrecord

import (
	"bytes"
	"encoding/json"
	"testing"
)

// sameEncoding checks AppendAttempt against json.Marshal on one attempt.
func sameEncoding(t *testing.T, a *Attempt) {
	t.Helper()
	want, werr := json.Marshal(a)
	got, gerr := AppendAttempt(nil, a)
	if werr != nil || gerr != nil {
		t.Fatalf("errors: encoding/json %v, AppendAttempt %v", werr, gerr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("AppendAttempt gave\n%s\nencoding/json\n%s", got, want)
	}
}

// TestAppendAttemptSameAsJSON encodes every line of the decoder's table
// (decoded by encoding/json) and attempts with every field set, special
// characters included, both ways.
func TestAppendAttemptSameAsJSON(t *testing.T) {
	for _, line := range attemptLines {
		var a Attempt
		if json.Unmarshal([]byte(line), &a) == nil {
			sameEncoding(t, &a)
		}
	}
	full := Attempt{Seq: -3, TaskID: "t<1>&\"x\"\\", TaskName: "n\u2028\u00e9", StepID: "s\x01", StepIndex: 2, Phase: "measure",
		Backend: "openai-chat", Model: "m", RequestID: "r", Traceparent: "00-a", ResponseID: "resp", ServerRequestID: "sr",
		ScheduledNS: 1, DelayNS: 2, QueuedNS: 3, SentNS: 4, ConnectNS: 5, HeadersNS: 6, FirstTokenNS: 7, FirstContentNS: 8,
		FirstToolCallNS: 9, EndNS: 10, ChunkNS: []int64{7, 8, -1}, ChunkTokens: []int{1, 0, 3}, OK: true, ErrorClass: ErrTimeout,
		Error: "bad \xff byte\n\t", HTTPStatus: 500, Tokens: Tokens{Input: 1, Output: 2, Reasoning: 3, CachedInput: 4, Source: TokensFromUsage, StreamOutput: 5},
		Server:       &ServerTimings{LoadNS: 1, PromptEvalNS: 2, PromptEvalTok: 3, EvalNS: 4, EvalTok: 5, TotalNS: 6, CachedTok: 7},
		FinishReason: "tool_calls", ToolCalls: []ToolCall{{Index: 1, ID: "c", Name: "f", ArgumentBytes: 9, Arguments: "{}"}},
		Checks: []CheckResult{{Type: "regex", Pass: true}}, Task: &TaskOutcome{Pass: true, Instance: "i"}}
	sameEncoding(t, &full)
	sameEncoding(t, &Attempt{})
	sameEncoding(t, &Attempt{ChunkNS: []int64{}, ToolCalls: []ToolCall{}, Checks: []CheckResult{}})
}

func FuzzAppendAttempt(f *testing.F) {
	for _, line := range attemptLines {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var a Attempt
		if json.Unmarshal(line, &a) == nil {
			sameEncoding(t, &a)
		}
	})
}
