package fleet

import (
	"time"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// Settings are a run's fleet settings by name, as flags, TCOBENCH_*
// variables and config files give them.
type Settings struct {
	// ID names the fleet run, the same for every shard ("": not a fleet).
	ID string
	// Shard is "i/N", "auto/N" or "" (see ParseShard).
	Shard string
	// Split is runrecord.FleetSplitNode or FleetSplitSchedule.
	Split string
	// Nodes is the number of serving nodes the fleet is priced on (0: the
	// shards that ran when split by node, 1 when split by schedule).
	Nodes int
	// Wait is how long the fleet waits for all its shards to join before it
	// starts with those that did.
	Wait time.Duration
}

// DefaultWait is how long a fleet waits for its shards by default.
const DefaultWait = 10 * time.Minute

// DefaultSettings are the fleet settings before anyone states one.
func DefaultSettings() Settings {
	return Settings{Split: runrecord.FleetSplitNode, Wait: DefaultWait}
}

// Bind registers the fleet settings on fs under their names.
func (s *Settings) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&s.ID, "fleet", s.ID, "run as one shard of the fleet run of this ID: shards meet in the results store (--store, PostgreSQL across nodes) and start together")
	fs.StringVar(&s.Shard, "shard", s.Shard, "this shard's index of N: i/N, auto/N (i from SLURM_ARRAY_TASK_ID, SLURM_PROCID or JOB_COMPLETION_INDEX), or empty for both from Slurm")
	fs.StringVar(&s.Split, "fleet-split", s.Split, "how the fleet shares the work: node (each shard drives its node-local server with the whole workload) or schedule (each shard sends its share of one seeded open-loop schedule to a shared endpoint)")
	fs.IntVar(&s.Nodes, "fleet-nodes", s.Nodes, "serving nodes the fleet is priced on (0: the shards that ran when split by node, 1 when split by schedule)")
	fs.DurationVar(&s.Wait, "fleet-wait", s.Wait, "how long the fleet waits for all its shards to join before it starts with those that did")
}

// check refuses settings no fleet can use.
func (s Settings) check() error {
	if s.ID == "" {
		return badinput.Field("fleet", nil, "no fleet ID given")
	}
	for _, r := range s.ID {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return badinput.Field("fleet", s.ID, "use letters, digits, '-', '_' and '.' only")
		}
	}
	if s.Split != runrecord.FleetSplitNode && s.Split != runrecord.FleetSplitSchedule {
		return badinput.Field("fleet-split", s.Split, "want node or schedule")
	}
	if s.Nodes < 0 {
		return badinput.Field("fleet-nodes", s.Nodes, "must be 0 (the default) or more")
	}
	if s.Wait < 0 {
		return badinput.Field("fleet-wait", s.Wait, "must not be negative")
	}
	return nil
}
