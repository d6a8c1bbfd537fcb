package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tcobench/tcobench/report"
)

// ManifestFile is the suite directory's record of what ran.
const ManifestFile = "suite.json"

// RunFunc executes one run of a suite into runDir (which exists and is empty).
type RunFunc func(ctx context.Context, spec RunSpec, runDir string) error

// Outcome is how one run of a suite went.
type Outcome struct {
	Spec    RunSpec   `json:"spec"`
	Dir     string    `json:"dir"`
	Started time.Time `json:"started_at"`
	Ended   time.Time `json:"ended_at"`
	// Error is empty when the run succeeded.
	Error string `json:"error,omitempty"`
}

// Manifest is suite.json.
type Manifest struct {
	Suite    *Suite    `json:"suite"`
	Started  time.Time `json:"started_at"`
	Ended    time.Time `json:"ended_at,omitempty"`
	Outcomes []Outcome `json:"runs"`
}

// Execute runs every spec of the suite in order, each into its own
// directory under dir, recording suite.json after each. A failed run is
// recorded and the suite goes on; an interrupted context stops it. The error
// joins every run's failure (nil when all succeeded).
func Execute(ctx context.Context, s *Suite, dir string, runOne RunFunc) (*Manifest, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("suite directory: %w", err)
	}
	m := &Manifest{Suite: s, Started: time.Now().UTC()}
	var errs []error
	for _, sp := range s.Expand() {
		if err := ctx.Err(); err != nil {
			errs = append(errs, fmt.Errorf("suite interrupted before run %s: %w", sp.Name, err))
			break
		}
		o := Outcome{Spec: sp, Dir: sp.Name, Started: time.Now().UTC()}
		runDir := filepath.Join(dir, sp.Name)
		err := os.MkdirAll(runDir, 0o755)
		if err == nil {
			err = runOne(ctx, sp, runDir)
		}
		o.Ended = time.Now().UTC()
		if err != nil {
			o.Error = err.Error()
			errs = append(errs, fmt.Errorf("run %s: %w", sp.Name, err))
		}
		m.Outcomes = append(m.Outcomes, o)
		if werr := writeManifest(dir, m); werr != nil {
			return m, werr
		}
	}
	m.Ended = time.Now().UTC()
	if err := writeManifest(dir, m); err != nil {
		return m, err
	}
	return m, errors.Join(errs...)
}

func writeManifest(dir string, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", ManifestFile, err)
	}
	tmp := filepath.Join(dir, ManifestFile+".tmp")
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", ManifestFile, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, ManifestFile)); err != nil {
		return fmt.Errorf("write %s: %w", ManifestFile, err)
	}
	return nil
}

// WriteReports writes the combined report of a suite directory as
// report.html and report.md inside it, and returns the HTML file's path.
func WriteReports(dir string) (string, error) {
	r, err := report.Load(dir)
	if err != nil {
		return "", err
	}
	for _, f := range []struct{ name, format string }{{"report.html", "html"}, {"report.md", "md"}} {
		fh, err := os.Create(filepath.Join(dir, f.name))
		if err != nil {
			return "", fmt.Errorf("write report: %w", err)
		}
		werr := r.Write(fh, f.format)
		cerr := fh.Close()
		if err := errors.Join(werr, cerr); err != nil {
			return "", fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	return filepath.Join(dir, "report.html"), nil
}
