package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/internal/pgtest"
	"github.com/tcobench/tcobench/internal/slurmtest"
	"github.com/tcobench/tcobench/report"
	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
)

// schedFlags are schedSpec as tcobench run's flags.
func schedFlags(url string) []string {
	return []string{"--target", url, "--model", "fake", "--prompt-tokens", "16", "--max-tokens", "8", "--arrival", "poisson",
		"--rate", "30", "--requests", "45", "--warmup", "100ms", "--seed", "11", "--request-timeout", "10s", "--collectors", "none"}
}

// A 3-shard job array submitted to a real Slurm (tcobench fleet slurm
// --submit) runs the seeded schedule split by schedule against one
// fakeserver into a real PostgreSQL; report --fleet gives one merged report
// whose request count is the three shards' and whose percentiles are those
// of every stored raw sample, and which equals, figure for figure, the
// report of the same schedule run as one process (within the timing noise
// of helpers_test.go); the server saw the same sends.
func TestSlurmJobArray(t *testing.T) {
	cluster := slurmtest.Start(t)
	dsn := pgtest.Start(t)
	bin := tcobenchBinary(t)
	url, srv := fake(t)
	dir := t.TempDir()
	single, err := harness.Run(context.Background(), schedSpec(url, filepath.Join(dir, "single")))
	if err != nil {
		t.Fatal(err)
	}
	singleSends := offsets(srv.Stamps(true), single.Run.StartedAt)

	args := append([]string{"fleet", "slurm", "--fleet", "e2e", "--shards", "3", "--gpus", "1", "--fleet-split", "schedule",
		"--tcobench", bin, "--runs", filepath.Join(dir, "runs"), "--output", filepath.Join(dir, "%x-%A_%a.out"),
		"--script", filepath.Join(dir, "e2e.sbatch"), "--submit", "--", "--fleet-wait", "1m"}, schedFlags(url)...)
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Env = dir, append(os.Environ(), "TCOBENCH_STORE="+dsn, cluster.Env())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fleet slurm --submit: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`as job (\d+): fleet (e2e-\d+)`).FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("no job in %q", out)
	}
	job, id := m[1], m[2]
	slurmtest.WaitJob(t, cluster, job, 3*time.Minute, func() string { return jobOutput(t, dir) })
	taskOut := jobOutput(t, dir)
	if script, _ := os.ReadFile(filepath.Join(dir, "e2e.sbatch")); bytes.Contains(script, []byte(dsn)) || !bytes.Contains(script, []byte("#SBATCH --gres=gpu:1")) {
		t.Errorf("the job script holds the DSN, or no GPU request:\n%s", script)
	}

	rep := reportFleet(t, bin, dsn, id, taskOut)
	rr := rep.Runs[0]
	if rr.Partial || rr.Fleet == nil || len(rr.Fleet.Members) != 3 {
		t.Fatalf("merged: partial %v (%s), fleet %+v\n%s", rr.Partial, rr.PartialReason, rr.Fleet, taskOut)
	}
	for _, mem := range rr.Fleet.Members {
		if mem.State != runrecord.ShardDone || mem.Requests == 0 {
			t.Errorf("shard %+v", mem)
		}
	}
	sameSends(t, singleSends, offsets(srv.Stamps(true), rr.Fleet.StartedAt))
	merged := filepath.Join(dir, "runs", id, "merged") // written by the last task to finish
	sameSchedule(t, single.Dir, merged)
	sameFigures(t, single.Dir, merged, 3)
	fromEveryRawSample(t, dsn, id, rundata.FigureMap(rr.Figures))
}

// reportFleet runs tcobench report --fleet ID --format json.
func reportFleet(t *testing.T, bin, dsn, id, taskOut string) *report.Report {
	t.Helper()
	cmd := exec.Command(bin, "report", "--fleet", id, "--store", dsn, "--format", "json")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("report --fleet %s: %v\n%s\ntasks:\n%s", id, err, stderr.String(), taskOut)
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil || len(r.Runs) != 1 {
		t.Fatalf("report --fleet: %v (%d runs)", err, len(r.Runs))
	}
	return &r
}

// jobOutput returns the tasks' output files.
func jobOutput(t *testing.T, dir string) string {
	files, _ := filepath.Glob(filepath.Join(dir, "tcobench-e2e-*.out"))
	if len(files) != 3 {
		t.Errorf("%d task output files, want 3", len(files))
	}
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		b.WriteString("--- " + filepath.Base(f) + "\n" + string(data))
	}
	return b.String()
}
