package runrecord

import (
	"bytes"
	"encoding/json"
	"reflect"
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

// TestAppendAttemptEveryField sets every exported field of an attempt,
// found by reflection (nested structs, slices and pointers included), so a
// field added to Attempt that AppendAttempt does not write fails here.
func TestAppendAttemptEveryField(t *testing.T) {
	var a Attempt
	fill(reflect.ValueOf(&a).Elem(), 1)
	sameEncoding(t, &a)
	b, _ := AppendAttempt(nil, &a)
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(a)
	for i := range typ.NumField() {
		name, _, _ := bytes.Cut([]byte(typ.Field(i).Tag.Get("json")), []byte(","))
		if string(name) != "-" && keys[string(name)] == nil {
			t.Errorf("field %s (%q) not written", typ.Field(i).Name, name)
		}
	}
}

// fill sets v and everything under it to non-zero values.
func fill(v reflect.Value, n int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + string(rune('a'+n%26)))
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(n))
	case reflect.Float64:
		v.SetFloat(float64(n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), n+1)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		fill(v.Index(0), n+1)
		fill(v.Index(1), n+2)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, n+1)
		fill(e, n+2)
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n+i+1)
			}
		}
	}
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
