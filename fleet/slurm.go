package fleet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
)

// SlurmOptions is a Slurm job array of one shard per task.
type SlurmOptions struct {
	Launch
	// Partition, Time (the job's limit, as sbatch takes it) and Account
	// are passed to sbatch when set.
	Partition, Time, Account string
	// GPUType names the GPU model for --gres=gpu:TYPE:N ("" any).
	GPUType string
	// Exclusive asks for a whole node per shard (split by node).
	Exclusive bool
	// Output is the job output file pattern (default %x-%A_%a.out, in the
	// directory sbatch is run from).
	Output string
	// Tcobench is the tcobench program each task runs (default "tcobench").
	Tcobench string
	// Script is the file Submit writes the script to (default
	// tcobench-<fleet>.sbatch).
	Script string
}

// DefaultSlurm are the defaults of a Slurm job array.
func DefaultSlurm() SlurmOptions {
	return SlurmOptions{Launch: Launch{Shards: 2, Split: "node", Runs: "runs"}, Tcobench: "tcobench", Output: "%x-%A_%a.out"}
}

// Bind registers the options on fs under their names.
func (o *SlurmOptions) Bind(fs *pflag.FlagSet) {
	o.bind(fs)
	fs.StringVar(&o.Partition, "partition", o.Partition, "Slurm partition")
	fs.StringVar(&o.Time, "time", o.Time, "the job's time limit, as sbatch takes it (2:00:00)")
	fs.StringVar(&o.Account, "account", o.Account, "Slurm account to charge")
	fs.StringVar(&o.GPUType, "gpu-type", o.GPUType, "GPU model for --gres=gpu:TYPE:N (empty: any)")
	fs.BoolVar(&o.Exclusive, "exclusive", o.Exclusive, "a whole node per shard (split by node)")
	fs.StringVar(&o.Output, "output", o.Output, "job output file pattern (%x job name, %A array job ID, %a task)")
	fs.StringVar(&o.Tcobench, "tcobench", o.Tcobench, "the tcobench program each task runs")
	fs.StringVar(&o.Script, "script", o.Script, "with --submit, the file the script is written to (default tcobench-NAME.sbatch)")
}

// WriteSlurm writes the job-array script: one task per shard, each task a
// `tcobench run` of the fleet <fleet>-<array job ID> with its index from
// SLURM_ARRAY_TASK_ID, its GPUs requested with --gres, its output to
// Output, and the results store's DSN taken from TCOBENCH_STORE in the
// environment sbatch exports (the script refuses to start without it).
func WriteSlurm(w io.Writer, o SlurmOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	if o.Tcobench == "" {
		o.Tcobench = "tcobench"
	}
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("#!/bin/bash")
	p("# tcobench fleet %s: %s, one shard per task of this Slurm job array.", o.Fleet, describe(o.Launch))
	p("# Written by tcobench fleet slurm; submit it with sbatch. Each submission is a new")
	p("# fleet run, %s-<array job ID>; the results store's DSN comes from TCOBENCH_STORE", o.Fleet)
	p("# in the environment sbatch exports, and is never written here.")
	p("#SBATCH --job-name=tcobench-%s", o.Fleet)
	p("#SBATCH --array=0-%d", o.Shards-1)
	p("#SBATCH --ntasks=1")
	if o.GPUs > 0 {
		gres := "gpu:"
		if o.GPUType != "" {
			gres += o.GPUType + ":"
		}
		p("#SBATCH --gres=%s%d", gres, o.GPUs)
	}
	if o.Exclusive {
		p("#SBATCH --exclusive")
	}
	p("#SBATCH --output=%s", o.Output)
	for _, x := range []struct{ k, v string }{{"partition", o.Partition}, {"time", o.Time}, {"account", o.Account}} {
		if x.v != "" {
			p("#SBATCH --%s=%s", x.k, x.v)
		}
	}
	p("set -euo pipefail")
	p(`: "${TCOBENCH_STORE:?set TCOBENCH_STORE to the results store DSN (postgres://...) before sbatch}"`)
	p(`fleet=%s-"$SLURM_ARRAY_JOB_ID"`, shellQuote(o.Fleet))
	p(`shard="$SLURM_ARRAY_TASK_ID"`)
	p(`exec %s run --fleet "$fleet" --shard "$shard/%d" --fleet-split %s \`, shellQuote(o.Tcobench), o.Shards, o.Split)
	if len(o.RunArgs) == 0 {
		p(`    --out %s/"$fleet/shard-$shard"`, shellQuote(o.Runs))
	} else {
		p(`    --out %s/"$fleet/shard-$shard" \`, shellQuote(o.Runs))
		p("    %s", quoteAll(o.RunArgs))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Submit writes the job-array script to o.Script and submits it with
// sbatch, saying on w the job and the fleet's ID, <fleet>-<job ID>.
func Submit(ctx context.Context, o SlurmOptions, w io.Writer) error {
	var b bytes.Buffer
	if err := WriteSlurm(&b, o); err != nil {
		return err
	}
	if o.Script == "" {
		o.Script = "tcobench-" + o.Fleet + ".sbatch"
	}
	if err := os.WriteFile(o.Script, b.Bytes(), 0o755); err != nil {
		return fmt.Errorf("write job script: %w", err)
	}
	id, err := SubmitSlurm(ctx, "", o.Script)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "submitted %s as job %s: fleet %s-%s (tcobench report --fleet %s-%s)\n", o.Script, id, o.Fleet, id, o.Fleet, id)
	return err
}

// SubmitSlurm submits a job-array script with sbatch (the program named
// sbatch, "" for "sbatch" on PATH) and returns the array job's ID; the
// fleet's ID is then <fleet>-<job ID>.
func SubmitSlurm(ctx context.Context, sbatch, script string) (string, error) {
	if sbatch == "" {
		sbatch = "sbatch"
	}
	if _, err := exec.LookPath(sbatch); err != nil {
		return "", badinput.Errorf("submit: %s not found (is this a Slurm login node?): %v", sbatch, err)
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, sbatch, "--parsable", script)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("submit %s: %s: %w", script, strings.TrimSpace(errOut.String()), err)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";") // "jobid;cluster"
	if id == "" {
		return "", fmt.Errorf("submit %s: sbatch printed no job ID", script)
	}
	return id, nil
}
