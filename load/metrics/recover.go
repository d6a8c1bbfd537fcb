package metrics

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// RecoveredReason is the PartialReason of a run record built by Recover.
const RecoveredReason = "recovered from requests.jsonl: the run never wrote run.json (it was killed, crashed or is still running); " +
	"its configuration, environment, energy and cost were not recorded, and requests in flight when it stopped are missing"

// LoadRun reads dir's run record: run.json, or, when the run never wrote
// one but left its requests.jsonl, the record Recover builds from it.
func LoadRun(dir string) (*runrecord.Run, error) {
	run, err := runrecord.ReadRun(dir)
	if err == nil {
		return run, nil
	}
	if _, serr := os.Stat(filepath.Join(dir, runrecord.RunFile)); !errors.Is(serr, os.ErrNotExist) {
		return nil, err
	}
	if _, serr := os.Stat(filepath.Join(dir, runrecord.RequestsFile)); serr != nil {
		return nil, err
	}
	return Recover(dir)
}

// Recover builds the run record of a run directory that has requests.jsonl
// but no run.json (a run killed before it could write it): the summary and
// warnings are computed from the attempts on disk (a torn last line is
// skipped), the record is marked partial with RecoveredReason, and the model
// and API are taken from the attempts. The wall-clock start is estimated
// from the file's modification time and said so in a warning. Nothing is
// written; a caller that wants run.json passes the result to
// runrecord.WriteRun.
func Recover(dir string) (*runrecord.Run, error) {
	path := filepath.Join(dir, runrecord.RequestsFile)
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("recover %s: %w", dir, err)
	}
	c := NewAccumulator(nil)
	var backend, model string
	var lastEnd int64
	n := 0
	err = runrecord.ReadAttempts(dir, func(a *runrecord.Attempt) error {
		n++
		c.Add(a)
		if backend == "" {
			backend, model = a.Backend, a.Model
		}
		lastEnd = max(lastEnd, a.EndNS, a.ScheduledNS)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("recover %s: %w", dir, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("recover %s: %s holds no complete attempt: nothing to summarise", dir, runrecord.RequestsFile)
	}
	end := st.ModTime()
	run := &runrecord.Run{
		Schema: runrecord.SchemaVersion, ID: "recovered-" + filepath.Base(filepath.Clean(dir)),
		Partial: true, PartialReason: RecoveredReason,
		StartedAt: end.Add(-time.Duration(lastEnd)), EndedAt: end,
		Config: runrecord.RunConfig{Backend: backend, Model: model},
	}
	run.Window = c.Window()
	run.Summary = c.Summary(run.Window)
	run.Workload.Tasks = run.Summary.Tasks.Started
	run.Warnings = append([]string{fmt.Sprintf(
		"recovered run: %d attempts read from %s; the measurement window is the span of the measured attempts, and the start time (%s) is estimated from the file's last write",
		n, runrecord.RequestsFile, run.StartedAt.UTC().Format(time.RFC3339))}, c.Warnings(run.Summary)...)
	return run, nil
}
