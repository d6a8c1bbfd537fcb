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

// writeJSON writes v as indented JSON to dir/name through a temporary file
// and a rename, so a reader never sees half a file.
func writeJSON(dir, name string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", name, err)
	}
	tmp := filepath.Join(dir, name+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
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
