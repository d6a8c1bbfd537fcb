package workloads

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Import formats.
const (
	FormatTrace    = "trace"    // tcobench JSONL (what `tcobench record` writes)
	FormatAzure    = "azure"    // Azure LLM inference trace CSV
	FormatMooncake = "mooncake" // Mooncake JSONL
	FormatTau2     = "tau2"     // tau2-bench results JSON
	FormatLengths  = "lengths"  // CSV of prompt/output token pairs, no time
)

// Mooncake timestamp policies.
const (
	// PolicySpread rounds timestamps to the nearest second and spreads the
	// requests of one second evenly across it.
	PolicySpread = "spread"
	// PolicyBurst keeps the requests of one second at the same instant.
	PolicyBurst = "burst"
)

// ImportOptions controls an import.
type ImportOptions struct {
	// Format is one of the Format* constants; empty detects it from the file.
	Format string
	// SkipBad imports the good rows and reports the bad ones instead of refusing the file.
	SkipBad bool
	// Name names the workload (default: the file's base name).
	Name string
	// TimestampPolicy is PolicySpread (default) or PolicyBurst for Mooncake.
	TimestampPolicy string
	// Arrival spaces the rows of a length-only CSV (default Poisson, 1 task/s).
	Arrival *TraceArrival
}

// Import reads a trace or a supported source file into a trace.
func Import(path string, o ImportOptions) (*Trace, *ImportReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("import: %w", err)
	}
	if o.Name == "" {
		o.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	format := o.Format
	if format == "" {
		format = DetectFormat(path, data)
	}
	return ImportData(format, path, data, o)
}

// ImportData reads data (named name in messages) in the given format.
func ImportData(format, name string, data []byte, o ImportOptions) (*Trace, *ImportReport, error) {
	if o.Name == "" {
		o.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	var t *Trace
	var rep *ImportReport
	var err error
	switch format {
	case FormatTrace:
		t, rep, err = ReadTrace(name, bytes.NewReader(data), o.SkipBad)
	case FormatAzure:
		t, rep, err = ImportAzure(name, bytes.NewReader(data), o)
	case FormatMooncake:
		t, rep, err = ImportMooncake(name, bytes.NewReader(data), o)
	case FormatTau2:
		t, rep, err = ImportTau2(name, data, o)
	case FormatLengths:
		t, rep, err = ImportLengths(name, bytes.NewReader(data), o)
	default:
		return nil, nil, fmt.Errorf("%s: unknown format %q (trace, azure, mooncake, tau2, lengths)", name, format)
	}
	return t, rep, err
}

// DetectFormat guesses a file's format from its name and first line.
func DetectFormat(path string, data []byte) string {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	first = bytes.TrimSpace(first)
	switch {
	case bytes.Contains(first, []byte(`"`+TraceFormat+`"`)):
		return FormatTrace
	case bytes.HasPrefix(first, []byte("{")) && bytes.Contains(first, []byte(`"input_length"`)):
		return FormatMooncake
	case strings.HasSuffix(strings.ToLower(path), ".json") && bytes.Contains(data, []byte(`"simulations"`)):
		return FormatTau2
	case bytes.Contains(first, []byte("TIMESTAMP")):
		return FormatAzure
	case bytes.Contains(first, []byte(",")):
		return FormatLengths
	}
	return FormatTrace
}

// csvRows reads a simple CSV (no quoting) with a header, calling row for
// each data line with its 1-based line number.
func csvRows(r io.Reader, header func([]string) error, row func(line int, f []string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff")
			if err := header(splitCSV(text)); err != nil {
				return fmt.Errorf("line 1: header: %w", err)
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if err := row(line, splitCSV(text)); err != nil {
			return err
		}
	}
	if line == 0 {
		return fmt.Errorf("empty file (want a header line)")
	}
	return sc.Err()
}

func splitCSV(s string) []string {
	f := strings.Split(s, ",")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

// columns finds each wanted column (any of its accepted names) in a header.
func columns(h []string, want map[string][]string) (map[string]int, error) {
	idx := map[string]int{}
	for key, names := range want {
		for i, c := range h {
			for _, n := range names {
				if strings.EqualFold(c, n) {
					idx[key] = i
				}
			}
		}
		if _, ok := idx[key]; !ok {
			return nil, fmt.Errorf("missing column %s (have %s)", strings.Join(names, " or "), snippet(strings.Join(h, ",")))
		}
	}
	return idx, nil
}

// field returns column i of a row, or an error naming the missing column.
func field(f []string, i int, name string) (string, error) {
	if i >= len(f) || f[i] == "" {
		return "", fmt.Errorf("column %s: missing", name)
	}
	return f[i], nil
}

// tokenCount parses a non-negative whole token count.
func tokenCount(f []string, i int, name string) (int, error) {
	s, err := field(f, i, name)
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("column %s: not a whole number: %s", name, snippet(s))
	}
	if n < 0 || n > MaxTokens {
		return 0, fmt.Errorf("column %s: length %d out of range (0 to %d tokens)", name, n, MaxTokens)
	}
	return n, nil
}
