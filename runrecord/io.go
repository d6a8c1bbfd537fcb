package runrecord

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// WriteRun writes run.json into dir atomically: a temporary file with a
// unique name (never a link planted in the directory), then a rename, which
// replaces a link named run.json rather than writing through it.
func WriteRun(dir string, r *Run) error {
	if r.Schema == 0 {
		r.Schema = SchemaVersion
	}
	if err := writeJSON(dir, RunFile, r); err != nil {
		return fmt.Errorf("write run record: %w", err)
	}
	return nil
}

// ReadRun reads dir/run.json. It refuses a schema newer than this build knows.
func ReadRun(dir string) (*Run, error) {
	path := filepath.Join(dir, RunFile)
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: not a run directory (no %s)", dir, RunFile)
		}
		return nil, fmt.Errorf("read run record: %w", err)
	}
	var r Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if r.Schema > SchemaVersion {
		return nil, fmt.Errorf("%s: schema %d is newer than this tcobench understands (%d)", path, r.Schema, SchemaVersion)
	}
	if r.Cost != nil && r.Cost.Schema > CostSchema {
		return nil, fmt.Errorf("%s: cost schema %d is newer than this tcobench understands (%d)", path, r.Cost.Schema, CostSchema)
	}
	return &r, nil
}

// ReadAttempts reads every attempt of dir/requests.jsonl, calling fn for each
// in file order. A truncated last line (a crash mid-write) is ignored; any
// other bad line is an error naming its line number.
func ReadAttempts(dir string, fn func(*Attempt) error) error {
	path := filepath.Join(dir, RequestsFile)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("read attempts: %w", err)
	}
	defer f.Close()
	return DecodeAttempts(f, path, fn)
}

// DecodeAttempts reads JSONL attempts from r; name is used in error messages.
func DecodeAttempts(r io.Reader, name string, fn func(*Attempt) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			var a Attempt
			if jerr := UnmarshalAttempt(b, &a); jerr != nil {
				return fmt.Errorf("%s:%d: %w", name, line, jerr)
			}
			if ferr := fn(&a); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil // a last line without newline is a torn write: skipped
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

// LoadAttempts reads all attempts of a run directory into memory.
func LoadAttempts(dir string) ([]Attempt, error) {
	var out []Attempt
	err := ReadAttempts(dir, func(a *Attempt) error {
		out = append(out, *a)
		return nil
	})
	return out, err
}

// JSONLWriter appends JSON lines to a file and flushes at least once per
// FlushEvery, so a crash loses at most that much. It is safe for concurrent use.
type JSONLWriter struct {
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	enc   *json.Encoder
	buf   []byte // an attempt's line (AppendAttempt)
	last  time.Time
	every time.Duration
}

// FlushEvery is the longest a written line waits in memory before it reaches the file.
const FlushEvery = time.Second

// CreateJSONL creates path for appending JSON lines. It refuses a path that
// already exists, a symbolic link included (see CreateFile).
func CreateJSONL(path string) (*JSONLWriter, error) {
	f, err := CreateFile(filepath.Dir(path), filepath.Base(path))
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	return &JSONLWriter{f: f, w: w, enc: json.NewEncoder(w), last: time.Now(), every: FlushEvery}, nil
}

// Write appends v as one JSON line, as json.Encoder writes it (an *Attempt
// through AppendAttempt, which gives the same bytes faster).
func (j *JSONLWriter) Write(v any) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := j.encode(v); err != nil {
		return fmt.Errorf("append %s: %w", filepath.Base(j.f.Name()), err)
	}
	if time.Since(j.last) >= j.every {
		return j.flushLocked()
	}
	return nil
}

func (j *JSONLWriter) encode(v any) error {
	a, ok := v.(*Attempt)
	if !ok {
		return j.enc.Encode(v)
	}
	var err error
	if j.buf, err = AppendAttempt(j.buf[:0], a); err != nil {
		return err
	}
	j.buf = append(j.buf, '\n')
	_, err = j.w.Write(j.buf)
	return err
}

// Flush writes buffered lines to the file.
func (j *JSONLWriter) Flush() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.flushLocked()
}

func (j *JSONLWriter) flushLocked() error {
	j.last = time.Now()
	if err := j.w.Flush(); err != nil {
		return fmt.Errorf("flush %s: %w", filepath.Base(j.f.Name()), err)
	}
	return nil
}

// Close flushes and closes the file.
func (j *JSONLWriter) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	ferr := j.flushLocked()
	cerr := j.f.Close()
	return errors.Join(ferr, cerr)
}
