package perfmodel

import (
	"math"

	"github.com/tcobench/tcobench/runrecord"
)

// Default factors for accelerators: fitted (FitPublished) to the training
// half of the published TensorRT-LLM measurements the model is validated
// against (docs/projection.md); `go run ./perfmodel/cmd/projection -fit`
// refits them.
var gpuDefaults = Factors{
	ComputeEff: 0.4926, BandwidthEff: 1, MoEEff: 0.6534, StepOverheadS: 0.00219, LayerOverheadS: 0.000119, SeqOverheadS: 3.98e-6,
	CommLatencyS: 8e-6, LinkEff: 0.7,
	Source: "fitted to the training half of the published TensorRT-LLM measurements (docs/projection.md)",
}

// cpuDefaults are assumed: no published CPU serving measurement is in the
// reference. Calibrate on a run for anything better.
var cpuDefaults = Factors{
	ComputeEff: 0.1, BandwidthEff: 0.5, MoEEff: 0.5, StepOverheadS: 0.002, SeqOverheadS: 0.0005,
	Source: "assumed CPU defaults (no published CPU serving figures): calibrate on a run (docs/projection.md)",
}

// DefaultFactors returns the default efficiency factors for a device kind.
func DefaultFactors(dev Device) Factors {
	if dev.Kind == KindCPU {
		return cpuDefaults
	}
	return gpuDefaults
}

// Bands are the relative error bands of projected figures: the 90th
// percentile of the absolute errors on the published rows (throughput;
// latency for TTFT and TPOT), rounded up (docs/projection.md). A projection
// calibrated on the same hardware uses the calibration's own error, at least
// CalibratedBandMin.
var (
	BandThroughput = 0.45
	BandLatency    = 0.60
	// BandCPUDefault is the band of an uncalibrated CPU projection (assumed factors).
	BandCPUDefault    = 1.0
	CalibratedBandMin = 0.15
)

// Banded is a projected figure with its error band.
type Banded struct {
	Value float64 `json:"value"`
	// Low and High bound the figure within the band.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Band is the relative half-width used (0.4: ±40 %).
	Band       float64              `json:"band_fraction"`
	Unit       string               `json:"unit"`
	Provenance runrecord.Provenance `json:"provenance"`
	Source     string               `json:"source,omitempty"`
}

// band returns v ± band × v.
func band(v, b float64, unit, src string) Banded {
	return Banded{Value: v, Low: v * (1 - math.Min(b, 0.95)), High: v * (1 + b), Band: b, Unit: unit, Provenance: runrecord.Projected, Source: src}
}

// inverse is a figure proportional to 1/x for x in its band (a cost per
// task, nodes): its bounds swap and stretch.
func inverse(v, b float64, unit, src string) Banded {
	lo := math.Min(b, 0.95)
	return Banded{Value: v, Low: v / (1 + b), High: v / (1 - lo), Band: b, Unit: unit, Provenance: runrecord.Projected, Source: src}
}
