package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tcobench/tcobench/report/rundata/rundatatest"
)

func TestReportCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	rundatatest.Write(t, dir, rundatatest.Options{ID: "r1", Telemetry: true, Cost: rundatatest.SampleCost})
	// Without --out a report goes to a file in the run directory, and says where.
	code, out, errOut := runTcobench(t, "report", dir)
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	if code != 0 || !strings.Contains(out, "wrote "+filepath.Join(dir, "report.md")) || !strings.Contains(string(md), "# tcobench report: run") {
		t.Fatalf("md: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runTcobench(t, "report", dir, "--out", "-"); code != 0 || !strings.Contains(out, "# tcobench report: run") {
		t.Fatalf("md to standard output: %d %.200s", code, out)
	}
	page := filepath.Join(t.TempDir(), "r.html")
	if code, _, errOut := runTcobench(t, "report", dir, "--format", "html", "--out", page); code != 0 {
		t.Fatalf("html: %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(page); !strings.Contains(string(b), "<svg") {
		t.Error("html report has no chart")
	}
	code, out, _ = runTcobench(t, "report", dir, "--format", "json", "--out", "-")
	var v map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil {
		t.Errorf("json: %d %.200s", code, out)
	}
	if code, _, errOut := runTcobench(t, "report", dir, "--format", "csv"); code != 0 {
		t.Errorf("csv: %d %s", code, errOut)
	}
	sum, _ := os.ReadFile(filepath.Join(dir, "report.csv"))
	reqs, _ := os.ReadFile(filepath.Join(dir, "report-requests.csv"))
	if !strings.HasPrefix(string(sum), "run_id,workload,") || !strings.Contains(string(sum), "ttft_p99") || strings.Count(string(reqs), "\n") < 400 {
		t.Errorf("csv: summary %.100q, %d request lines", sum, strings.Count(string(reqs), "\n"))
	}
	if code, _, errOut := runTcobench(t, "report", dir, "--format", "pdf"); code != 2 || !strings.Contains(errOut, "want md, html, json") {
		t.Errorf("bad format: %d %s", code, errOut)
	}
	if code, _, errOut := runTcobench(t, "report", t.TempDir()); code != 2 || !strings.Contains(errOut, "neither a run directory") {
		t.Errorf("empty dir: %d %s", code, errOut)
	}
}

func TestCompareCommand(t *testing.T) {
	tmp := t.TempDir()
	base, noise, slow, other := filepath.Join(tmp, "base"), filepath.Join(tmp, "noise"), filepath.Join(tmp, "slow"), filepath.Join(tmp, "other")
	rundatatest.Write(t, base, rundatatest.Options{ID: "base", Requests: 600, Seed: 1})
	rundatatest.Write(t, noise, rundatatest.Options{ID: "noise", Requests: 600, Seed: 2})
	rundatatest.Write(t, slow, rundatatest.Options{ID: "slow", Requests: 600, Seed: 3, Slowdown: 1.4})
	rundatatest.Write(t, other, rundatatest.Options{ID: "other", Workload: "draft-email"})
	md, junit := filepath.Join(tmp, "c.md"), filepath.Join(tmp, "c.xml")
	cases := []struct {
		name      string
		args      []string
		code      int
		want      string
		wantFiles bool
	}{
		{"self", []string{base, base}, 0, "no change", false},
		{"noise", []string{base, noise}, 0, "no regression", false},
		{"slowed", []string{base, slow, "--markdown", md, "--junit", junit}, 1, "regression: slow: ttft_p50", true},
		{"other workload", []string{base, other}, 2, "different workloads", false},
		{"missing dir", []string{base, filepath.Join(tmp, "nope")}, 2, "candidate", false},
		{"bad thresholds", []string{base, noise, "--thresholds", writeFile(t, "th.yaml", "thresholds: {ttft_p98: 1}\n")}, 2, "unknown figure", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runTcobench(t, append([]string{"compare"}, c.args...)...)
			if code != c.code || !strings.Contains(out+errOut, c.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s%s", code, c.code, c.want, out, errOut)
			}
			if c.wantFiles {
				for _, f := range []string{md, junit} {
					if b, err := os.ReadFile(f); err != nil || !strings.Contains(string(b), "regression") {
						t.Errorf("%s: %v %.200s", f, err, b)
					}
				}
			}
		})
	}
}

// TestNightlyFlow: last-good against an empty store accepts the first run,
// --save stores verdicts, a slowed run fails and is not the next baseline,
// and history shows all of it.
func TestNightlyFlow(t *testing.T) {
	tmp := t.TempDir()
	db := "sqlite://" + filepath.Join(tmp, "results.db")
	night := func(name string, seed uint64, slow float64) string {
		d := filepath.Join(tmp, name)
		rundatatest.Write(t, d, rundatatest.Options{ID: name, Requests: 600, Seed: seed, Slowdown: slow, Started: rundatatest.DefaultStart.AddDate(0, 0, int(seed))})
		return d
	}
	steps := []struct {
		dir  string
		code int
		want string
	}{
		{night("n1", 1, 1), 0, "accepted as the first baseline"},
		{night("n2", 2, 1), 0, "no regression"},
		{night("n3", 3, 1.5), 1, "regression"},
		{night("n4", 4, 1), 0, "baseline n2"},
	}
	for _, s := range steps {
		code, out, errOut := runTcobench(t, "compare", "last-good", s.dir, "--store", db, "--save")
		if code != s.code || !strings.Contains(out+errOut, s.want) {
			t.Fatalf("%s: exit %d (want %d), lacks %q:\n%s%s", s.dir, code, s.code, s.want, out, errOut)
		}
	}
	code, out, errOut := runTcobench(t, "history", "--store", db, "--metric", "ttft_p50,output_tok_s")
	if code != 0 || strings.Count(out, "passed") != 3 || !strings.Contains(out, "FAILED") || !strings.Contains(out, "ttft_p50 (ms)") {
		t.Errorf("history: %d\n%s%s", code, out, errOut)
	}
	page := filepath.Join(tmp, "h.html")
	if code, _, errOut := runTcobench(t, "history", "--store", db, "--format", "html", "--out", page); code != 0 {
		t.Errorf("history html: %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(page); strings.Count(string(b), "<svg") < 2 {
		t.Error("history page lacks trend charts")
	}
}

// TestComparePush: --push sends the verdict to a Pushgateway (a recording stand-in).
func TestComparePush(t *testing.T) {
	var mu sync.Mutex
	var paths, bodies []string
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		paths, bodies = append(paths, r.Method+" "+r.URL.Path), append(bodies, string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer gw.Close()
	tmp := t.TempDir()
	base, slow := filepath.Join(tmp, "base"), filepath.Join(tmp, "slow")
	rundatatest.Write(t, base, rundatatest.Options{ID: "base", Requests: 600, Seed: 1})
	rundatatest.Write(t, slow, rundatatest.Options{ID: "slow", Name: "nightly", Requests: 600, Seed: 3, Slowdown: 1.4})
	code, _, errOut := runTcobench(t, "compare", base, slow, "--push", gw.URL)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || !strings.Contains(paths[0], "/metrics/job/tcobench/run_name/nightly") {
		t.Fatalf("pushes %v", paths)
	}
	if !strings.Contains(bodies[0], "tcobench_gate_regressed") {
		t.Errorf("push lacks the verdict")
	}
}
