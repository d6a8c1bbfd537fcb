package runrecord

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// plantLinks makes each name in dir a symbolic link to its own file in
// outside, and returns a check that every outside file is unchanged.
func plantLinks(t *testing.T, dir string, names ...string) func() {
	t.Helper()
	outside := t.TempDir()
	for _, n := range names {
		target := filepath.Join(outside, n)
		if err := os.WriteFile(target, []byte("outside "+n), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, n)); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
		t.Helper()
		ents, _ := os.ReadDir(outside)
		if len(ents) != len(names) {
			t.Errorf("files outside the run directory: %d, want %d", len(ents), len(names))
		}
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(outside, n))
			if err != nil || string(b) != "outside "+n {
				t.Errorf("%s outside the run directory changed: %q %v", n, b, err)
			}
		}
	}
}

// TestRunFilesNeverFollowLinks: links planted at every name a run writes
// are refused (JSONL files) or replaced (run.json, renamed over), and no
// file outside the directory changes.
func TestRunFilesNeverFollowLinks(t *testing.T) {
	dir := t.TempDir()
	unchanged := plantLinks(t, dir, RequestsFile, TelemetryFile, RunFile, RunFile+".tmp", ".run.json.1.tmp")
	for _, name := range []string{RequestsFile, TelemetryFile} {
		if _, err := CreateJSONL(filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), "already exists") {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
	if err := WriteRun(dir, &Run{ID: "r"}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(filepath.Join(dir, RunFile)); err != nil || !st.Mode().IsRegular() {
		t.Errorf("run.json is not a plain file after the write: %v %v", st.Mode(), err)
	}
	if r, err := ReadRun(dir); err != nil || r.ID != "r" {
		t.Errorf("read back %+v %v", r, err)
	}
	unchanged()
	if _, err := CreateFile(dir, "../escape"); err == nil {
		t.Error("a name leaving the directory was accepted")
	}
}

// TestPrepareDir: a fresh or empty directory is accepted; one that holds a
// run, or the files of a killed one, is refused in one line naming them;
// Replace removes the run files (links themselves, not their targets) and
// leaves other files alone.
func TestPrepareDir(t *testing.T) {
	fresh := filepath.Join(t.TempDir(), "a", "b")
	if err := PrepareDir(fresh, DirOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := PrepareDir(fresh, DirOptions{}); err != nil {
		t.Fatalf("an empty directory: %v", err)
	}
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{RunFile, RequestsFile}, "already holds a run (run.json, requests.jsonl)"},
		{[]string{RequestsFile}, "holds the files of a run that did not finish (no run.json"},
	} {
		dir := t.TempDir()
		for _, f := range c.files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte("{}\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		err := PrepareDir(dir, DirOptions{})
		var in *DirInUseError
		if !errors.As(err, &in) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: %v; want one line with %q", c.files, err, c.want)
		}
	}
	dir := t.TempDir()
	unchanged := plantLinks(t, dir, RequestsFile, RunFile, ".run.json.7.tmp")
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := PrepareDir(dir, DirOptions{}); err == nil {
		t.Fatal("links at the run files' names were not refused")
	}
	if err := PrepareDir(dir, DirOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != "notes.txt" {
		t.Errorf("after Replace the directory holds %v, want only notes.txt", ents)
	}
	unchanged()

	// A replaced run keeps no pricing of the run before it, nor its temporary files.
	for _, f := range []string{RunFile, CostFile, ".cost.json.3.tmp"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := PrepareDir(dir, DirOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("after Replace of a priced run the directory holds %v, want only notes.txt", ents)
	}
}
