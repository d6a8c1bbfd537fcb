package tco

import (
	"math"

	"github.com/tcobench/tcobench/runrecord"
)

// fig builds a Figure, rounding away float noise and never holding NaN or Inf
// (JSON cannot carry them): a non-finite value becomes 0 and says so.
func fig(v float64, prov runrecord.Provenance, source string) runrecord.Figure {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return runrecord.Figure{Value: 0, Provenance: prov, Source: source + " (not finite: shown as 0)"}
	}
	return runrecord.Figure{Value: v, Provenance: prov, Source: source}
}

// provs is the weakest provenance of figs.
func provs(figs ...runrecord.Figure) runrecord.Provenance {
	p := make([]runrecord.Provenance, len(figs))
	for i, f := range figs {
		p[i] = f.Provenance
	}
	return runrecord.Weakest(p...)
}

// pfig is fig for an optional Figure.
func pfig(v float64, prov runrecord.Provenance, source string) *runrecord.Figure {
	f := fig(v, prov, source)
	return &f
}
