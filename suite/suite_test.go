package suite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/report/rundata/rundatatest"
)

func TestExampleSuite(t *testing.T) {
	s, err := LoadFile("../examples/nightly-suite.yaml")
	if err != nil {
		t.Fatal(err)
	}
	specs := s.Expand()
	if len(specs) != 2*1*2+1 {
		t.Fatalf("%d runs, want 5", len(specs))
	}
	first, last := specs[0], specs[4]
	if first.Name != "01-tier1-support-ticket-local-c1" || first.Model != "llama3.1:8b" || first.Hardware != "8xh100-sxm" || first.Duration.D().Minutes() != 2 {
		t.Errorf("first spec %+v", first)
	}
	if last.Name != "05-contract-redline-poisson" || last.Duration.D().Minutes() != 5 || last.Load.Rate != 0.5 {
		t.Errorf("last spec %+v", last)
	}
	args := strings.Join(first.Args(), " ")
	for _, w := range []string{"--workload tier1-support-ticket", "--target http://127.0.0.1:11434", "--concurrency 1", "--duration 2m0s", "--slo e2e=30s", "--hardware 8xh100-sxm"} {
		if !strings.Contains(args, w) {
			t.Errorf("args %q lack %q", args, w)
		}
	}
}

func TestValidation(t *testing.T) {
	base := "name: n\ndefaults: {duration: 1m}\nworkloads: [w]\ntargets:\n  - name: t\n    url: http://127.0.0.1:1\nloads:\n  - concurrency: 2\n"
	cases := map[string]struct{ yaml, want string }{
		"unknown key":    {base + "extra: 1\n", `s.yaml:9: unknown field "extra"`},
		"bad url":        {strings.Replace(base, "http://127.0.0.1:1", "ftp://x", 1), "s.yaml:6: targets[0].url"},
		"no load":        {strings.Replace(base, "concurrency: 2", "mode: closed", 1), "s.yaml:8: loads[0]: a closed-loop load point needs concurrency"},
		"bad duration":   {strings.Replace(base, "1m", "soon", 1), "not a duration"},
		"unknown target": {base + "runs:\n  - workload: w\n    target: nope\n    load: {concurrency: 1}\n", "s.yaml:11: runs[0].target"},
		"bad slo":        {base + "  - concurrency: 3\n    slos: {latency: 1s}\n", "unknown SLO metric"},
		"no duration":    {strings.Replace(base, "defaults: {duration: 1m}\n", "", 1), "neither a duration nor a count"},
		"bad backend":    {base + "  - concurrency: 3\n    backend: grpc\n", "s.yaml:10: loads[1].backend: unknown backend"},
		"no targets":     {"name: n\nworkloads: [w]\nloads: [{concurrency: 1}]\n", "at least one target"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(c.yaml), "s.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
	if _, err := Parse([]byte(base), "s.yaml"); err != nil {
		t.Errorf("valid suite: %v", err)
	}
}

func TestExecute(t *testing.T) {
	s, err := Parse([]byte("name: two\ndefaults: {duration: 1m}\nworkloads: [tier1-support-ticket, draft-email]\ntargets:\n  - {name: local, url: 'http://127.0.0.1:1'}\nloads:\n  - concurrency: 1\n  - concurrency: 4\n"), "two.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	runOne := func(ctx context.Context, sp RunSpec, runDir string) error {
		if sp.Index == 3 {
			return errors.New("server went away")
		}
		rundatatest.Write(t, runDir, rundatatest.Options{ID: sp.Name, Workload: sp.Workload, Concurrency: sp.Load.Concurrency, Seed: uint64(sp.Index)})
		return nil
	}
	m, err := Execute(context.Background(), s, dir, runOne)
	if err == nil || !strings.Contains(err.Error(), "04-draft-email-local-c4: server went away") {
		t.Errorf("suite error %v", err)
	}
	if len(m.Outcomes) != 4 || m.Outcomes[3].Error == "" {
		t.Errorf("outcomes %+v", m.Outcomes)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
		t.Error(err)
	}
	html, err := WriteReports(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(html)
	if !strings.Contains(string(b), "Suite of 3 runs") || !strings.Contains(string(b), "did not finish: server went away") {
		t.Error("combined report does not hold the 3 finished runs")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Execute(ctx, s, t.TempDir(), runOne); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled suite: %v", err)
	}
}
