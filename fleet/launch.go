package fleet

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/runrecord"
)

// Launch is what every launcher writes: a fleet of Shards shards, each a
// `tcobench run` with RunArgs.
type Launch struct {
	// Fleet names the fleet; each submission runs as a new fleet whose ID
	// the scheduler completes (Slurm: Fleet-<array job ID>; Kubernetes: the
	// Job's name).
	Fleet  string
	Shards int
	Split  string
	// GPUs is how many GPUs each shard asks the scheduler for (0: none).
	GPUs int
	// Runs is the directory the shards' run directories go under
	// (default "runs").
	Runs string
	// RunArgs are the `tcobench run` flags of every shard: the workload,
	// the target, the load. The launcher sets the fleet's own flags and
	// --out; the store's DSN comes from the environment, never a file.
	RunArgs []string
}

// bind registers the settings every launcher shares.
func (l *Launch) bind(fs *pflag.FlagSet) {
	fs.StringVar(&l.Fleet, "fleet", l.Fleet, "fleet name; every submission runs as a new fleet run whose ID the scheduler completes")
	fs.IntVar(&l.Shards, "shards", l.Shards, "number of shards (Slurm array tasks, Kubernetes completions)")
	fs.StringVar(&l.Split, "fleet-split", l.Split, "node (each shard drives its node-local server) or schedule (shards share one seeded schedule to one endpoint)")
	fs.IntVar(&l.GPUs, "gpus", l.GPUs, "GPUs each shard asks the scheduler for (0: none)")
	fs.StringVar(&l.Runs, "runs", l.Runs, "directory the shards' run directories go under")
}

// ownFlags are the run flags a launcher sets itself.
var ownFlags = []string{"fleet", "shard", "fleet-split", "out", "store", "save"}

// check refuses a launch no cluster could run, and run flags tcobench run
// does not take or that the launcher sets itself.
func (l *Launch) check() error {
	if err := (Settings{ID: l.Fleet, Split: l.Split}).check(); err != nil {
		return err
	}
	if l.Shards < 1 {
		return badinput.Field("shards", l.Shards, "want 1 or more")
	}
	if l.GPUs < 0 {
		return badinput.Field("gpus", l.GPUs, "must be 0 or more")
	}
	if l.Runs == "" {
		l.Runs = "runs"
	}
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(&strings.Builder{})
	s := harness.Defaults()
	s.Bind(fs)
	f := DefaultSettings()
	f.Bind(fs)
	fs.String("suite", "", "")
	fs.Bool("quiet", false, "")
	if err := fs.Parse(l.RunArgs); err != nil {
		return badinput.Errorf("run flags after --: %v", err)
	}
	if fs.NArg() > 0 {
		return badinput.Errorf("run flags after --: %q is not a flag", fs.Arg(0))
	}
	for _, n := range ownFlags {
		if fs.Changed(n) {
			return badinput.Errorf("run flags after --: --%s is set by the launcher (the store's DSN comes from TCOBENCH_STORE in the environment)", n)
		}
	}
	if l.Split == runrecord.FleetSplitSchedule && s.Load.Arrival == "closed" {
		return badinput.Field("fleet-split", l.Split, "a closed loop cannot be split by schedule")
	}
	return nil
}

// shellQuote quotes a word for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,@+%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

func describe(l Launch) string {
	return fmt.Sprintf("%d shards split by %s", l.Shards, l.Split)
}
