package modelapi

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// errLineTooLong reports a stream line longer than the configured bound.
var errLineTooLong = errors.New("stream line too long")

// lineReader reads lines from a stream without letting one line grow past
// max bytes. The returned slice is valid until the next call.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
	max int
}

func newLineReader(r io.Reader, max int) *lineReader {
	size := 4096
	if max < size {
		size = max
	}
	if size < 16 {
		size = 16
	}
	return &lineReader{r: bufio.NewReaderSize(r, size), max: max}
}

// next returns the next line without its line ending ("\n" or "\r\n"). At
// the end of the stream it returns a final unterminated line (if any) with
// io.EOF.
func (l *lineReader) next() ([]byte, error) {
	line, err := l.r.ReadSlice('\n')
	if err == nil {
		if len(line) > l.max+2 {
			return nil, fmt.Errorf("%w (over %d bytes)", errLineTooLong, l.max)
		}
		return trimEOL(line), nil
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	l.buf = append(l.buf[:0], line...)
	for {
		more, err := l.r.ReadSlice('\n')
		if len(l.buf)+len(more) > l.max+2 {
			return nil, fmt.Errorf("%w (over %d bytes)", errLineTooLong, l.max)
		}
		l.buf = append(l.buf, more...)
		if err == nil {
			return trimEOL(l.buf), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return l.buf, err
		}
	}
}

func trimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}
