package server

import (
	"bytes"
	"os"
	"testing"
)

// FuzzExtract: any /metrics body parses or fails cleanly, and extraction
// never panics.
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"vllm-005a810/metrics.txt", "llamacpp-03d4bcc/metrics.txt", "llamacpp-fb40266/metrics.txt", "tgi.txt", "sglang-00ae9c1/metrics.txt", "vllm_legacy.txt"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fams, err := Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		if k := DetectKind(fams); k != "" {
			_ = Extract(fams, SeriesFor(k, nil))
		}
	})
}
