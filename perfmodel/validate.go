package perfmodel

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Validation is the model's error on every published row.
type Validation struct {
	Factors     Factors
	Predictions []Prediction
}

// Training reports whether a row is in the half of the published rows the
// default factors are fitted on (every second row in file order); the
// other half is held out.
func Training(i int) bool { return i%2 == 0 }

// Validate predicts every published row with factors f.
func Validate(f Factors) (*Validation, error) {
	rows, err := PublishedRows()
	if err != nil {
		return nil, err
	}
	v := &Validation{Factors: f}
	for _, r := range rows {
		v.Predictions = append(v.Predictions, PredictPublished(r, f))
	}
	return v, nil
}

// FitPublished fits the default accelerator factors on the training half
// of the published rows (offline rows with at most maxRequests requests,
// to keep the fit quick).
func FitPublished(start Factors, maxRequests int) (Factors, error) {
	rows, err := PublishedRows()
	if err != nil {
		return start, err
	}
	var train []PublishedRow
	for i, r := range rows {
		if Training(i) && r.Requests <= maxRequests {
			train = append(train, r)
		}
	}
	loss := func(f Factors) float64 {
		pred, obs := make([]float64, len(train)), make([]float64, len(train))
		for i, r := range train {
			pred[i], obs[i] = PredictPublished(r, f).Predicted, r.Value
		}
		return logLoss(pred, obs)
	}
	f, _ := fit(start, []fitParam{pCompute, pBandwidth, pMoE, pStep, pLayer, pSeq}, loss, 30)
	return f, nil
}

// isThroughput reports whether a row measures throughput.
func isThroughput(p Prediction) bool { return p.Row.Metric != MetricTTFTMS }

// tpotErr is the error of the derived time per output token of a static
// batch (batch / total throughput: prefill amortised), the only TPOT the
// published rows allow; it follows the throughput error.
func tpotErr(p Prediction) float64 { return 1/(1+p.Err) - 1 }

// Summary lines: median and worst absolute error per group, and the targets.
func (v *Validation) Summary() []string {
	all := func(p Prediction) bool { return isThroughput(p) }
	static := func(p Prediction) bool { return p.Row.Metric == MetricOutputTokPerSGPU }
	ttft := func(p Prediction) bool { return p.Row.Metric == MetricTTFTMS }
	rows, _ := PublishedRows()
	held := map[string]bool{}
	for i, r := range rows {
		held[r.ID] = !Training(i)
	}
	heldTput := func(p Prediction) bool { return isThroughput(p) && held[p.Row.ID] }
	var tpot []Prediction
	for _, p := range v.Predictions {
		if static(p) && p.Skipped == "" {
			q := p
			q.Err = tpotErr(p)
			tpot = append(tpot, q)
		}
	}
	line := func(name string, s ErrorStats) string {
		return fmt.Sprintf("%s: %d rows, median absolute error %.1f %%, 90th percentile %.1f %%, worst %.1f %% (%s)", name, s.N, 100*s.Median, 100*s.P90, 100*s.Worst, s.WorstID)
	}
	tp, tt := Stats(v.Predictions, all), Stats(tpot, func(Prediction) bool { return true })
	out := []string{
		line("throughput, all rows", tp),
		line("throughput, held-out half", Stats(v.Predictions, heldTput)),
		line("throughput, TensorRT-LLM v1.0 offline (TRT10)", Stats(v.Predictions, func(p Prediction) bool { return p.Row.Source == "TRT10" })),
		line("throughput, TensorRT-LLM ≥0.19 TP sweeps (TRT02x)", Stats(v.Predictions, func(p Prediction) bool { return p.Row.Source == "TRT02x" })),
		line("throughput, TensorRT-LLM v0.9 static batch (TRT09)", Stats(v.Predictions, static)),
		line("TPOT (derived: static batch / throughput)", tt),
		line("TTFT, batch 1", Stats(v.Predictions, ttft)),
	}
	skipped := 0
	for _, p := range v.Predictions {
		if p.Skipped != "" {
			skipped++
		}
	}
	out = append(out, fmt.Sprintf("not predicted: %d rows (no datasheet figures for their GPU in the reference)", skipped))
	out = append(out, target("throughput median ≤ 15 %", tp.Median, 0.15), target("TPOT median ≤ 20 %", tt.Median, 0.20))
	return out
}

func target(what string, got, limit float64) string {
	verdict := "met"
	if got > limit {
		verdict = "MISSED"
	}
	return fmt.Sprintf("target %s: %s (%.1f %%)", what, verdict, 100*got)
}

// WriteTable writes the Markdown table: predicted beside published for every row.
func (v *Validation) WriteTable(w io.Writer) {
	fmt.Fprintln(w, "| row | source | metric | published | predicted | error |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|")
	for _, p := range v.Predictions {
		unit := strings.ReplaceAll(p.Row.Metric, "_", " ")
		if p.Skipped != "" {
			fmt.Fprintf(w, "| %s | %s | %s | %s | — | not predicted: %s |\n", p.Row.ID, p.Row.Source, unit, num(p.Row.Value), p.Skipped)
			continue
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %+.1f %% |\n", p.Row.ID, p.Row.Source, unit, num(p.Row.Value), num(p.Predicted), 100*p.Err)
	}
}

// BandFromValidation is the 90th percentile of the absolute throughput
// errors, the band the defaults should carry (compare BandThroughput).
func (v *Validation) BandFromValidation() float64 {
	return math.Ceil(Stats(v.Predictions, isThroughput).P90*20) / 20
}
