package modelapi

import (
	"github.com/buger/jsonparser"

	"github.com/tcobench/tcobench/runrecord"
)

// toolCalls assembles a turn's tool calls from the stream's deltas. Both
// layouts servers use are read: OpenAI's (an element per call fragment:
// index, id, function.name, function.arguments as a string piece) and
// Ollama's native one (function.index, and function.arguments as a whole
// JSON object in one chunk).
type toolCalls struct {
	calls []runrecord.ToolCall
	args  [][]byte
}

// addDeltas applies a raw tool_calls array. It reports whether any element
// carried part of a call (an id, a name or argument bytes): such a chunk is
// a token for timing.
func (t *toolCalls) addDeltas(raw []byte) bool {
	carried := false
	_, _ = jsonparser.ArrayEach(raw, func(el []byte, typ jsonparser.ValueType, _ int, _ error) {
		if typ == jsonparser.Object && t.addDelta(el) {
			carried = true
		}
	})
	return carried
}

// addDelta applies one element of a tool_calls array.
func (t *toolCalls) addDelta(el []byte) bool {
	index := -1
	if v, err := jsonparser.GetInt(el, "index"); err == nil {
		index = int(v)
	} else if v, err := jsonparser.GetInt(el, "function", "index"); err == nil {
		index = int(v)
	}
	id := stringField(el, "id")
	name := stringField(el, "function", "name")
	var args []byte
	if v, typ, _, err := jsonparser.Get(el, "function", "arguments"); err == nil {
		switch typ {
		case jsonparser.String:
			if u, err := jsonparser.Unescape(v, nil); err == nil {
				args = u
			} else {
				args = v
			}
		case jsonparser.Object, jsonparser.Array:
			args = v
		}
	}
	if id == "" && name == "" && len(args) == 0 {
		return false
	}
	i := t.call(index, id)
	c := &t.calls[i]
	if c.ID == "" {
		c.ID = id
	}
	if c.Name == "" {
		c.Name = name
	}
	c.ArgumentBytes += len(args)
	if keep := runrecord.MaxToolArguments - len(t.args[i]); keep < len(args) {
		args = args[:max(keep, 0)]
		c.ArgumentsCut = true
	}
	t.args[i] = append(t.args[i], args...)
	return true
}

// call returns the position of the call with the server's index, adding
// it when new. A delta without an index continues the last call, unless
// its id names a new one.
func (t *toolCalls) call(index int, id string) int {
	n := len(t.calls)
	if index < 0 && n > 0 {
		last := t.calls[n-1]
		index = last.Index
		if id != "" && last.ID != "" && id != last.ID {
			index = last.Index + 1
		}
	}
	index = max(index, 0)
	for i := range t.calls {
		if t.calls[i].Index == index {
			return i
		}
	}
	t.calls = append(t.calls, runrecord.ToolCall{Index: index})
	t.args = append(t.args, nil)
	return n
}

// finish stores the calls on the attempt.
func (t *toolCalls) finish(a *runrecord.Attempt) {
	if len(t.calls) == 0 {
		return
	}
	for i := range t.calls {
		t.calls[i].Arguments = string(t.args[i])
	}
	a.ToolCalls = t.calls
}

// stringField is the unescaped string at keys ("" when absent or not a string).
func stringField(data []byte, keys ...string) string {
	v, err := jsonparser.GetString(data, keys...)
	if err != nil {
		return ""
	}
	return v
}
