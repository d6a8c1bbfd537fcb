package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/internal/demo"
	"github.com/tcobench/tcobench/internal/localserver"
	"github.com/tcobench/tcobench/report"
)

// TestDemoReportLeadsWithTheAnswer runs the demo as make demo does (the
// tiny generated model, to keep it short) against the real local Ollama:
// a few lines of output ending on the answer and the report's path, and a
// report whose answer, with cost per task, the cheapest API and
// break-even, is on the first 1280×800 screen of real Chromium.
func TestDemoReportLeadsWithTheAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real model server")
	}
	if _, err := os.Stat(localserver.BinaryPath()); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("local Ollama (CI=true): %v", err)
		}
		t.Skipf("local Ollama: %v", err)
	}
	report.ChromiumBin(t) // before the minutes of the demo, not after
	out := t.TempDir()
	var stdout, log bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	err := demo.Run(ctx, demo.Options{Size: "tiny", Out: out, Stdout: &stdout, Log: &log, LogPath: filepath.Join(out, "demo.log"), Version: "test"})
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, stdout.String(), log.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	t.Logf("demo output:\n%s", stdout.String())
	if len(lines) >= 20 {
		t.Errorf("the demo printed %d lines, want a few", len(lines))
	}
	text := stdout.String()
	for _, want := range []string{"On-prem on cpu-server costs", "The cheapest API compared", "report: "} {
		if !strings.Contains(text, want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	matches, _ := filepath.Glob(filepath.Join(out, "run-*", "report.html"))
	if len(matches) != 1 {
		t.Fatalf("report.html: %v", matches)
	}
	page, _ := filepath.Abs(matches[0])
	report.CheckAnswerFirst(t, page)
}
