package compare

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/tcobench/tcobench/internal/randdist"
)

// quantileNearest is the nearest-rank q-quantile of sorted values.
func quantileNearest(sorted []float64, q float64) float64 {
	n := len(sorted)
	k := int(math.Ceil(q*float64(n))) - 1
	k = min(max(k, 0), n-1)
	return sorted[k]
}

// resampleQuantile draws the nearest-rank q-quantile of a bootstrap
// resample of sorted (n draws with replacement) in O(1): the resample's
// (k+1)-th smallest index is floor(n*U) where U is the (k+1)-th smallest of
// n uniform variables, which is Beta(k+1, n-k) distributed. This is the
// exact distribution of the O(n) counting method, not an approximation.
func resampleQuantile(rng *rand.Rand, sorted []float64, q float64) float64 {
	n := len(sorted)
	k := int(math.Ceil(q*float64(n))) - 1
	k = min(max(k, 0), n-1)
	x, y := randdist.Gamma(rng, float64(k+1)), randdist.Gamma(rng, float64(n-k))
	i := int(float64(n) * x / (x + y))
	return sorted[min(max(i, 0), n-1)]
}

// interval is a bootstrap percentile interval of a difference (candidate − baseline).
type interval struct{ lo, hi float64 }

// bootstrapQuantileDiff returns the interval of quantile(cand) − quantile(base).
func bootstrapQuantileDiff(base, cand []float64, q float64, cfg Config, salt uint64) interval {
	rng := rand.New(rand.NewPCG(cfg.Seed, salt))
	diffs := make([]float64, cfg.Resamples)
	for i := range diffs {
		diffs[i] = resampleQuantile(rng, cand, q) - resampleQuantile(rng, base, q)
	}
	return percentileInterval(diffs, cfg.Confidence)
}

// bootstrapRateChange returns the interval of a rate's change, as a
// difference from the baseline figure baseFig: the bootstrap runs on the
// ratio mean(cand)/mean(base), which stays above 0, so a rate can never be
// said to fall by more than 100 % (a difference of means can).
func bootstrapRateChange(base, cand []float64, baseFig float64, cfg Config, salt uint64) interval {
	rng := rand.New(rand.NewPCG(cfg.Seed, salt))
	mean := func(x []float64) float64 {
		s := 0.0
		for range x {
			s += x[rng.IntN(len(x))]
		}
		return s / float64(len(x))
	}
	ratios := make([]float64, 0, cfg.Resamples)
	for range cfg.Resamples {
		if b := mean(base); b > 0 {
			ratios = append(ratios, mean(cand)/b)
		}
	}
	if len(ratios) == 0 {
		return interval{}
	}
	iv := percentileInterval(ratios, cfg.Confidence)
	return interval{lo: (iv.lo - 1) * baseFig, hi: (iv.hi - 1) * baseFig}
}

func percentileInterval(diffs []float64, conf float64) interval {
	sort.Float64s(diffs)
	a := (1 - conf) / 2
	return interval{lo: quantileNearest(diffs, a), hi: quantileNearest(diffs, 1-a)}
}

// twoProportionZ returns the z statistic of p2 − p1 (pooled).
func twoProportionZ(x1, n1, x2, n2 int) float64 {
	if n1 == 0 || n2 == 0 {
		return 0
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	p := float64(x1+x2) / float64(n1+n2)
	se := math.Sqrt(p * (1 - p) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0
	}
	return (p2 - p1) / se
}

// zFor returns the two-sided normal critical value for a confidence level.
func zFor(conf float64) float64 {
	// Inverse of the normal CDF by bisection on erf; precise enough for a gate.
	target := 1 - (1-conf)/2
	lo, hi := 0.0, 10.0
	for i := 0; i < 60; i++ {
		mid := (lo + hi) / 2
		if 0.5*(1+math.Erf(mid/math.Sqrt2)) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}
