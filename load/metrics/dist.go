// Package metrics turns attempts into a run's figures: exact percentiles
// from raw samples, throughput and goodput over the measurement window,
// token totals with their sources, errors by class, and the warnings a
// reader needs (the harness fell behind, the server could not keep up).
// Everything is computed from the run record alone, so reports and
// comparisons recompute it from requests.jsonl.
package metrics

import (
	"math"
	"slices"

	"github.com/tcobench/tcobench/runrecord"
)

// Dist summarises raw samples with exact percentiles (linear interpolation
// between the closest ranks, as numpy's default). It sorts xs in place.
func Dist(xs []float64) runrecord.Dist {
	n := len(xs)
	if n == 0 {
		return runrecord.Dist{}
	}
	slices.Sort(xs)
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(n)
	var sq float64
	for _, x := range xs {
		sq += (x - mean) * (x - mean)
	}
	sd := 0.0
	if n > 1 {
		sd = math.Sqrt(sq / float64(n-1))
	}
	return runrecord.Dist{
		Count: n, Mean: mean, Min: xs[0], Max: xs[n-1], Stddev: sd,
		P50: Quantile(xs, 0.50), P90: Quantile(xs, 0.90), P95: Quantile(xs, 0.95),
		P99: Quantile(xs, 0.99), P999: Quantile(xs, 0.999),
	}
}

// Quantile returns the q-quantile (0..1) of sorted samples by linear
// interpolation between closest ranks; 0 for no samples.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	if lo >= n-1 {
		return sorted[n-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

func nsToMS(ns int64) float64 { return float64(ns) / 1e6 }
