package report_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/suite"
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
defaults: {backend: ollama, count: 2, request_timeout: 60s, seed: 1}
workloads: [draft-email, meeting-summary]
targets:
  - {name: local, url: "` + srv.URL() + `", model: ` + srv.Model() + `}
loads:
  - concurrency: 2
`
	s, err := suite.Parse([]byte(yaml), "two.yaml")
	if err != nil {
		t.Fatal(err)
	}
	runOne := func(ctx context.Context, sp suite.RunSpec, dir string) error {
		plan, err := workloads.Open(sp.Workload, workloads.ResolveOptions{Seed: &sp.Seed})
		if err != nil {
			return err
		}
		// The test model never stops early: cap outputs so the suite takes seconds.
		inst := plan.Instance
		plan.Instance = func(i int) (workloads.Instance, bool) {
			x, ok := inst(i)
			for j := range x.Steps {
				x.Steps[j].MaxTokens = min(x.Steps[j].MaxTokens, 12)
			}
			return x, ok
		}
		_, err = load.Run(ctx, load.Config{Name: sp.Name, OutDir: dir, Target: sp.URL, Backend: modelapi.KindOllama, Model: sp.Model,
			Plan: *plan, Load: runrecord.LoadConfig{Mode: "closed", Concurrency: sp.Load.Concurrency, Count: sp.Count},
			RequestTimeout: sp.RequestTimeout.D(), Grace: time.Second, Seed: sp.Seed, Version: "test"})
		return err
	}
	dir := t.TempDir()
	if _, err := suite.Execute(context.Background(), s, dir, runOne); err != nil {
		t.Fatal(err)
	}
	page, err := suite.WriteReports(dir)
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
