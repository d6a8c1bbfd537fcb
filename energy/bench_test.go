package energy

import (
	"fmt"
	"testing"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// BenchmarkAccount prints the cost of accounting a 10-minute run on 8 GPUs
// (10 Hz power, 1 Hz counter: about 53,000 samples) with 2,000 requests.
func BenchmarkAccount(b *testing.B) {
	var samples []runrecord.Sample
	for g := 0; g < 8; g++ {
		s := trace(fmt.Sprintf("GPU-%d", g), 0, 600, step, 1)
		l := map[string]string{collectors.LabelGPU: fmt.Sprint(g), collectors.LabelUUID: fmt.Sprintf("GPU-%d", g)}
		for i := range s {
			s[i].Labels = l
		}
		samples = append(samples, s...)
	}
	var att []runrecord.Attempt
	for i := 0; i < 2000; i++ {
		s := int64(i) * 300 * sec / 1000
		att = append(att, runrecord.Attempt{TaskID: fmt.Sprint(i / 4), TaskName: "chat", Phase: runrecord.PhaseMeasure, SentNS: s, EndNS: s + 2*sec, OK: true, Tokens: runrecord.Tokens{Output: 200}})
	}
	run := &runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: 600 * sec}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Account(run, att, samples, Config{})
	}
	b.ReportMetric(float64(len(samples)), "samples")
}
