package tco

import "math"

// weakest is the provenance of a figure derived from others: assumed if any
// input was assumed, else configured if any was configured, else measured.
func weakest(provs ...string) string {
	out := Measured
	for _, p := range provs {
		switch {
		case p == Assumed:
			return Assumed
		case p == Configured:
			out = Configured
		}
	}
	return out
}

// fig builds a Figure, rounding away float noise and never holding NaN or Inf
// (JSON cannot carry them): a non-finite value becomes 0 and says so.
func fig(v float64, prov, source string) Figure {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Figure{Value: 0, Provenance: prov, Source: source + " (not finite: shown as 0)"}
	}
	return Figure{Value: v, Provenance: prov, Source: source}
}

func provs(figs ...Figure) string {
	p := make([]string, len(figs))
	for i, f := range figs {
		p[i] = f.Provenance
	}
	return weakest(p...)
}

// pfig is fig for an optional Figure.
func pfig(v float64, prov, source string) *Figure {
	f := fig(v, prov, source)
	return &f
}
