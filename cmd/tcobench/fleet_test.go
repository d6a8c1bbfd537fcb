package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFleetBadInput: a shard index out of range, a launcher asked for what
// it sets itself, a manifest without an image, an unknown fleet: one line
// each, exit 2.
func TestFleetBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	run := []string{"run", "--target", "http://127.0.0.1:1", "--model", "m", "--requests", "1", "--collectors", "none", "--quiet",
		"--store", db, "--out", filepath.Join(t.TempDir(), "r")}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"shard index out of range", append(run, "--fleet", "f", "--shard", "3/3"), `--shard "3/3": the index must be 0 to 2 (from shard)`},
		{"closed loop split by schedule", append(run, "--fleet", "f", "--shard", "0/2", "--fleet-split", "schedule"), "--shard \"0/2\": a closed loop cannot be split by schedule"},
		{"launcher given its own flag", []string{"fleet", "slurm", "--fleet", "n", "--shards", "2", "--", "--shard", "1/2"}, "--shard is set by the launcher"},
		{"launcher given no run flag", []string{"fleet", "slurm", "--fleet", "n", "--", "--nope"}, "run flags after --: unknown flag: --nope"},
		{"no shards", []string{"fleet", "slurm", "--fleet", "n", "--shards", "0"}, "--shards 0: want 1 or more"},
		{"manifest without an image", []string{"fleet", "k8s", "--fleet", "n"}, "--image: name the container image"},
		{"unknown fleet", []string{"report", "--fleet", "nosuch", "--store", db}, "fleet nosuch: not in the results store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runTcobench(t, c.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stderr %q)", code, stderr)
			}
			oneLineErr(t, stderr, c.want)
		})
	}
}

// TestFleetSlurmScript: the job-array script has one task per shard, its
// GPUs and the run flags, and takes the DSN from the environment.
func TestFleetSlurmScript(t *testing.T) {
	code, out, stderr := runTcobench(t, "fleet", "slurm", "--fleet", "nightly", "--shards", "3", "--gpus", "8", "--partition", "gpu",
		"--", "--target", "http://127.0.0.1:8000", "--model", "llama3", "--rate", "2", "--duration", "5m")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"#SBATCH --array=0-2\n", "#SBATCH --gres=gpu:8\n", "#SBATCH --partition=gpu\n", `: "${TCOBENCH_STORE:?`,
		`exec tcobench run --fleet "$fleet" --shard "$shard/3" --fleet-split node`, "--model llama3 --rate 2 --duration 5m\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q:\n%s", want, out)
		}
	}
}
