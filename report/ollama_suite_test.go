package report_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/workloads"
)

// TestSuiteAgainstLocalOllama runs a suite of two catalog workloads against
// the local Ollama server with the real load engine, writes the combined
// report and checks it in Chromium.
func TestSuiteAgainstLocalOllama(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real model server")
	}
	srv := localservertest.ForTest(t, localserver.Options{Size: "tiny"})
	yaml := `name: two-workloads
defaults: {backend: ollama, count: 2, request_timeout: 60s, seed: 1, flags: {collectors: none}}
workloads: [draft-email, meeting-summary]
targets:
  - {name: local, url: "` + srv.URL() + `", model: ` + srv.Model() + `}
loads:
  - concurrency: 2
`
	path := filepath.Join(t.TempDir(), "two.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := harness.LoadSuite(path)
	if err != nil {
		t.Fatal(err)
	}
	// The test model never stops early: cap outputs so the suite takes seconds.
	capOutputs := func(sp *harness.Spec) {
		inst := sp.Load.Plan.Instance
		sp.Load.Plan.Instance = func(i int) (workloads.Instance, bool) {
			x, ok := inst(i)
			for j := range x.Steps {
				x.Steps[j].MaxTokens = min(x.Steps[j].MaxTokens, 12)
			}
			return x, ok
		}
		sp.Load.Limits.Grace, sp.Load.Version = time.Second, "test"
	}
	dir := t.TempDir()
	if _, err := harness.RunSuite(context.Background(), harness.SuiteSpec{Suite: s, Dir: dir, Prepare: capOutputs}); err != nil {
		t.Fatal(err)
	}
	page, err := harness.WriteReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(strings.TrimSuffix(page, ".html") + ".md")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Suite of 2 runs", "draft-email", "meeting-summary", "| TTFT p99 |", "measured"} {
		if !strings.Contains(string(md), w) {
			t.Errorf("markdown report lacks %q", w)
		}
	}
	if os.Getenv("TCOBENCH_KEEP_REPORT") != "" {
		b, _ := os.ReadFile(page)
		_ = os.WriteFile(os.Getenv("TCOBENCH_KEEP_REPORT"), b, 0o644)
	}
	report.CheckInChromium(t, page, 2*9+1, false)
}
