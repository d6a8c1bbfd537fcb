package runrecord

import (
	"encoding/json"
	"strconv"
)

// AppendAttempt appends a's JSON encoding to b, byte for byte what
// json.Marshal(a) gives, and returns the extended buffer. The engine writes
// one line per attempt; a hand-written path for the fields every attempt
// has takes about a fifth of encoding/json's time. A string with anything
// but plain printable ASCII, and the rarer nested values (server timings,
// tool calls, checks, the task's outcome), go to encoding/json, so their
// bytes are its own.
func AppendAttempt(b []byte, a *Attempt) ([]byte, error) {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, a.Seq, 10)
	b = appendStr(append(b, `,"task_id":`...), a.TaskID)
	b = optStr(b, `,"task_name":`, a.TaskName)
	b = optStr(b, `,"step_id":`, a.StepID)
	b = strconv.AppendInt(append(b, `,"step_index":`...), int64(a.StepIndex), 10)
	b = appendStr(append(b, `,"phase":`...), a.Phase)
	b = appendStr(append(b, `,"backend":`...), a.Backend)
	b = optStr(b, `,"model":`, a.Model)
	b = optStr(b, `,"request_id":`, a.RequestID)
	b = optStr(b, `,"traceparent":`, a.Traceparent)
	b = optStr(b, `,"response_id":`, a.ResponseID)
	b = optStr(b, `,"server_request_id":`, a.ServerRequestID)
	b = strconv.AppendInt(append(b, `,"scheduled_ns":`...), a.ScheduledNS, 10)
	b = optInt(b, `,"delay_ns":`, a.DelayNS)
	b = optInt(b, `,"queued_ns":`, a.QueuedNS)
	b = strconv.AppendInt(append(b, `,"sent_ns":`...), a.SentNS, 10)
	b = optInt(b, `,"connect_ns":`, a.ConnectNS)
	b = optInt(b, `,"headers_ns":`, a.HeadersNS)
	b = optInt(b, `,"first_token_ns":`, a.FirstTokenNS)
	b = optInt(b, `,"first_content_ns":`, a.FirstContentNS)
	b = optInt(b, `,"first_tool_call_ns":`, a.FirstToolCallNS)
	b = strconv.AppendInt(append(b, `,"end_ns":`...), a.EndNS, 10)
	if len(a.ChunkNS) > 0 {
		b = appendInts(append(b, `,"chunk_ns":`...), a.ChunkNS)
	}
	if len(a.ChunkTokens) > 0 {
		b = appendInts(append(b, `,"chunk_tokens":`...), a.ChunkTokens)
	}
	b = strconv.AppendBool(append(b, `,"ok":`...), a.OK)
	b = optStr(b, `,"error_class":`, a.ErrorClass)
	b = optStr(b, `,"error":`, a.Error)
	b = optInt(b, `,"http_status":`, int64(a.HTTPStatus))
	b = appendTokens(append(b, `,"tokens":`...), &a.Tokens)
	var err error
	if a.Server != nil {
		b, err = appendJSON(b, `,"server":`, a.Server, err)
	}
	b = optStr(b, `,"finish_reason":`, a.FinishReason)
	if len(a.ToolCalls) > 0 {
		b, err = appendJSON(b, `,"tool_calls":`, a.ToolCalls, err)
	}
	if len(a.Checks) > 0 {
		b, err = appendJSON(b, `,"checks":`, a.Checks, err)
	}
	if a.Task != nil {
		b, err = appendJSON(b, `,"task_outcome":`, a.Task, err)
	}
	return append(b, '}'), err
}

func appendTokens(b []byte, t *Tokens) []byte {
	b = strconv.AppendInt(append(b, `{"input":`...), int64(t.Input), 10)
	b = strconv.AppendInt(append(b, `,"output":`...), int64(t.Output), 10)
	b = optInt(b, `,"reasoning":`, int64(t.Reasoning))
	b = optInt(b, `,"cached_input":`, int64(t.CachedInput))
	b = appendStr(append(b, `,"source":`...), t.Source)
	b = strconv.AppendInt(append(b, `,"stream_output":`...), int64(t.StreamOutput), 10)
	return append(b, '}')
}

func optStr(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendStr(append(b, key...), s)
}

func optInt(b []byte, key string, v int64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(append(b, key...), v, 10)
}

func appendInts[T int | int64](b []byte, xs []T) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}

// appendStr appends s quoted: directly when it is printable ASCII that
// JSON (with encoding/json's HTML escaping) leaves as it is, else as
// encoding/json quotes it.
func appendStr(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSON appends key and v's encoding/json encoding; after an error it
// leaves b alone and keeps the first error.
func appendJSON(b []byte, key string, v any, err error) ([]byte, error) {
	if err != nil {
		return b, err
	}
	q, err := json.Marshal(v)
	if err != nil {
		return b, err
	}
	return append(append(b, key...), q...), nil
}
