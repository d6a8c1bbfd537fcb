package load

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
)

// TestRunRefusesAnExistingRun: a second run into the directory of a
// finished run, or of a killed one (requests.jsonl, no run.json), is refused
// in one line before anything is sent, and the earlier files are intact.
func TestRunRefusesAnExistingRun(t *testing.T) {
	srv := startFake(t, fakeServer{})
	cfg := testConfig(t, srv.URL, 3)
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(cfg.OutDir, runrecord.RequestsFile))
	for _, killed := range []bool{false, true} {
		if killed {
			if err := os.Remove(filepath.Join(cfg.OutDir, runrecord.RunFile)); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Run(context.Background(), cfg)
		var in *runrecord.DirInUseError
		if !errors.As(err, &in) || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), cfg.OutDir) {
			t.Fatalf("killed=%v: %v; want one line refusing %s", killed, err, cfg.OutDir)
		}
		after, _ := os.ReadFile(filepath.Join(cfg.OutDir, runrecord.RequestsFile))
		if string(after) != string(before) || strings.Count(string(after), "\n") != 3 {
			t.Fatalf("killed=%v: requests.jsonl changed by the refused run", killed)
		}
	}
	// Told to replace it, the next run starts afresh.
	if err := runrecord.PrepareDir(cfg.OutDir, runrecord.DirOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
}

// TestRunWritesNothingThroughLinks: with symbolic links at the names a run
// writes (and at the old fixed temporary name), a run refuses the directory
// or, once the links at run-file names are replaced, writes only inside it:
// no file outside changes.
func TestRunWritesNothingThroughLinks(t *testing.T) {
	srv := startFake(t, fakeServer{})
	cfg := testConfig(t, srv.URL, 2)
	outside := t.TempDir()
	names := []string{runrecord.RunFile, runrecord.RequestsFile, runrecord.TelemetryFile, runrecord.RunFile + ".tmp"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(outside, n), []byte("keep"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(outside, n), filepath.Join(cfg.OutDir, n)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Run(context.Background(), cfg); err == nil {
		t.Fatal("a directory with links at the run files' names was accepted")
	}
	// A link only at the old temporary name: the run goes ahead around it.
	for _, n := range names[:3] {
		os.Remove(filepath.Join(cfg.OutDir, n))
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join(outside, n)); err != nil || string(b) != "keep" {
			t.Errorf("%s outside the run directory changed: %q %v", n, b, err)
		}
	}
	if ents, _ := os.ReadDir(outside); len(ents) != len(names) {
		t.Errorf("%d files outside, want %d", len(ents), len(names))
	}
	if atts, err := runrecord.LoadAttempts(cfg.OutDir); err != nil || len(atts) != 2 {
		t.Errorf("run inside the directory: %d attempts, %v", len(atts), err)
	}
}

// TestKilledRunRecovers: removing run.json (a run killed before its end)
// leaves a directory that metrics.LoadRun still reads: the same request
// counts and token totals, marked partial, with the model and API.
func TestKilledRunRecovers(t *testing.T) {
	srv := startFake(t, fakeServer{})
	cfg := testConfig(t, srv.URL, 5)
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(cfg.OutDir, runrecord.RunFile)); err != nil {
		t.Fatal(err)
	}
	got, err := metrics.LoadRun(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Partial || got.PartialReason != metrics.RecoveredReason || got.Config.Model != "fake" || got.Config.Backend != cfg.Target.API {
		t.Fatalf("recovered %+v", got)
	}
	if got.Summary.Requests != run.Summary.Requests || got.Summary.TokenTotals != run.Summary.TokenTotals {
		t.Fatalf("recovered counts %+v tokens %+v; the run had %+v %+v", got.Summary.Requests, got.Summary.TokenTotals, run.Summary.Requests, run.Summary.TokenTotals)
	}
}
