package runrecord

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// SweepFile is the sweep directory's record of its load points.
const SweepFile = "sweep.json"

// Sweep is sweep.json: the load points of a sweep, how each was judged
// against the SLOs, and the highest that met them.
type Sweep struct {
	// Kind is "rate" (open-loop rates) or "concurrency" (closed-loop users).
	Kind       string       `json:"kind"`
	SLOs       []SLO        `json:"slos"`
	MinGoodput float64      `json:"min_goodput"`
	MaxErrors  float64      `json:"max_errors"`
	Points     []SweepPoint `json:"points"`
	// Best is the index in Points of the highest load meeting the SLOs, -1 for none.
	Best int `json:"best"`
	// Cheapest is, in a sweep of GPU settings, the index in Points of the
	// point meeting the SLOs with the lowest cost per task (energy per task
	// when unpriced), -1 for none; 0 and absent otherwise.
	Cheapest int `json:"cheapest,omitempty"`
}

// SweepPoint is one load point's outcome, a row of sweep.json.
type SweepPoint struct {
	Rate        float64 `json:"rate_per_s,omitempty"`
	Concurrency int     `json:"concurrency,omitempty"`
	// Dir is the point's run directory.
	Dir     string `json:"dir"`
	Partial bool   `json:"partial,omitempty"`
	// GoodputFraction is the share of measured requests meeting every SLO.
	GoodputFraction float64 `json:"goodput_fraction"`
	ErrorFraction   float64 `json:"error_fraction"`
	RequestsPerS    float64 `json:"requests_per_s"`
	GoodputPerS     float64 `json:"goodput_requests_per_s"`
	OutputTokensPS  float64 `json:"output_tokens_per_s"`
	TTFTSchedP99MS  float64 `json:"ttft_sched_p99_ms"`
	TPOTP99MS       float64 `json:"tpot_p99_ms"`
	Meets           bool    `json:"meets_slos"`
	// GPUSetting is the GPU power limit and clock lock of the point in a sweep
	// of GPU settings ("300 W", "SM 1410 MHz"); GPUs what each GPU got.
	GPUSetting string       `json:"gpu_setting,omitempty"`
	GPUs       []GPUControl `json:"gpus,omitempty"`
	// Per point of such a sweep: output tokens per second per watt of GPU
	// power, GPU energy per task (J), cost per task (USD, when priced) and
	// whether the clocks were throttled during the window.
	OutputTokensPerW float64 `json:"output_tokens_per_s_per_w,omitempty"`
	EnergyPerTaskJ   float64 `json:"energy_per_task_j,omitempty"`
	CostPerTaskUSD   float64 `json:"cost_per_task_usd,omitempty"`
	Throttled        bool    `json:"throttled,omitempty"`
}

// WriteSweep writes dir/sweep.json atomically, creating dir.
func WriteSweep(dir string, s *Sweep) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return writeJSON(dir, SweepFile, s)
}

// ReadSweep reads dir/sweep.json.
func ReadSweep(dir string) (*Sweep, error) {
	var s Sweep
	if err := readJSON(dir, SweepFile, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// writeJSON writes v as indented JSON to dir/name atomically (WriteFileAtomic).
func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	if err := WriteFileAtomic(dir, name, append(b, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// readJSON decodes dir/name into v.
func readJSON(dir, name string, v any) error {
	path := filepath.Join(dir, name)
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
