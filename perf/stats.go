package perf

import (
	"slices"

	"github.com/tcobench/tcobench/load/metrics"
)

func ms(ns int64) float64 { return float64(ns) / 1e6 }

// stats summarises xs (milliseconds); it sorts xs.
func stats(xs []float64) Stats {
	if len(xs) == 0 {
		return Stats{}
	}
	slices.Sort(xs)
	return Stats{N: len(xs), P50: metrics.Quantile(xs, 0.5), P99: metrics.Quantile(xs, 0.99), Max: xs[len(xs)-1]}
}
