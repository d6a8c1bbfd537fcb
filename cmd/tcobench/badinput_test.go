package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/internal/localserver/localservertest"
	"github.com/tcobench/tcobench/runrecord"
)

// oneLineErr checks the CLI's error contract: exactly one line on stderr,
// "tcobench: ...", containing want.
func oneLineErr(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "tcobench: ") || !strings.Contains(stderr, want) {
		t.Errorf("stderr %q: want one line \"tcobench: ...%s...\"", stderr, want)
	}
}

// TestBadInputFiles: malformed files, out-of-range flags and missing
// directories each give one line naming what and where, with exit status 2.
func TestBadInputFiles(t *testing.T) {
	const step = "tasks:\n  - name: a\n    steps:\n      - id: s\n        max_tokens: %s\n        messages:\n          - role: user\n            %s\n"
	head := "version: 1\nname: x\narrival: {process: closed, users: 1}\n"
	wlSyntax := writeFile(t, "syntax.yaml", "version: 1\nname: x\ntasks:\n  - name: a\n    steps: [\n")
	wlUnknown := writeFile(t, "unknown.yaml", head+"colour: blue\n"+strings.Replace(strings.Replace(step, "%s", "10", 1), "%s", "text: hi", 1))
	wlNegTokens := writeFile(t, "negtok.yaml", head+strings.Replace(strings.Replace(step, "%s", "10", 1), "%s", "tokens: -10", 1))
	wlNegMax := writeFile(t, "negmax.yaml", head+strings.Replace(strings.Replace(step, "%s", "-5", 1), "%s", "text: hi", 1))
	hwNeg := writeFile(t, "hw.yaml", "name: x\ndescription: y\naccelerator_model: z\nserver_capex_usd_per_node: {value: -8000, source: s, date: 2026-01, estimate: false}\n")
	prices := writeFile(t, "prices.yaml", "name: mine\ndescription: d\ncurrency: USD\nsource: s\nchecked: 2026-08-21\nreference_model: openai/gpt-4o\n"+
		"models:\n  - provider: openai\n    model: gpt-4o\n    input_usd_per_mtok: 2.5\n    checked: 2025-07-04\n    source: s\n")
	suiteBad := writeFile(t, "suite.yaml", "name: s\nconcurency: 4\nworkloads: [draft-email]\ntargets:\n  - name: t\n    url: http://127.0.0.1:1\n    model: m\nloads:\n  - concurrency: 1\n")
	cfgType := writeFile(t, "cfg-type.yaml", "concurrency: abc\n")
	cfgDur := writeFile(t, "cfg-dur.yaml", "duration: 300\n")
	trHead := writeFile(t, "tr.jsonl", `{"format":"tcobench-trace","version":1,"name":"x"}`+"\n")
	missing := filepath.Join(t.TempDir(), "no-such-run")
	dir := t.TempDir()
	run := []string{"run", "--target", "http://127.0.0.1:1", "--model", "m", "--requests", "1", "--collectors", "none", "--quiet", "--out", filepath.Join(dir, "r")}
	cost := []string{"cost", dir, "--hardware", "cpu-server", "--site", "office"}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"workload YAML syntax in run", append(run, "--workload", wlSyntax), "syntax.yaml:5: "},
		{"workload unknown field", append(run, "--workload", wlUnknown), `unknown.yaml:4: unknown field "colour"`},
		{"workload negative length", append(run, "--workload", wlNegTokens), "negtok.yaml:11: want a whole number of tokens"},
		{"workload negative max tokens", append(run, "--workload", wlNegMax), "negmax.yaml:8: tasks[0].steps[0].max_tokens"},
		{"hardware negative price", append(cost[:2:2], "--hardware", hwNeg, "--site", "office"), "hw.yaml:4: server_capex_usd_per_node.value: negative"},
		{"prices missing field", append(cost, "--prices", prices), "prices.yaml:8: models[0].output_usd_per_mtok: missing"},
		{"profiles validate", []string{"profiles", "validate", hwNeg}, "1 of 1 file(s) invalid"},
		{"suite unknown key", []string{"run", "--suite", suiteBad}, `suite.yaml:2: unknown field "concurency"`},
		{"config value of the wrong type", append([]string{"--config", cfgType}, run...), `concurrency="abc": want a whole number`},
		{"config duration without unit", append([]string{"--config", cfgDur}, run...), `duration="300": want a duration with its unit`},
		{"negative concurrency", append(run, "--concurrency", "-1"), "--concurrency -1"},
		{"negative rate", append(run, "--rate", "-2"), "--rate -2"},
		{"unknown arrival", append(run, "--arrival", "weird"), `--arrival "weird"`},
		{"utilization out of range", append(run, "--hardware", "cpu-server", "--site", "office", "--utilization", "1.5"), "--utilization 1.5"},
		{"reference model not in catalog", append(cost, "--reference-model", "x/y"), `--reference-model "x/y" is not in price catalog api-2026`},
		{"volume not a number", append(cost, "--volume", "NaN"), `--volume "NaN": want tasks per day, e.g. 20000 or 20000/day`},
		{"reference model several providers offer", append(cost, "--reference-model", "claude-3-5-sonnet"), `--reference-model "claude-3-5-sonnet" is offered by anthropic, google: give provider/model`},
		{"report of a missing directory", []string{"report", missing}, "no-such-run: no such run, suite or sweep directory"},
		{"report of a file", []string{"report", cfgType}, "cfg-type.yaml: a file, not a run, suite or sweep directory"},
		{"YAML given as a trace", []string{"workloads", "import", cfgType, "--out", filepath.Join(dir, "t.jsonl")}, "cfg-type.yaml:1: not a tcobench trace"},
		{"trace header without arrival", append(run, "--workload", trHead), "tr.jsonl:1: trace header: field arrival.process: missing"},
		{"cost of a missing directory", append([]string{"cost", missing}, cost[2:]...), "no-such-run: not a run directory"},
		{"compare with a missing baseline", []string{"compare", missing, dir}, "baseline " + missing + ": no such run or suite directory"},
		{"compare with a missing candidate", []string{"compare", dir, missing}, "candidate " + missing + ": no such run or suite directory"},
		{"history unknown metric", []string{"history", "--metric", "nosuch"}, `--metric "nosuch": not a stored figure`},
		{"cost without a directory", []string{"cost"}, "cost: want one RUN_DIR or SWEEP_DIR, got 0 argument(s)"},
		{"compare with one directory", []string{"compare", dir}, "compare: want BASELINE and CANDIDATE"},
		{"capacity search with GPU settings", []string{"sweep", "--target", "http://127.0.0.1:1", "--model", "m", "--requests", "1", "--slo", "ttft=1s",
			"--rates", "1,2", "--search", "--power-limits", "300W", "--out", filepath.Join(dir, "s")}, "--search: not with --power-limits"},
		{"fleet cost projected", []string{"cost", "--fleet", "f1", "--hardware", "cpu-server", "--site", "office", "--model-arch", "llama-3.1-8b"}, "--model-arch does not apply"},
		{"cost with a RUN_DIR wanted", []string{"cost", dir, dir}, "cost: want one RUN_DIR or SWEEP_DIR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runTcobench(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			oneLineErr(t, stderr, c.want)
		})
	}
}

// TestBadEnvValue: a TCOBENCH_* value the flag cannot take is an error, not a zero.
func TestBadEnvValue(t *testing.T) {
	t.Setenv("TCOBENCH_CONCURRENCY", "abc")
	code, _, stderr := runTcobenchEnv(t, "run", "--model", "m", "--requests", "1")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	oneLineErr(t, stderr, `environment TCOBENCH_CONCURRENCY="abc": want a whole number (as --concurrency)`)
}

// TestRunAgainstARefusedPort: the run completes, records every attempt as
// refused and exits 1 with one line saying so and where to look.
func TestRunAgainstARefusedPort(t *testing.T) {
	target := localservertest.RefusedURL(t)
	dir := filepath.Join(t.TempDir(), "run")
	code, _, stderr := runTcobench(t, "run", "--target", target, "--model", "m", "--requests", "3",
		"--collectors", "none", "--quiet", "--out", dir)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	oneLineErr(t, stderr, "no request succeeded: 3 of 3 sent failed (refused=3); is a model server listening at "+target+"?")
	n := 0
	err := runrecord.ReadAttempts(dir, func(at *runrecord.Attempt) error {
		if n++; at.OK || at.ErrorClass != "refused" {
			t.Errorf("attempt %d: ok %v class %q, want refused", at.Seq, at.OK, at.ErrorClass)
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Errorf("requests.jsonl: %d attempts, err %v; want 3", n, err)
	}
}

// TestCompareDifferentWorkloads: runs of two workloads cannot be compared (exit 2).
func TestCompareDifferentWorkloads(t *testing.T) {
	target := fakeTarget(t)
	dirs := [2]string{filepath.Join(t.TempDir(), "synthetic"), filepath.Join(t.TempDir(), "email")}
	for i, extra := range [][]string{{"--max-tokens", "4"}, {"--workload", "draft-email"}} {
		args := append([]string{"run", "--target", target, "--model", "fake", "--requests", "2", "--collectors", "none", "--quiet", "--out", dirs[i]}, extra...)
		if code, _, stderr := runTcobench(t, args...); code != 0 {
			t.Fatalf("run %v: exit %d: %s", extra, code, stderr)
		}
	}
	code, _, stderr := runTcobench(t, "compare", dirs[0], dirs[1])
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	oneLineErr(t, stderr, `different workloads: baseline "synthetic", candidate "draft-email"`)
}

// TestSweepNoPointPasses: a sweep in which no load point meets the SLOs exits
// 1, so that a CI job gating on it fails.
func TestSweepNoPointPasses(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	code, stdout, stderr := runTcobench(t, "sweep", "--target", fakeTarget(t), "--model", "fake", "--concurrencies", "1,2",
		"--requests", "2", "--max-tokens", "4", "--slo", "ttft=1ns", "--collectors", "none", "--out", dir, "--quiet")
	if code != 1 || !strings.Contains(stdout, "no load point met the SLOs") {
		t.Errorf("exit %d, stdout %q; want 1 and the table", code, stdout)
	}
	oneLineErr(t, stderr, "no load point met the SLOs ("+filepath.Join(dir, "sweep.json")+")")
}

// TestSuiteRefusesIgnoredFlags: a run flag beside --suite would be silently
// ignored (the suite file sets every run), so it is refused.
func TestSuiteRefusesIgnoredFlags(t *testing.T) {
	code, _, stderr := runTcobench(t, "run", "--suite", "nightly.yaml", "--duration", "1s", "--collectors", "none")
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	oneLineErr(t, stderr, "--collectors, --duration: not used with --suite")
}

// TestGPUSweepEitherList: --power-limits alone and --clocks alone each
// make a GPU sweep (neither needs the other).
func TestGPUSweepEitherList(t *testing.T) {
	for _, o := range []sweepOptions{{PowerLimits: "300W,450W"}, {Clocks: "1410,1200-1410"}} {
		g, err := o.gpuSweep()
		if err != nil || g == nil || len(g.Settings) != 2 {
			t.Errorf("%+v: %v, %+v", o, err, g)
		}
	}
}
