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
}
