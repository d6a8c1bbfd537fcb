package modelapi

// fastOpenAIChunk reads the common chunk shape (a flat object whose
// "choices" holds at most one choice with a "delta" or "text", every other
// value a string, number, true, false or null) in one forward scan. It
// reports false, leaving c untouched, for anything else: an "error" that is
// not null, an "object" of "error", a "usage" object, a delta's tool_calls
// array, llama.cpp's timings object, nested values it would have to skip, several
// choices, escaped keys, trailing bytes, malformed JSON. The caller then
// runs the full parser, so the fast path only ever has to agree with
// fullOpenAIChunk on the shapes it accepts (checked by FuzzOpenAIChunkFast
// and TestFastChunkRandomShapes).
//
// The scanners below take the data and a position and return the position
// after what they read, or -1 when the fast path must give up.
func fastOpenAIChunk(data []byte, chat bool, c *openAIChunk) bool {
	i := skipWS(data, 0)
	if i >= len(data) || data[i] != '{' {
		return false
	}
	var out openAIChunk
	for i++; ; {
		var key []byte
		if key, i = keyColon(data, i); i < 0 {
			return false
		}
		switch string(key) {
		case "choices":
			i = choices(data, i, chat, &out)
		case "error":
			i = null(data, i)
		default: // "usage" too: only a scalar (null) is taken here
			var v []byte
			var isStr bool
			if v, isStr, i = scalar(data, i); isStr && string(key) == "object" && string(v) == "error" {
				return false // an error object: the full parser reports it
			} else if isStr && string(key) == "id" {
				out.id = v
			}
		}
		var end bool
		if end, i = member(data, i); i < 0 {
			return false
		}
		if end {
			if skipWS(data, i) != len(data) {
				return false // trailing bytes: the full parser decides
			}
			out.known = true
			*c = out
			return true
		}
	}
}

// skipWS returns the position of the first byte at or after i that is not
// JSON whitespace (len(b) at the end).
func skipWS(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch b[i] {
		case ' ', '\n', '\r', '\t':
		default:
			return i
		}
	}
	return i
}

// member consumes the separator after an object member: end is true after
// '}', false after ','.
func member(b []byte, i int) (end bool, j int) {
	if i < 0 {
		return false, -1
	}
	if i = skipWS(b, i); i < len(b) {
		switch b[i] {
		case ',':
			return false, i + 1
		case '}':
			return true, i + 1
		}
	}
	return false, -1
}

// keyColon reads `"key" :` and returns the position of the value's first
// byte. Escaped keys are refused (the full parser unescapes them).
func keyColon(b []byte, i int) ([]byte, int) {
	if i = skipWS(b, i); i >= len(b) || b[i] != '"' {
		return nil, -1
	}
	k, esc, i := str(b, i)
	if i < 0 || esc {
		return nil, -1
	}
	if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
		return nil, -1
	}
	return k, skipWS(b, i+1)
}

// str reads the string whose opening quote is at i and returns its raw,
// still-escaped contents and whether it holds a backslash. A backslash
// escapes the byte after it, so a quote closes the string when an even run
// of backslashes precedes it, as in the full parser.
func str(b []byte, i int) (v []byte, esc bool, j int) {
	start := i + 1
	for j = start; j < len(b); j++ {
		switch b[j] {
		case '"':
			return b[start:j], esc, j + 1
		case '\\':
			esc = true
			j++
		}
	}
	return nil, esc, -1
}

// delim reports whether the byte at i ends a number or literal the way the
// full parser's tokenizer sees it (the end of the data does not: an object
// cut there is malformed anyway).
func delim(b []byte, i int) bool {
	if i >= len(b) {
		return false
	}
	switch b[i] {
	case ' ', '\n', '\r', '\t', ',', '}', ']':
		return true
	}
	return false
}

// scalar reads a string, number, true, false or null at i. It returns the
// raw string contents and isStr for strings; j is -1 for objects, arrays
// and anything malformed.
func scalar(b []byte, i int) (v []byte, isStr bool, j int) {
	if i >= len(b) {
		return nil, false, -1
	}
	switch c := b[i]; {
	case c == '"':
		v, _, j = str(b, i)
		return v, j >= 0, j
	case c == 'n':
		return nil, false, lit(b, i, "null")
	case c == 't':
		return nil, false, lit(b, i, "true")
	case c == 'f':
		return nil, false, lit(b, i, "false")
	case c == '-' || c >= '0' && c <= '9':
		j = i + 1
		for j < len(b) && numByte(b[j]) {
			j++
		}
		if !delim(b, j) {
			return nil, false, -1
		}
		return nil, false, j
	}
	return nil, false, -1
}

func numByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// lit reads the literal w at i when a delimiter follows it.
func lit(b []byte, i int, w string) int {
	j := i + len(w)
	if j > len(b) || string(b[i:j]) != w || !delim(b, j) {
		return -1
	}
	return j
}

// null reads a null literal.
func null(b []byte, i int) int {
	if i >= len(b) || b[i] != 'n' {
		return -1
	}
	return lit(b, i, "null")
}

// choices reads the "choices" value: a scalar (ignored), an empty array,
// or an array of exactly one object.
func choices(b []byte, i int, chat bool, c *openAIChunk) int {
	if i >= len(b) || b[i] != '[' {
		_, _, i = scalar(b, i)
		return i
	}
	switch i = skipWS(b, i+1); {
	case i >= len(b):
		return -1
	case b[i] == ']':
		return i + 1
	case b[i] != '{':
		return -1
	}
	if i = object(b, i, func(key []byte, i int) int { return choiceValue(b, i, key, chat, c) }); i < 0 {
		return -1
	}
	if i = skipWS(b, i); i >= len(b) || b[i] != ']' {
		return -1
	}
	return i + 1
}

// object reads the object whose brace is at i, calling value with each
// member's key and the position of its value; value returns the position
// after the value, or -1.
func object(b []byte, i int, value func(key []byte, i int) int) int {
	if i = skipWS(b, i+1); i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		var key []byte
		if key, i = keyColon(b, i); i < 0 {
			return -1
		}
		var end bool
		if end, i = member(b, value(key, i)); i < 0 || end {
			return i
		}
	}
}

// choiceValue reads one member of a choice object.
func choiceValue(b []byte, i int, key []byte, chat bool, c *openAIChunk) int {
	var v []byte
	var isStr bool
	switch string(key) {
	case "delta":
		if i < len(b) && b[i] == '{' {
			if !chat {
				return -1
			}
			return object(b, i, func(key []byte, i int) int {
				v, isStr, i := scalar(b, i)
				if isStr {
					c.deltaString(key, v)
				}
				return i
			})
		}
	case "finish_reason":
		if v, isStr, i = scalar(b, i); isStr {
			c.finish = v
		}
		return i
	case "text":
		if v, isStr, i = scalar(b, i); isStr && !chat {
			c.content = v
		}
		return i
	}
	_, _, i = scalar(b, i)
	return i
}
