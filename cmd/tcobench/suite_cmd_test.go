package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunSuiteSavesAndReports: `run --suite` runs every spec through the
// plain run path into one directory, writes one combined report, and --save
// puts each run in the results store, where history finds them.
func TestRunSuiteSavesAndReports(t *testing.T) {
	target := fakeTarget(t)
	suiteFile := writeFile(t, "suite.yaml", `name: cli-suite
defaults:
  backend: openai-chat
  count: 4
  seed: 1
  flags:
    collectors: none
    max-tokens: "4"
workloads:
  - draft-email
targets:
  - name: fake
    url: `+target+`
    model: fake
loads:
  - concurrency: 1
  - concurrency: 2
`)
	dir := filepath.Join(t.TempDir(), "suite")
	db := filepath.Join(t.TempDir(), "results.db")
	code, out, errOut := runTcobench(t, "run", "--suite", suiteFile, "--out", dir, "--save", "--store", db, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	for _, f := range []string{"report.html", "report.md"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("suite report: %v", err)
		}
	}
	runs, _ := filepath.Glob(filepath.Join(dir, "*", "run.json"))
	if len(runs) != 2 {
		t.Fatalf("want 2 runs in the suite, got %v", runs)
	}
	if n := strings.Count(errOut, "saved run"); n != 2 {
		t.Errorf("want 2 runs saved, stderr says %d:\n%s", n, errOut)
	}
	code, out, errOut = runTcobench(t, "history", "--store", db, "--workload", "draft-email")
	if code != 0 || !strings.Contains(out, "draft-email") {
		t.Fatalf("history: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

// TestRunSuiteRefusesBadFile: a malformed suite is a usage error naming the file.
func TestRunSuiteRefusesBadFile(t *testing.T) {
	bad := writeFile(t, "bad-suite.yaml", "name: x\nworkloads: [draft-email]\nbogus: 1\n")
	code, _, errOut := runTcobench(t, "run", "--suite", bad)
	if code != 2 || !strings.Contains(errOut, "bad-suite.yaml") {
		t.Fatalf("exit %d, stderr %q; want 2 naming the file", code, errOut)
	}
}
