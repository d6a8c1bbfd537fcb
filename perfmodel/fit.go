package perfmodel

import "math"

// fitParam is one factor a fit may move, within [lo, hi].
type fitParam struct {
	name   string
	field  func(*Factors) *float64
	lo, hi float64
}

var (
	pCompute   = fitParam{"compute_efficiency", func(f *Factors) *float64 { return &f.ComputeEff }, 1e-4, 1}
	pBandwidth = fitParam{"bandwidth_efficiency", func(f *Factors) *float64 { return &f.BandwidthEff }, 0.05, 1}
	pMoE       = fitParam{"moe_efficiency", func(f *Factors) *float64 { return &f.MoEEff }, 0.05, 1}
	pStep      = fitParam{"step_overhead_s", func(f *Factors) *float64 { return &f.StepOverheadS }, 1e-6, 1}
	pLayer     = fitParam{"layer_overhead_s", func(f *Factors) *float64 { return &f.LayerOverheadS }, 1e-8, 0.01}
	pSeq       = fitParam{"seq_overhead_s", func(f *Factors) *float64 { return &f.SeqOverheadS }, 1e-8, 1}
)

// fit moves each parameter in turn by shrinking multiplicative steps,
// keeping any move that lowers loss (a pattern search in log space: the
// factors are positive and span decades). It returns the best factors and
// their loss.
func fit(start Factors, params []fitParam, loss func(Factors) float64, rounds int) (Factors, float64) {
	best, bestLoss := start, loss(start)
	step := 2.0
	for r := 0; r < rounds; r++ {
		improved := false
		for _, p := range params {
			for _, dir := range []float64{step, 1 / step} {
				cand := best
				v := p.field(&cand)
				if *v <= 0 {
					*v = p.lo
				}
				*v = math.Min(p.hi, math.Max(p.lo, *v*dir))
				if l := loss(cand); l < bestLoss {
					best, bestLoss, improved = cand, l, true
				}
			}
		}
		if !improved {
			step = math.Sqrt(step)
			if step < 1.01 {
				break
			}
		}
	}
	return best, bestLoss
}

// logLoss is the mean squared log ratio of predictions to observations.
func logLoss(pred, obs []float64) float64 {
	var s float64
	n := 0
	for i := range pred {
		if pred[i] <= 0 || obs[i] <= 0 {
			s += 25 // a failed prediction weighs as a factor e^5 off
		} else {
			d := math.Log(pred[i] / obs[i])
			s += d * d
		}
		n++
	}
	if n == 0 {
		return math.Inf(1)
	}
	return s / float64(n)
}
