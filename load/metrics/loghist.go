package metrics

import (
	"math"
	"slices"

	"github.com/tcobench/tcobench/runrecord"
)

// ITLExactCap is how many inter-token latency samples an Accumulator keeps
// exactly (8 bytes each: 32 MB). A run with more (ten minutes at several
// thousand tokens per second) moves them into a logHist, whose memory does
// not grow with the run, and its ITL percentiles become approximate
// (runrecord.Summary.ITLApprox says so).
const ITLExactCap = 4_000_000

// histRelErr bounds the relative error of a logHist percentile.
const histRelErr = 0.001

// logHist is a log-bucketed histogram of non-negative samples (as
// DDSketch): bucket i holds values in [γ^i, γ^(i+1)) with
// γ = (1+ε)/(1−ε), and stands for the value whose relative distance to
// every value in it is at most ε. Count, mean, standard deviation, min and
// max are exact (Welford's running moments); percentiles are within ε of the
// exact ones. It is deterministic: the same samples give the same figures.
type logHist struct {
	gamma   float64
	lnGamma float64
	buckets map[int]uint64
	zeros   uint64 // samples ≤ 0
	n       uint64
	mean    float64
	m2      float64
	min     float64
	max     float64
}

func newLogHist() *logHist {
	g := (1 + histRelErr) / (1 - histRelErr)
	return &logHist{gamma: g, lnGamma: math.Log(g), buckets: map[int]uint64{}, min: math.Inf(1), max: math.Inf(-1)}
}

func (h *logHist) add(v float64) {
	h.n++
	d := v - h.mean
	h.mean += d / float64(h.n)
	h.m2 += d * (v - h.mean)
	h.min, h.max = min(h.min, v), max(h.max, v)
	if v <= 0 {
		h.zeros++
		return
	}
	h.buckets[int(math.Floor(math.Log(v)/h.lnGamma))]++
}

// value is the representative of bucket i.
func (h *logHist) value(i int) float64 {
	return 2 * math.Pow(h.gamma, float64(i)) * h.gamma / (1 + h.gamma)
}

// dist summarises the histogram like Dist, percentiles interpolated
// between the closest ranks' representatives (clamped to [min, max]).
func (h *logHist) dist() runrecord.Dist {
	if h.n == 0 {
		return runrecord.Dist{}
	}
	keys := make([]int, 0, len(h.buckets))
	for k := range h.buckets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	at := func(rank uint64) float64 { // value of the rank-th smallest (0-based)
		if rank < h.zeros {
			return max(h.min, min(0, h.max))
		}
		seen := h.zeros
		for _, k := range keys {
			seen += h.buckets[k]
			if rank < seen {
				return max(h.min, min(h.value(k), h.max))
			}
		}
		return h.max
	}
	q := func(p float64) float64 {
		pos := p * float64(h.n-1)
		lo := uint64(math.Floor(pos))
		if lo >= h.n-1 {
			return h.max
		}
		a, b := at(lo), at(lo+1)
		return a + (pos-float64(lo))*(b-a)
	}
	sd := 0.0
	if h.n > 1 {
		sd = math.Sqrt(h.m2 / float64(h.n-1))
	}
	return runrecord.Dist{
		Count: int(h.n), Mean: h.mean, Min: h.min, Max: h.max, Stddev: sd,
		P50: q(0.50), P90: q(0.90), P95: q(0.95), P99: q(0.99), P999: q(0.999),
	}
}
