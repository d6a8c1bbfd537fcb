package workloads

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestErrorsNeverEchoBinary: importing a binary file as any format, or
// decoding it as a workload, fails with a message that is valid UTF-8 with
// no control characters (binary bytes appear as escapes) and of bounded
// length.
func TestErrorsNeverEchoBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	junk := make([]byte, 4000)
	for i := range junk {
		junk[i] = byte(r.IntN(256))
	}
	inputs := map[string][]byte{
		"binary":        junk,
		"csv header":    append([]byte("a,b\n"), junk...),
		"azure row":     append([]byte("TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,"), junk...),
		"mooncake line": append([]byte(`{"input_length":`), junk...),
		"trace header":  append([]byte(`{"format":"`), junk...),
	}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: accepted", what)
			return
		}
		msg := err.Error()
		if !utf8.ValidString(msg) || len(msg) > 2000 || strings.ContainsFunc(msg, func(c rune) bool { return c != '\n' && unicode.IsControl(c) }) {
			t.Errorf("%s: message of %d bytes echoes the input raw: %q", what, len(msg), msg[:min(len(msg), 300)])
		}
	}
	for name, data := range inputs {
		for _, f := range []string{FormatTrace, FormatAzure, FormatMooncake, FormatTau2, FormatLengths} {
			_, _, err := ImportData(f, "x.bin", data, ImportOptions{})
			check(name+" as "+f, err)
		}
		_, err := Decode("x.yaml", data)
		check(name+" as yaml", err)
	}
}
