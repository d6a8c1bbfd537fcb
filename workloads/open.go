package workloads

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Open resolves a workload for a run. nameOrPath is a catalog name
// ("tier1-support-ticket"), a YAML workload file, a JSONL trace, or a source
// file one of the importers reads (Azure CSV, Mooncake JSONL, tau2 results
// JSON, length-only CSV); see Import.
func Open(nameOrPath string, opts ResolveOptions) (*Plan, error) {
	if f, err := LoadCatalog(nameOrPath); err == nil {
		return Resolve(f, "catalog:"+nameOrPath, catalogReader(nameOrPath), opts)
	}
	if _, err := os.Stat(nameOrPath); err != nil {
		return nil, fmt.Errorf("workload %q: not a catalog entry (%s) nor a readable file: %w",
			nameOrPath, strings.Join(CatalogNames(), ", "), err)
	}
	switch ext := strings.ToLower(filepath.Ext(nameOrPath)); ext {
	case ".yaml", ".yml":
		f, err := Load(nameOrPath)
		if err != nil {
			return nil, err
		}
		return Resolve(f, nameOrPath, fileReader(nameOrPath), opts)
	}
	t, _, err := Import(nameOrPath, ImportOptions{})
	if err != nil {
		return nil, err
	}
	return TracePlan(t, nameOrPath, opts), nil
}

// Load reads and validates a YAML workload file, streaming it (see
// DecodeReader).
func Load(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("workload: %w", err)
	}
	defer f.Close()
	return DecodeReader(path, bufio.NewReaderSize(f, 64<<10))
}

// fileReader opens files named relative to the workload file at path.
func fileReader(path string) readFunc {
	dir := filepath.Dir(path)
	return func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.ReadFile(name)
	}
}

// resolveTraceRef resolves a YAML workload whose arrival replays a trace.
func resolveTraceRef(f *File, source string, read readFunc, opts ResolveOptions) (*Plan, error) {
	data, err := read(f.Arrival.Trace)
	if err != nil {
		return nil, fmt.Errorf("workload %s: trace: %w", f.Name, err)
	}
	t, _, err := ReadTrace(f.Arrival.Trace, bytes.NewReader(data), false)
	if err != nil {
		return nil, fmt.Errorf("workload %s: %w", f.Name, err)
	}
	if opts.Seed == nil && f.Seed != nil {
		opts.Seed = f.Seed
	}
	if opts.Replay == "" {
		opts.Replay = f.Replay
	}
	t.Header.Name = f.Name
	return TracePlan(t, source, opts), nil
}
