package randdist

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Gamma(k, 1) has mean k and variance k.
func TestGammaMoments(t *testing.T) {
	for _, shape := range []float64{0.3, 1, 2.5, 40} {
		r := rand.New(rand.NewPCG(7, uint64(shape*100)))
		const n = 200_000
		var sum, sq float64
		for range n {
			x := Gamma(r, shape)
			if !(x >= 0) {
				t.Fatalf("shape %v: draw %v, want non-negative", shape, x)
			}
			sum += x
			sq += x * x
		}
		mean := sum / n
		variance := sq/n - mean*mean
		if math.Abs(mean-shape) > 0.02*shape+0.01 || math.Abs(variance-shape) > 0.05*shape+0.01 {
			t.Errorf("shape %v: mean %.4f variance %.4f, want both %v", shape, mean, variance, shape)
		}
	}
}

func TestGammaSeeded(t *testing.T) {
	a, b := rand.New(rand.NewPCG(1, 2)), rand.New(rand.NewPCG(1, 2))
	for range 100 {
		if x, y := Gamma(a, 0.7), Gamma(b, 0.7); x != y {
			t.Fatalf("same seed drew %v and %v", x, y)
		}
	}
}
