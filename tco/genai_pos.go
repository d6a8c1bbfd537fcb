package tco

import (
	"bytes"
	"encoding/json"
)

// pos is a line and column (both from 1) in a file.
type pos struct{ line, col int }

// jsonPos turns a byte offset into a line and column.
func jsonPos(data []byte, off int64) pos {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return pos{line, col}
}

// atPath places a problem at a JSON path (ints index arrays, strings name
// keys), as far down the path as the data goes.
func atPath(file string, data []byte, path []any, field, reason string) FieldError {
	at := jsonPos(data, jsonOffset(data, path))
	return FieldError{File: file, Line: at.line, Col: at.col, Field: field, Reason: reason}
}

// jsonOffset finds where the value at path starts in data (or the deepest
// value of the path that exists).
func jsonOffset(data []byte, path []any) int64 {
	dec := json.NewDecoder(bytes.NewReader(data))
	var at func(path []any) int64
	at = func(path []any) int64 {
		start := skipSeparators(data, dec.InputOffset())
		if len(path) == 0 {
			return start
		}
		tok, err := dec.Token()
		if err != nil {
			return start
		}
		d, isDelim := tok.(json.Delim)
		switch {
		case isDelim && d == '[':
			want, ok := path[0].(int)
			for i := 0; ok && dec.More(); i++ {
				if i == want {
					return at(path[1:])
				}
				if skipValue(dec) != nil {
					break
				}
			}
		case isDelim && d == '{':
			want, ok := path[0].(string)
			for ok && dec.More() {
				key, err := dec.Token()
				if err != nil {
					break
				}
				if key == want {
					return at(path[1:])
				}
				if skipValue(dec) != nil {
					break
				}
			}
		}
		return start
	}
	return at(path)
}

// skipSeparators moves past whitespace, ':' and ',' to the next value.
func skipSeparators(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ':', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// skipValue reads one whole value from dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '[' || d == '{' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}
