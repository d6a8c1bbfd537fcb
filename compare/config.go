package compare

import (
	"bytes"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tcobench/tcobench/report/rundata"
)

// Config says what counts as a regression.
type Config struct {
	// Thresholds maps a figure name to how much worse it may get before it is
	// a regression: percent of the baseline for most figures, percentage
	// points for error_rate. A figure not in the map is reported, not gated.
	Thresholds map[string]float64
	// Confidence of the bootstrap interval (default 0.95).
	Confidence float64
	// Resamples is the number of bootstrap resamples (default 1000).
	Resamples int
	// Seed makes the bootstrap reproducible.
	Seed uint64
}

// DefaultThresholds are the gates used when no thresholds file says otherwise.
func DefaultThresholds() map[string]float64 {
	return map[string]float64{
		rundata.FigTTFTP50:     10,
		rundata.FigTTFTP99:     10,
		rundata.FigE2EP99:      10,
		rundata.FigTPOTP50:     10,
		rundata.FigOutputTokS:  5,
		rundata.FigRequestsS:   5,
		rundata.FigJPerToken:   5,
		rundata.FigCostPerTask: 5,
		rundata.FigErrorRate:   1,
	}
}

// DefaultConfig returns the default gates, 95% intervals, 1000 resamples.
func DefaultConfig() Config {
	return Config{Thresholds: DefaultThresholds(), Confidence: 0.95, Resamples: 1000, Seed: 1}
}

// thresholdsFile is the YAML thresholds file.
type thresholdsFile struct {
	Confidence float64 `yaml:"confidence"`
	Resamples  int     `yaml:"resamples"`
	Seed       *uint64 `yaml:"seed"`
	// Thresholds override the defaults; null removes a default gate.
	Thresholds map[string]*float64 `yaml:"thresholds"`
	// Only, when true, drops every default gate not listed in Thresholds.
	Only bool `yaml:"only"`
}

// LoadConfig reads a thresholds file over the defaults. Unknown keys and
// unknown figure names are errors naming the file and line.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	b, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("thresholds: %w", err)
	}
	var f thresholdsFile
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return cfg, fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if f.Only {
		cfg.Thresholds = map[string]float64{}
	}
	known := knownFigures()
	for name, v := range f.Thresholds {
		if !known[name] {
			return cfg, fmt.Errorf("%s: thresholds.%s: unknown figure (known: %s)", path, name, strings.Join(sortedKeys(known), ", "))
		}
		if v == nil {
			delete(cfg.Thresholds, name)
			continue
		}
		if *v < 0 {
			return cfg, fmt.Errorf("%s: thresholds.%s: %g is negative; give how much worse is allowed", path, name, *v)
		}
		cfg.Thresholds[name] = *v
	}
	if f.Confidence != 0 {
		if f.Confidence <= 0.5 || f.Confidence >= 1 {
			return cfg, fmt.Errorf("%s: confidence: %g is not between 0.5 and 1", path, f.Confidence)
		}
		cfg.Confidence = f.Confidence
	}
	if f.Resamples != 0 {
		if f.Resamples < 100 {
			return cfg, fmt.Errorf("%s: resamples: %d is below 100", path, f.Resamples)
		}
		cfg.Resamples = f.Resamples
	}
	if f.Seed != nil {
		cfg.Seed = *f.Seed
	}
	return cfg, nil
}

func knownFigures() map[string]bool {
	m := map[string]bool{}
	for _, s := range specs {
		m[s.name] = true
	}
	return m
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
