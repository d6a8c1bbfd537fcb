package perf

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// BenchmarkAttemptDecode compares encoding/json with the run record's own
// decoder (runrecord.UnmarshalAttempt) on lines of a synthetic run (16 tokens
// per attempt).
func BenchmarkAttemptDecode(b *testing.B) {
	dir := b.TempDir()
	if err := SyntheticRun(dir, 2000, 1, 1); err != nil {
		b.Fatal(err)
	}
	lines := readLines(b, filepath.Join(dir, runrecord.RequestsFile))
	b.Run("encoding-json", func(b *testing.B) {
		for i := range b.N {
			var a runrecord.Attempt
			if err := json.Unmarshal(lines[i%len(lines)], &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("record", func(b *testing.B) {
		var a runrecord.Attempt
		for i := range b.N {
			if err := runrecord.UnmarshalAttempt(lines[i%len(lines)], &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAttemptEncode compares encoding/json with the run record's own
// encoder (runrecord.AppendAttempt), which the engine's writer uses, on
// attempts of a synthetic run (16 tokens per attempt).
func BenchmarkAttemptEncode(b *testing.B) {
	dir := b.TempDir()
	if err := SyntheticRun(dir, 2000, 1, 1); err != nil {
		b.Fatal(err)
	}
	var atts []runrecord.Attempt
	for _, l := range readLines(b, filepath.Join(dir, runrecord.RequestsFile)) {
		var a runrecord.Attempt
		if err := runrecord.UnmarshalAttempt(l, &a); err != nil {
			b.Fatal(err)
		}
		atts = append(atts, a)
	}
	b.Run("encoding-json", func(b *testing.B) {
		for i := range b.N {
			if _, err := json.Marshal(&atts[i%len(atts)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("record", func(b *testing.B) {
		var buf []byte
		for i := range b.N {
			var err error
			if buf, err = runrecord.AppendAttempt(buf[:0], &atts[i%len(atts)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestAttemptDecodeSame(t *testing.T) {
	dir := t.TempDir()
	if err := SyntheticRun(dir, 50, 1, 1); err != nil {
		t.Fatal(err)
	}
	for _, l := range readLines(t, filepath.Join(dir, runrecord.RequestsFile)) {
		var want, got runrecord.Attempt
		if err := json.Unmarshal(l, &want); err != nil {
			t.Fatal(err)
		}
		if err := runrecord.UnmarshalAttempt(l, &got); err != nil {
			t.Fatal(err)
		}
		w, _ := json.Marshal(&want)
		g, _ := json.Marshal(&got)
		if !bytes.Equal(w, g) {
			t.Fatalf("decoded differently:\n%s\n%s", w, g)
		}
	}
}

func readLines(tb testing.TB, path string) [][]byte {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}
