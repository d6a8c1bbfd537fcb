package runrecord

import (
	"encoding/json"
	"errors"
	"math"
	"unicode/utf8"
)

// errSlowPath sends a line the fast decoder does not handle to
// encoding/json.
var errSlowPath = errors.New("not on the fast path")

// UnmarshalAttempt decodes one requests.jsonl line into a, exactly as
// json.Unmarshal into a zero Attempt would. Lines as the engine writes them
// take a hand-written path, several times faster; anything else (an unknown
// or differently-cased key, null, a type mismatch, a number that is not a
// plain integer, Ollama's server timings, malformed JSON) goes to
// encoding/json, so results and errors are encoding/json's.
func UnmarshalAttempt(b []byte, a *Attempt) error {
	*a = Attempt{}
	s := scanner{b: b}
	if s.object(func(k []byte) bool { return s.attemptField(a, k) }) && s.end() {
		return nil
	}
	*a = Attempt{}
	return json.Unmarshal(b, a)
}

// scanner is a strict reader of the JSON subset an attempt line uses:
// every method returns false on anything else, leaving the line to
// encoding/json.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// lit consumes c after optional white space.
func (s *scanner) lit(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// object reads {"key": value, ...}, calling field for each key with the
// scanner at its value; field reads the value.
func (s *scanner) object(field func(k []byte) bool) bool {
	if !s.lit('{') {
		return false
	}
	if s.lit('}') {
		return true
	}
	for {
		k, plain, ok := s.rawString()
		if !ok || !plain || !s.lit(':') || !field(k) {
			return false
		}
		if s.lit(',') {
			continue
		}
		return s.lit('}')
	}
}

// rawString reads a string's raw bytes; plain: printable ASCII without
// escapes, the bytes are the value.
func (s *scanner) rawString() (raw []byte, plain, ok bool) {
	if !s.lit('"') {
		return nil, false, false
	}
	start := s.i
	plain = true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], plain, true
		case c == '\\':
			plain = false
			s.i++ // the escaped byte cannot end the string
		case c < 0x20 || c >= utf8.RuneSelf:
			plain = false
		}
		s.i++
	}
	return nil, false, false
}

// str reads a string value into dst; encoding/json decodes one with escapes
// or non-ASCII bytes (the value alone).
func (s *scanner) str(dst *string) bool {
	start := s.i
	raw, plain, ok := s.rawString()
	if !ok {
		return false
	}
	if plain {
		*dst = string(raw)
		return true
	}
	s.ws()
	return json.Unmarshal(s.b[start:s.i], dst) == nil
}

// integer reads a JSON number that is a plain integer fitting in int64.
func (s *scanner) integer() (int64, bool) {
	s.ws()
	neg := s.i < len(s.b) && s.b[s.i] == '-'
	if neg {
		s.i++
	}
	start := s.i
	var n uint64
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		if n > (math.MaxInt64+1)/10 {
			return 0, false
		}
		n = n*10 + uint64(s.b[s.i]-'0')
		s.i++
	}
	digits := s.i - start
	if digits == 0 || (digits > 1 && s.b[start] == '0') {
		return 0, false
	}
	if s.i < len(s.b) && (s.b[s.i] == '.' || s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		return 0, false
	}
	if neg {
		if n > math.MaxInt64+1 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

func intTo[T int | int64](s *scanner, dst *T) bool {
	n, ok := s.integer()
	*dst = T(n)
	return ok
}

// array reads [v, ...], calling elem with the scanner at each element;
// elem reads it.
func (s *scanner) array(elem func() bool) bool {
	if !s.lit('[') {
		return false
	}
	if s.lit(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.lit(',') {
			continue
		}
		return s.lit(']')
	}
}

// ints reads an array of integers; a repeated key replaces the array, as
// encoding/json does.
func ints[T int | int64](s *scanner, dst *[]T) bool {
	out := make([]T, 0, 16)
	ok := s.array(func() bool {
		var n T
		if !intTo(s, &n) {
			return false
		}
		out = append(out, n)
		return true
	})
	*dst = out
	return ok
}

func (s *scanner) boolean(dst *bool) bool {
	s.ws()
	switch {
	case len(s.b)-s.i >= 4 && string(s.b[s.i:s.i+4]) == "true":
		*dst, s.i = true, s.i+4
	case len(s.b)-s.i >= 5 && string(s.b[s.i:s.i+5]) == "false":
		*dst, s.i = false, s.i+5
	default:
		return false
	}
	return true
}
