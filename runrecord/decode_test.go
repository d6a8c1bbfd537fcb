package runrecord

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// sameAsJSON checks UnmarshalAttempt against encoding/json on one line.
func sameAsJSON(t *testing.T, line []byte) {
	t.Helper()
	var want, got Attempt
	werr := json.Unmarshal(line, &want)
	gerr := UnmarshalAttempt(line, &got)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("line %q: encoding/json error %v, UnmarshalAttempt error %v", line, werr, gerr)
	}
	if werr != nil {
		if werr.Error() != gerr.Error() {
			t.Fatalf("line %q: error %q, want encoding/json's %q", line, gerr, werr)
		}
		return
	}
	if !reflect.DeepEqual(want, got) {
		t.Fatalf("line %q decoded as\n%+v\nwant\n%+v", line, got, want)
	}
}

// attemptLines are lines the engine writes, and variants the fast path
// must hand to encoding/json.
var attemptLines = []string{
	`{"seq":3,"task_id":"task-3","step_index":0,"phase":"measure","backend":"openai-chat","model":"m","request_id":"0f8c2b1e-3d4a-4b5c-8d6e-7f8091a2b3c4","traceparent":"00-0f8c2b1e3d4a4b5c8d6e7f8091a2b3c4-1a2b3c4d5e6f7081-01","response_id":"chatcmpl-abc","server_request_id":"0f8c2b1e-3d4a-4b5c-8d6e-7f8091a2b3c4","scheduled_ns":1000,"queued_ns":5,"sent_ns":1200,"connect_ns":10,"headers_ns":1300,"first_token_ns":1400,"first_content_ns":1400,"end_ns":2000,"chunk_ns":[1400,1500,1600],"chunk_tokens":[1,1,1],"ok":true,"tokens":{"input":10,"output":3,"source":"usage","stream_output":3},"finish_reason":"length"}`,
	`{"seq":4,"task_id":"t","step_id":"s1","step_index":1,"phase":"warmup","backend":"ollama","scheduled_ns":0,"sent_ns":0,"end_ns":5,"ok":false,"error_class":"http_5xx","error":"server said \"no\" \u00e9\n","http_status":503,"tokens":{"input":0,"output":0,"source":"estimate","stream_output":0}}`,
	`{"seq":5,"task_id":"t","step_index":0,"phase":"measure","backend":"ollama","scheduled_ns":0,"sent_ns":1,"end_ns":9,"ok":true,"tokens":{"input":1,"output":1,"reasoning":2,"cached_input":3,"source":"usage","stream_output":1},"server":{"load_ns":1,"prompt_eval_ns":2,"prompt_eval_count":3,"eval_ns":4,"eval_count":5,"total_ns":6}}`,
	`{"seq":6,"task_id":"ünïcode","step_index":0,"phase":"measure","backend":"b","scheduled_ns":-1,"sent_ns":0,"end_ns":0,"chunk_ns":[],"ok":true,"tokens":{"input":0,"output":0,"source":"","stream_output":0}}`,
	` {"seq":7} ` + "\n",
	`{"SEQ":7}`,
	`{"seq":"7"}`,
	`{"seq":7.5}`,
	`{"seq":1e3}`,
	`{"seq":99999999999999999999}`,
	`{"seq":null,"chunk_ns":null,"tokens":null}`,
	`{"chunk_ns":[1,"2"]}`,
	`{"chunk_ns":[1,2],"chunk_ns":[3]}`,
	`{"ok":"true"}`,
	`{"seq":7}}`,
	`{"seq":7} x`,
	`{"seq":7,}`,
	`{"seq" 7}`,
	`{"seq":7`,
	`{"task_id":"a` + "\x01" + `b"}`,
	`{"task_id":"\ud800"}`,
	"{\"task_id\":\"\xff\"}",
	`[1,2]`,
	`null`,
	``,
	`{"tokens":{"input":1,"extra":2}}`,
	`{"request_id":"a","request_id":"b","response_id":null}`,
	`{"request_id":7}`,
	`{"response_id":"chatcmpl-\u00e9","server_request_id":""}`,
	`{"traceparent":"00-x","Traceparent":"y"}`,
	`{"tokens":{"input":1},"tokens":{"output":2}}`,
	`{"seq":8,"task_id":"t","step_index":0,"phase":"measure","backend":"openai-chat","scheduled_ns":0,"sent_ns":10,"headers_ns":20,"first_token_ns":30,"first_tool_call_ns":30,"end_ns":90,"chunk_ns":[30,40,50],"chunk_tokens":[1,1,1],"ok":true,"tokens":{"input":9,"output":20,"source":"usage","stream_output":3},"finish_reason":"tool_calls","tool_calls":[{"index":0,"id":"call_1","name":"get_weather","argument_bytes":17},{"index":1,"name":"f","argument_bytes":0}]}`,
	`{"tool_calls":[]}`,
	`{"tool_calls":null}`,
	`{"tool_calls":[null]}`,
	`{"tool_calls":[{"index":1,"name":"a"}],"tool_calls":[{"id":"x"}]}`,
	`{"tool_calls":[{"index":1,"name":"a"}],"tool_calls":[]}`,
	`{"tool_calls":[{"Name":"a"}]}`,
	`{"tool_calls":[{"name":"a\u00e9","arguments":"{}"}]}`,
	`{"tool_calls":[{"index":"0"}]}`,
	`{"tool_calls":{"index":0}}`,
	`{"tool_calls":[{"index":0},]}`,
	`{"tool_calls":[{"index":0}`,
	`{"seq":9,"task_id":"t","step_index":1,"phase":"measure","backend":"openai-chat","scheduled_ns":0,"sent_ns":10,"end_ns":90,"ok":true,"tokens":{"input":9,"output":2,"source":"usage","stream_output":2},"checks":[{"type":"equals","pass":true},{"type":"judge","name":"tone","pass":false,"detail":"judge said FAIL","judge":{"backend":"ollama","model":"j","ok":true,"input_tokens":40,"output_tokens":3,"source":"usage","latency_ns":1200}}],"task_outcome":{"pass":false,"instance":"t#3","checks":[{"type":"regex","pass":true}],"reason":"step draft: check tone failed"}}`,
	`{"checks":[]}`,
	`{"checks":null}`,
	`{"checks":[null]}`,
	`{"checks":[{"type":"a"}],"checks":[{"pass":true}]}`,
	`{"checks":[{"judge":{"ok":true},"judge":{"model":"m"}}]}`,
	`{"checks":[{"judge":null}]}`,
	`{"checks":[{"pass":"yes"}]}`,
	`{"checks":[{"Type":"x"}]}`,
	`{"task_outcome":null}`,
	`{"task_outcome":{"pass":true},"task_outcome":{"reason":"r"}}`,
	`{"task_outcome":{"checks":[{"type":"x"}],"checks":[]}}`,
	`{"task_outcome":{"pass":true,"extra":1}}`,
	`{"task_outcome":[]}`,
	`{"task_outcome":{"instance":"é"}}`,
}

func TestUnmarshalAttemptSameAsJSON(t *testing.T) {
	for _, l := range attemptLines {
		sameAsJSON(t, []byte(l))
	}
}

func TestUnmarshalAttemptFastPathTaken(t *testing.T) {
	for _, l := range attemptLines {
		if !strings.HasPrefix(l, `{"seq":3,`) && !strings.HasPrefix(l, `{"seq":8,`) && !strings.HasPrefix(l, `{"seq":9,`) {
			continue // the engine's lines: plain and with tool calls
		}
		var a Attempt
		if s := (scanner{b: []byte(l)}); !s.object(func(k []byte) bool { return s.attemptField(&a, k) }) || len(a.Tokens.Source) == 0 {
			t.Fatalf("engine line left the fast path: %s", l)
		}
	}
	var a Attempt
	if s := (scanner{b: []byte(`{"seq":"7"}`)}); s.object(func(k []byte) bool { return s.attemptField(&a, k) }) {
		t.Fatal("a string seq stayed on the fast path")
	}
}

func TestDecodeAttemptsNamesBadLine(t *testing.T) {
	in := attemptLines[0] + "\n" + `{"seq":"x"}` + "\n"
	err := DecodeAttempts(strings.NewReader(in), "requests.jsonl", func(*Attempt) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "requests.jsonl:2: ") {
		t.Fatalf("error %v, want one naming requests.jsonl:2", err)
	}
}

func FuzzUnmarshalAttempt(f *testing.F) {
	for _, l := range attemptLines {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		sameAsJSON(t, line)
	})
}
