package runrecord

// attemptField reads the value of key k into a; false for a key or value
// the fast path leaves to encoding/json ("server", Ollama's timings, among
// them).
func (s *scanner) attemptField(a *Attempt, k []byte) bool {
	switch string(k) {
	case "seq":
		return intTo(s, &a.Seq)
	case "task_id":
		return s.str(&a.TaskID)
	case "task_name":
		return s.str(&a.TaskName)
	case "step_id":
		return s.str(&a.StepID)
	case "step_index":
		return intTo(s, &a.StepIndex)
	case "phase":
		return s.str(&a.Phase)
	case "backend":
		return s.str(&a.Backend)
	case "model":
		return s.str(&a.Model)
	case "request_id":
		return s.str(&a.RequestID)
	case "traceparent":
		return s.str(&a.Traceparent)
	case "response_id":
		return s.str(&a.ResponseID)
	case "server_request_id":
		return s.str(&a.ServerRequestID)
	case "scheduled_ns":
		return intTo(s, &a.ScheduledNS)
	case "delay_ns":
		return intTo(s, &a.DelayNS)
	case "queued_ns":
		return intTo(s, &a.QueuedNS)
	case "sent_ns":
		return intTo(s, &a.SentNS)
	case "connect_ns":
		return intTo(s, &a.ConnectNS)
	case "headers_ns":
		return intTo(s, &a.HeadersNS)
	case "first_token_ns":
		return intTo(s, &a.FirstTokenNS)
	case "first_content_ns":
		return intTo(s, &a.FirstContentNS)
	case "first_tool_call_ns":
		return intTo(s, &a.FirstToolCallNS)
	case "end_ns":
		return intTo(s, &a.EndNS)
	case "chunk_ns":
		return ints(s, &a.ChunkNS)
	case "chunk_tokens":
		return ints(s, &a.ChunkTokens)
	case "ok":
		return s.boolean(&a.OK)
	case "error_class":
		return s.str(&a.ErrorClass)
	case "error":
		return s.str(&a.Error)
	case "http_status":
		return intTo(s, &a.HTTPStatus)
	case "finish_reason":
		return s.str(&a.FinishReason)
	case "tokens":
		return s.object(func(k []byte) bool { return s.tokensField(&a.Tokens, k) })
	case "tool_calls":
		return s.toolCalls(&a.ToolCalls)
	case "checks":
		return s.checks(&a.Checks)
	case "task_outcome":
		return s.taskOutcome(&a.Task)
	}
	return false
}

// toolCalls reads an array of tool-call objects. A repeated key goes to
// encoding/json, which decodes into the elements already there.
func (s *scanner) toolCalls(dst *[]ToolCall) bool {
	if *dst != nil {
		return false
	}
	out := make([]ToolCall, 0, 1)
	ok := s.array(func() bool {
		var c ToolCall
		if !s.object(func(k []byte) bool { return s.toolCallField(&c, k) }) {
			return false
		}
		out = append(out, c)
		return true
	})
	*dst = out
	return ok
}

func (s *scanner) toolCallField(c *ToolCall, k []byte) bool {
	switch string(k) {
	case "index":
		return intTo(s, &c.Index)
	case "id":
		return s.str(&c.ID)
	case "name":
		return s.str(&c.Name)
	case "argument_bytes":
		return intTo(s, &c.ArgumentBytes)
	}
	return false
}

func (s *scanner) tokensField(t *Tokens, k []byte) bool {
	switch string(k) {
	case "input":
		return intTo(s, &t.Input)
	case "output":
		return intTo(s, &t.Output)
	case "reasoning":
		return intTo(s, &t.Reasoning)
	case "cached_input":
		return intTo(s, &t.CachedInput)
	case "source":
		return s.str(&t.Source)
	case "stream_output":
		return intTo(s, &t.StreamOutput)
	}
	return false
}
