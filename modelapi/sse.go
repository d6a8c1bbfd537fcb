package modelapi

import (
	"bytes"
	"fmt"
	"io"
)

// sseReader reads server-sent events (the WHATWG event-stream format) with a
// bound on each event's data.
type sseReader struct {
	lines *lineReader
	// data and event of the event being read; reused between events.
	data  []byte
	event []byte
	max   int
}

func newSSEReader(r io.Reader, max int) *sseReader {
	return &sseReader{lines: newLineReader(r, max), max: max}
}

// next returns the next event's type ("" for the default "message") and
// data. The slices are valid until the next call. At the end of the stream
// it returns io.EOF.
func (s *sseReader) next() (event, data []byte, err error) {
	s.data, s.event = s.data[:0], s.event[:0]
	have := false
	for {
		line, err := s.lines.next()
		if err != nil {
			// An unterminated last line is a cut stream: dropped, unless it
			// is a whole body of JSON (an error sent where an event stream
			// was expected). An event whose lines all ended but lacks its
			// blank line is dispatched.
			if err == io.EOF && !have && len(line) > 0 && line[0] == '{' {
				s.event = append(s.event, eventJSON...)
				return s.event, append(s.data, line...), nil
			}
			if err == io.EOF && have {
				return s.event, s.data, nil
			}
			return nil, nil, err
		}
		if len(line) == 0 {
			if have {
				return s.event, s.data, nil
			}
			continue
		}
		if err := s.field(line, &have); err != nil {
			return nil, nil, err
		}
	}
}

// field applies one "name: value" line to the event being read. Beyond
// the WHATWG fields it takes two forms servers use for errors: an "error:"
// line (llama.cpp's server until mid-2025 sent errors so, then
// "data: [DONE]"), read as an event of type "error"; and a line that is a
// JSON object, not a field at all (an error body sent with HTTP 200 where
// an event stream was expected), read as an event of type eventJSON.
func (s *sseReader) field(line []byte, have *bool) error {
	switch line[0] {
	case ':':
		return nil // a comment (keep-alive)
	case '{':
		if !*have {
			s.event = append(s.event[:0], eventJSON...)
			return s.appendData(line, have)
		}
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "error":
		s.event = append(s.event[:0], eventError...)
		return s.appendData(value, have)
	case "data":
		return s.appendData(value, have)
	case "event":
		s.event = append(s.event[:0], value...)
	}
	return nil
}

// appendData adds a data line to the event being read, within the bound.
func (s *sseReader) appendData(value []byte, have *bool) error {
	if *have {
		if len(s.data)+1+len(value) > s.max {
			return fmt.Errorf("%w: event data over %d bytes", errLineTooLong, s.max)
		}
		s.data = append(s.data, '\n')
	}
	s.data = append(s.data, value...)
	*have = true
	return nil
}
