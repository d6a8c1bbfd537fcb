package workloads

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// writeLargeYAML writes a valid workload of about mb MiB: tasks of several
// steps whose messages are long literal texts (the shape of a workload
// exported from real tickets).
func writeLargeYAML(tb testing.TB, dir string, mb int) string {
	tb.Helper()
	path := filepath.Join(dir, "large.yaml")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "version: 1\nname: large\narrival: {process: closed, users: 4}\ntasks:\n")
	text := strings.Repeat("the customer asks about the payment policy and the account balance. ", 60) // ~4 KiB
	for i := 0; i < MaxTasks; i++ {
		if st, _ := f.Stat(); st.Size() >= int64(mb)<<20 {
			break
		}
		fmt.Fprintf(w, "  - name: task%d\n    steps:\n", i)
		for j := 0; j < 4; j++ {
			fmt.Fprintf(w, "      - id: s%d\n        max_tokens: 64\n        messages:\n", j)
			for k := 0; k < 4; k++ {
				fmt.Fprintf(w, "          - role: user\n            text: \"%d %s\"\n", k, text)
			}
		}
		if i%16 == 0 {
			w.Flush()
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return path
}

// peakHeap samples the live heap every 200 µs while fn runs and returns the
// highest reading above the heap before fn, in MiB.
func peakHeap(fn func()) (peakMiB, retainedMiB float64) {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	runtime.GC()
	retained := read()
	mib := func(v uint64) float64 { return float64(int64(v)-int64(base)) / (1 << 20) }
	return mib(peak.Load()), mib(retained)
}

// BenchmarkLoadLargeYAML prints the memory that loading a large YAML
// workload takes: the peak live heap while Load runs and what the decoded
// workload keeps, against the file's size (64 MiB; TCOBENCH_YAML_MIB sets
// another). No timed assertion: the figures are for docs/reliability.md.
func BenchmarkLoadLargeYAML(b *testing.B) {
	mb := 64
	if v, err := strconv.Atoi(os.Getenv("TCOBENCH_YAML_MIB")); err == nil && v > 0 {
		mb = v
	}
	path := writeLargeYAML(b, b.TempDir(), mb)
	st, _ := os.Stat(path)
	fileMiB := float64(st.Size()) / (1 << 20)
	for i := 0; i < b.N; i++ {
		var f *File
		var err error
		peak, kept := peakHeap(func() { f, err = Load(path) })
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(fileMiB, "file-MiB")
		b.ReportMetric(peak, "peak-heap-MiB")
		b.ReportMetric(kept, "kept-MiB")
		fmt.Printf("load %.0f MiB YAML (%d tasks): peak live heap %.0f MiB (%.1f× the file), kept %.0f MiB\n",
			fileMiB, len(f.Tasks), peak, peak/fileMiB, kept)
		runtime.KeepAlive(f)
	}
}
