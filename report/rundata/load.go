package rundata

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
)

// Data is one run directory, loaded.
type Data struct {
	// Dir is the run directory.
	Dir string
	// Run is run.json.
	Run *runrecord.Run
	// Attempts are all lines of requests.jsonl, in file order.
	Attempts []runrecord.Attempt
	// Telemetry holds all lines of telemetry.jsonl (nil when the run has none).
	Telemetry []runrecord.Sample
	// Cost is the run's priced cost comparison, decoded (nil when unpriced).
	Cost *Cost

	samples map[string][]float64
	// sorted caches Sorted: a long run's ITL sample has millions of values,
	// and figures, charts and comparisons each ask for it.
	sortMu sync.Mutex
	sorted map[string][]float64
}

// Load reads a run directory. A missing telemetry.jsonl is not an error
// (no collector ran); a missing requests.jsonl is. A directory without
// run.json (a killed run) is read through metrics.LoadRun: its record is
// recovered from requests.jsonl and marked partial.
func Load(dir string) (*Data, error) {
	run, err := metrics.LoadRun(dir)
	if err != nil {
		return nil, err
	}
	if err := runrecord.LatestCost(dir, run); err != nil {
		return nil, err
	}
	atts, err := runrecord.LoadAttempts(dir)
	if err != nil {
		return nil, err
	}
	smp, err := loadSamples(filepath.Join(dir, runrecord.TelemetryFile))
	if err != nil {
		return nil, err
	}
	d := &Data{Dir: dir, Run: run, Attempts: atts, Telemetry: smp, Cost: CostView(run.Cost)}
	d.samples = perAttempt(atts)
	return d, nil
}

// IsRunDir reports whether dir holds a run: a run.json, or the
// requests.jsonl of a run that never wrote one (read as a recovered run).
func IsRunDir(dir string) bool {
	for _, name := range []string{runrecord.RunFile, runrecord.RequestsFile} {
		if st, err := os.Stat(filepath.Join(dir, name)); err == nil && st.Mode().IsRegular() {
			return true
		}
	}
	return false
}

// RunDirs lists the run directories directly below dir (a suite or sweep
// directory), sorted by name.
func RunDirs(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	var out []string
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() && IsRunDir(p) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

func loadSamples(path string) ([]runrecord.Sample, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read telemetry: %w", err)
	}
	defer f.Close()
	var out []runrecord.Sample
	err = decodeJSONL(f, path, func(s runrecord.Sample) { out = append(out, s) })
	return out, err
}

// FromRun loads a run directory's attempts and telemetry but takes the run
// record as given (for a caller that holds a fresher one than run.json).
func FromRun(dir string, run *runrecord.Run) (*Data, error) {
	d, err := Load(dir)
	if err != nil {
		return nil, err
	}
	if run == nil {
		return d, nil
	}
	d.Run, d.Cost = run, CostView(run.Cost)
	return d, nil
}
