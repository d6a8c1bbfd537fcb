package runrecord

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// DirOptions says how PrepareDir treats a directory that already holds a run.
type DirOptions struct {
	// Replace removes the run files an earlier run left in the directory
	// (run.json, requests.jsonl, telemetry.jsonl, cost.json, stale temporary files)
	// instead of refusing it. A symbolic link among them is removed itself,
	// never the file it points to.
	Replace bool
}

// runFiles are the files a run writes into its directory, and the pricing
// tcobench cost writes beside them (a replaced run must not keep it).
var runFiles = []string{RunFile, RequestsFile, TelemetryFile, CostFile}

// DirInUseError refuses a directory that already holds a run or its files.
type DirInUseError struct {
	Dir string
	// Files are the run files found, in the order of runFiles.
	Files []string
}

// Error is one line: what was found and what to do.
func (e *DirInUseError) Error() string {
	what := "already holds a run"
	if e.Files[0] != RunFile {
		what = "holds the files of a run that did not finish (no " + RunFile + "; it can still be read or recovered)"
	}
	return fmt.Sprintf("run directory %s %s (%s): choose another directory, or replace it (its run files are deleted)",
		e.Dir, what, strings.Join(e.Files, ", "))
}

// PrepareDir makes dir ready for a new run: it creates it when missing and
// refuses it (a *DirInUseError) when it already holds run files, unless
// o.Replace is set, in which case those files are removed first. Other
// files in the directory are left alone. Both the engine and a command line
// that wants to refuse before any work call it.
func PrepareDir(dir string, o DirOptions) error {
	if dir == "" {
		return errors.New("run directory: empty path")
	}
	found, err := existingRunFiles(dir)
	if err != nil {
		return err
	}
	if len(found) > 0 && !o.Replace {
		return &DirInUseError{Dir: dir, Files: found}
	}
	if o.Replace {
		if err := removeRunFiles(dir, found); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create run directory: %w", err)
	}
	return nil
}

// existingRunFiles lists the run files present in dir (links included).
func existingRunFiles(dir string) ([]string, error) {
	var found []string
	for _, name := range runFiles {
		_, err := os.Lstat(filepath.Join(dir, name))
		switch {
		case err == nil:
			found = append(found, name)
		case errors.Is(err, os.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		default:
			return nil, fmt.Errorf("run directory %s: %w", dir, err)
		}
	}
	return found, nil
}

// removeRunFiles deletes the run files found and stale temporary files.
func removeRunFiles(dir string, found []string) error {
	names := append([]string(nil), found...)
	for _, f := range runFiles {
		stale, _ := filepath.Glob(filepath.Join(dir, "."+f+".*.tmp"))
		for _, s := range append(stale, filepath.Join(dir, f+".tmp")) {
			names = append(names, filepath.Base(s))
		}
	}
	for _, name := range names {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("replace run directory %s: %w", dir, err)
		}
	}
	return nil
}
