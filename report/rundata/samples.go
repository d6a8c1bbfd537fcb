package rundata

import (
	"slices"

	"github.com/tcobench/tcobench/runrecord"
)

// Per-request sample names (milliseconds unless said otherwise).
const (
	SampleTTFT      = runrecord.MetricTTFT
	SampleTTFTSched = runrecord.MetricTTFTSched
	SampleE2E       = runrecord.MetricE2E
	SampleE2ESched  = runrecord.MetricE2ESched
	SampleTPOT      = runrecord.MetricTPOT
	SampleITL       = runrecord.MetricITL
	// SampleOutputTokens is the output token count of each measured, successful request.
	SampleOutputTokens = "output_tokens"
)

// Measured reports whether an attempt enters the figures: measurement phase.
func Measured(a *runrecord.Attempt) bool { return a.Phase == runrecord.PhaseMeasure || a.Phase == "" }

// AttemptSamples returns one attempt's latencies in ms, by sample name; a
// latency the attempt did not reach (no first token) is absent.
func AttemptSamples(a *runrecord.Attempt) map[string]float64 {
	m := map[string]float64{}
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	if a.FirstTokenNS > 0 {
		m[SampleTTFT] = ms(a.FirstTokenNS - a.SentNS)
		m[SampleTTFTSched] = ms(a.FirstTokenNS - a.ScheduledNS)
	}
	if a.OK && a.EndNS > a.SentNS {
		m[SampleE2E] = ms(a.EndNS - a.SentNS)
		m[SampleE2ESched] = ms(a.EndNS - a.ScheduledNS)
		if out := a.Tokens.Output; out > 1 && a.FirstTokenNS > 0 {
			m[SampleTPOT] = ms(a.EndNS-a.FirstTokenNS) / float64(out-1)
		}
		m[SampleOutputTokens] = float64(a.Tokens.Output)
	}
	return m
}

func perAttempt(atts []runrecord.Attempt) map[string][]float64 {
	out := map[string][]float64{}
	for i := range atts {
		a := &atts[i]
		if !Measured(a) || !a.OK {
			continue
		}
		for k, v := range AttemptSamples(a) {
			out[k] = append(out[k], v)
		}
		for j := 1; j < len(a.ChunkNS); j++ {
			out[SampleITL] = append(out[SampleITL], float64(a.ChunkNS[j]-a.ChunkNS[j-1])/1e6)
		}
	}
	return out
}

// Samples returns the raw per-request values of a sample (measured,
// successful attempts), in attempt order. The caller must not modify it.
func (d *Data) Values(name string) []float64 { return d.samples[name] }

// Sorted returns a sample's values in increasing order (sorted once, then
// cached). The caller must not modify it. It is safe for concurrent use.
func (d *Data) Sorted(name string) []float64 {
	d.sortMu.Lock()
	defer d.sortMu.Unlock()
	if s, ok := d.sorted[name]; ok {
		return s
	}
	s := slices.Clone(d.samples[name])
	slices.Sort(s)
	if d.sorted == nil {
		d.sorted = map[string][]float64{}
	}
	d.sorted[name] = s
	return s
}

// Quantile returns the q-quantile (0..1) of sorted values by linear
// interpolation between closest ranks; NaN-free: 0 for an empty slice.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n == 1 {
		return sorted[0]
	}
	pos := q * float64(n-1)
	lo := int(pos)
	if lo >= n-1 {
		return sorted[n-1]
	}
	f := pos - float64(lo)
	return sorted[lo] + f*(sorted[lo+1]-sorted[lo])
}
