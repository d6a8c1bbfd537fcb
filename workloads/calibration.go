package workloads

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Calibration is a target's measured tokenizer ratio for synthesised text.
type Calibration struct {
	Target string `json:"target"`
	Model  string `json:"model"`
	// API is how the counts were read: "ollama" (/api/chat prompt_eval_count)
	// or "openai" (/v1/chat/completions usage.prompt_tokens).
	API string `json:"api"`
	// TokensPerChar is the fitted slope: prompt tokens per character of
	// synthesised text (measured).
	TokensPerChar float64 `json:"tokens_per_char"`
	// OverheadTokens is the fitted intercept: tokens the chat template adds
	// to every request (measured).
	OverheadTokens float64             `json:"overhead_tokens"`
	Samples        []CalibrationSample `json:"samples"`
	// MaxErrorPct is the largest relative error of the check requests
	// (synthesised text asked for N tokens, server counted M).
	MaxErrorPct float64   `json:"max_error_pct"`
	MeasuredAt  time.Time `json:"measured_at"`
}

// CalibrationSample is one measured request.
type CalibrationSample struct {
	Chars        int  `json:"chars"`
	PromptTokens int  `json:"prompt_tokens"`
	Check        bool `json:"check,omitempty"`
	WantTokens   int  `json:"want_tokens,omitempty"`
}

// CalibrationDir is where calibrations are kept: $TCOBENCH_CALIBRATION_DIR,
// else <user config dir>/tcobench/calibrations.
func CalibrationDir() (string, error) {
	if d := os.Getenv("TCOBENCH_CALIBRATION_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("calibration directory: %w", err)
	}
	return filepath.Join(base, "tcobench", "calibrations"), nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// CalibrationPath is the file for a (target, model) pair in CalibrationDir.
func CalibrationPath(target, model string) (string, error) {
	dir, err := CalibrationDir()
	if err != nil {
		return "", err
	}
	host := target
	if u, err := url.Parse(target); err == nil && u.Host != "" {
		host = u.Host
	}
	return filepath.Join(dir, unsafeName.ReplaceAllString(host+"_"+model, "_")+".json"), nil
}

// SaveCalibration writes c to path, creating its directory.
func SaveCalibration(path string, c *Calibration) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save calibration: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// LoadCalibration reads a calibration file.
func LoadCalibration(path string) (*Calibration, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	var c Calibration
	if err := decodeStrict(b, &c); err != nil {
		return nil, fmt.Errorf("calibration %s: %w", path, err)
	}
	if !(c.TokensPerChar > 0) || c.TokensPerChar > 10 {
		return nil, fmt.Errorf("calibration %s: tokens_per_char %g is not a plausible ratio", path, c.TokensPerChar)
	}
	return &c, nil
}

// FindCalibration loads the saved calibration for (target, model), or
// returns nil, nil when there is none.
func FindCalibration(target, model string) (*Calibration, error) {
	p, err := CalibrationPath(target, model)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(p); os.IsNotExist(err) {
		return nil, nil
	}
	return LoadCalibration(p)
}
