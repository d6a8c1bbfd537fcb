package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/fakeserver"
	"github.com/tcobench/tcobench/runrecord"
)

func fakeTarget(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(fakeserver.New(fakeserver.Options{Tokens: 4}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRunCommandWritesARunDirectory(t *testing.T) {
	target := fakeTarget(t)
	dir := filepath.Join(t.TempDir(), "run")
	code, out, errOut := runTcobench(t, "run", "--target", target, "--model", "fake", "--rate", "40",
		"--arrival", "constant", "--count", "6", "--max-tokens", "4", "--slo", "ttft=2s", "--slo", "tpot=1s",
		"--collectors", "none", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := run.Summary
	if s.Requests.Scheduled != 6 || s.Requests.OK != 6 || s.Goodput == nil || s.Goodput.Fraction != 1 || len(s.Goodput.SLOs) != 2 {
		t.Fatalf("summary %+v goodput %+v", s.Requests, s.Goodput)
	}
	if run.Config.Load.Mode != "constant" || run.Environment.TcobenchVersion == "" || run.Environment.Host.CPUCores == 0 {
		t.Fatalf("config %+v env %+v", run.Config.Load, run.Environment)
	}
	for _, want := range []string{"requests: 6 scheduled", "ttft", "goodput:"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunCommandRefusesBadUsage(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--requests", "1"}, // no model
		{"run", "--model", "m"},    // no limit
		{"run", "--model", "m", "--requests", "1", "--slo", "ttft"},
		{"run", "--model", "m", "--requests", "1", "--backend", "grpc"},
		{"run", "--model", "m", "--requests", "1", "--arrival", "poisson"}, // no rate
		{"sweep", "--model", "m", "--requests", "1", "--rates", "1"},       // no SLO
	} {
		code, _, errOut := runTcobench(t, args...)
		if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errOut)
		}
	}
}

func TestSweepFindsHighestPassingPoint(t *testing.T) {
	target := fakeTarget(t)
	dir := filepath.Join(t.TempDir(), "sweep")
	code, out, errOut := runTcobench(t, "sweep", "--target", target, "--model", "fake", "--concurrencies", "1,2",
		"--requests", "4", "--max-tokens", "4", "--slo", "e2e=5s", "--collectors", "none", "--out", dir, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "sweep.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res runrecord.Sweep
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 2 || res.Best != 1 || res.Points[1].Concurrency != 2 {
		t.Fatalf("sweep %+v", res)
	}
	if _, err := runrecord.ReadRun(res.Points[0].Dir); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "highest load meeting the SLOs: 2 users") {
		t.Fatalf("output:\n%s", out)
	}
	// The sweep's report draws the operating curve, each point labelled with
	// its load, and names the highest load meeting the SLOs.
	if code, _, errOut := runTcobench(t, "report", dir, "--format", "html"); code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, want := range []string{"Operating curve", `class="plabel">c=1`, `class="plabel">c=2`, "(highest meeting the SLOs)", "tokens/s per user"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("sweep report lacks %q", want)
		}
	}
}

// TestRunDirectoryRefusedReplacedRecovered: a run into an existing run's
// directory is refused with one line unless --replace; a directory whose
// run.json is gone is recovered from its requests.jsonl.
func TestRunDirectoryRefusedReplacedRecovered(t *testing.T) {
	target := fakeTarget(t)
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"run", "--target", target, "--model", "fake", "--requests", "3", "--max-tokens", "4", "--collectors", "none", "--quiet", "--out", dir}
	if code, _, errOut := runTcobench(t, args...); code != 0 {
		t.Fatalf("first run: %s", errOut)
	}
	code, _, errOut := runTcobench(t, args...)
	if code != 2 {
		t.Errorf("second run: exit %d, want 2", code)
	}
	oneLineErr(t, errOut, dir+" already holds a run")
	if code, _, errOut := runTcobench(t, append(args, "--replace")...); code != 0 {
		t.Fatalf("--replace: %s", errOut)
	}
	if err := os.Remove(filepath.Join(dir, runrecord.RunFile)); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runTcobench(t, "recover", dir)
	run, err := runrecord.ReadRun(dir)
	if code != 0 || err != nil || !run.Partial || run.Summary.Requests.Scheduled != 3 || !strings.Contains(out, "requests: 3 scheduled") {
		t.Fatalf("recover: exit %d %s: %+v %v", code, errOut, run, err)
	}
	if code, _, _ := runTcobench(t, "recover", dir); code != 2 {
		t.Errorf("recover of a run that has its run.json: exit %d, want 2", code)
	}
}
