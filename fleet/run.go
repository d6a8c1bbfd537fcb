package fleet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// Timings of a shard.
const (
	// DefaultLead is how long after the last shard joined the fleet starts,
	// so that every shard sees the agreed start before it comes.
	DefaultLead = 2 * time.Second
	// DefaultBeat is how often a shard stores its new attempts and says it
	// is alive.
	DefaultBeat = time.Second
	// openTimeout bounds reaching the store: a shard that cannot fails fast.
	openTimeout = 15 * time.Second
	// lateBy is how far past the agreed start a shard may come and still run.
	lateBy = time.Second
)

// Spec is one shard of a fleet run.
type Spec struct {
	// Run is the shard's run, as harness.Run takes it. Its Save is not
	// used: a shard stores its record in the fleet's store.
	Run      harness.Spec
	Settings Settings
	// Store is the results store's DSN where the shards meet: PostgreSQL
	// for shards on several nodes ("" or a path: SQLite, one node only).
	Store string
	// Getenv reads the scheduler's variables (nil: os.Getenv).
	Getenv func(string) string
	// Lead and Beat default to DefaultLead and DefaultBeat.
	Lead, Beat time.Duration
	// Merged is the directory the last shard to finish writes the merged
	// result into ("": a directory "merged" beside the shard's run directory).
	Merged string
}

// Run runs one shard: it joins the fleet in the store (refused when the
// index is taken or the settings differ from the fleet's), waits with the
// other shards for the agreed start, runs its share with harness.Run while
// streaming its attempts into the store, and stores its record and state.
// Nothing is sent when the store cannot be reached or the shard is refused.
// The last shard to finish merges the fleet (see Merge) into Spec.Merged
// and saves the merged run in the store; when that fails, its error joins
// the run's (the shard's own record is stored all the same).
func Run(ctx context.Context, sp Spec) (*harness.Result, error) {
	log := sp.Run.Log
	if log == nil {
		log = io.Discard
	}
	m, err := join(ctx, &sp, log)
	if err != nil {
		return nil, err
	}
	defer m.st.Close()
	spec := sp.Run
	spec.Save = nil
	spec.Load.Rendezvous = m.rendezvous
	spec.Load.Hooks = append(append([]load.Hooks(nil), spec.Load.Hooks...), load.Hooks{Observe: m.observe, Finish: m.finishRun})
	res, runErr := harness.Run(ctx, spec)
	if err := m.finish(context.WithoutCancel(ctx), res, runErr); err != nil {
		return res, errors.Join(runErr, err)
	}
	if runErr == nil || res != nil {
		if err := m.mergeIfLast(context.WithoutCancel(ctx), &sp, res); err != nil {
			return res, errors.Join(runErr, err)
		}
	}
	return res, runErr
}

// join resolves the shard, reaches the store and registers the shard.
func join(ctx context.Context, sp *Spec, log io.Writer) (*member, error) {
	s := sp.Settings
	if err := s.check(); err != nil {
		return nil, err
	}
	getenv := sp.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	sh, err := ParseShard(s.Shard, getenv)
	if err != nil {
		return nil, err
	}
	cfg := sp.Run.Load
	if s.Split == runrecord.FleetSplitSchedule {
		cfg.Shard = load.Shard{Index: sh.Index, Count: sh.Count}
		sp.Run.Load.Shard = cfg.Shard
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	octx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	st, err := store.Open(octx, sp.Store)
	if err != nil {
		return nil, fmt.Errorf("fleet %s shard %s: the results store cannot be reached, nothing was sent: %w", s.ID, sh, err)
	}
	host, _ := os.Hostname()
	nodes := s.Nodes
	if nodes == 0 && s.Split == runrecord.FleetSplitSchedule {
		nodes = 1
	}
	f, err := st.JoinFleet(octx, store.FleetJoin{ID: s.ID, Shards: sh.Count, Split: s.Split, Nodes: nodes,
		Plan: planText(cfg), Wait: s.Wait, Shard: sh.Index, Host: host}, time.Now())
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("shard %s, nothing was sent: %w", sh, err)
	}
	fmt.Fprintf(log, "fleet %s: shard %s (from %s) joined on %s, split by %s\n", s.ID, sh, sh.From, host, s.Split)
	return newMember(st, f, sh, sp, log), nil
}

// planText describes what every shard of a fleet must run alike.
func planText(c load.Config) string {
	var l runrecord.LoadConfig
	load.Describe(c.Schedule, &l)
	p := []string{"workload " + c.Plan.Name, string(l.Mode)}
	if l.RatePerS > 0 {
		p = append(p, fmt.Sprintf("rate %g/s", l.RatePerS))
	}
	if l.Concurrency > 0 {
		p = append(p, fmt.Sprintf("concurrency %d", l.Concurrency))
	}
	if l.Mode == runrecord.ArrivalGamma {
		p = append(p, fmt.Sprintf("shape %g", l.GammaShape))
	}
	lim := c.Limits
	p = append(p, fmt.Sprintf("duration %s", lim.Duration), fmt.Sprintf("requests %d", lim.Count),
		fmt.Sprintf("warmup %s", lim.Warmup), fmt.Sprintf("cooldown %s", lim.Cooldown), fmt.Sprintf("seed %d", c.Seed))
	for _, s := range c.SLOs {
		p = append(p, "slo "+s.String())
	}
	return strings.Join(p, ", ")
}

// RunSuite runs a suite as one shard of a fleet: each run of the suite is
// its own fleet run, <fleet ID>.<run name>, of the same shards, merged into
// <suite directory>/merged/<run name> when its last shard finishes. With no
// fleet ID it is harness.RunSuite.
func RunSuite(ctx context.Context, ss harness.SuiteSpec, sp Spec) (*harness.SuiteResult, error) {
	if sp.Settings.ID == "" {
		return harness.RunSuite(ctx, ss)
	}
	if err := sp.Settings.check(); err != nil {
		return nil, err
	}
	ss.Run = func(ctx context.Context, name string, spec harness.Spec) (*harness.Result, error) {
		s := sp
		s.Run, s.Settings.ID, s.Merged = spec, sp.Settings.ID+"."+name, filepath.Join(ss.Dir, "merged", name)
		return Run(ctx, s)
	}
	return harness.RunSuite(ctx, ss)
}
