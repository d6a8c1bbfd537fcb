package load

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

// scheduled runs cfg and returns its attempts' phases and scheduled
// times, by task.
func scheduled(t *testing.T, cfg Config) map[string]string {
	t.Helper()
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	atts, err := runrecord.LoadAttempts(cfg.OutDir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range atts {
		out[a.TaskID] = a.Phase + "@" + time.Duration(a.ScheduledNS).String()
	}
	return out
}

// Three shards of one seeded Poisson schedule send, together, exactly
// the single process's arrivals, each in the same phase; no arrival twice.
func TestShardsSplitOneSchedule(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultNone})
	base := func() Config {
		c := testConfig(t, srv.URL, 12)
		c.Schedule, c.Seed = Poisson{Rate: 200}, 7
		c.Limits.Warmup, c.Limits.Cooldown = 15*time.Millisecond, 20*time.Millisecond
		return c
	}
	whole := scheduled(t, base())
	union := map[string]string{}
	for i := 0; i < 3; i++ {
		c := base()
		c.Shard = Shard{Index: i, Count: 3}
		var built []int // the instances this shard built: its own only
		inner := c.Plan.Instance
		c.Plan.Instance = func(n int) (workloads.Instance, bool) {
			built = append(built, n)
			return inner(n)
		}
		got := scheduled(t, c)
		for _, n := range built {
			if n%3 != i {
				t.Errorf("shard %d built instance %d, another shard's", i, n)
			}
		}
		for task, at := range got {
			if _, dup := union[task]; dup {
				t.Errorf("shard %d sent %s, which another shard sent too", i, task)
			}
			union[task] = at
		}
	}
	if len(whole) < 12 || len(union) != len(whole) {
		t.Fatalf("shards scheduled %d arrivals, the single process %d", len(union), len(whole))
	}
	for task, at := range whole {
		if union[task] != at {
			t.Errorf("%s: single process %s, shards %s", task, at, union[task])
		}
	}
}

func TestShardRefusals(t *testing.T) {
	for _, c := range []struct {
		shard Shard
		sched Schedule
	}{
		{Shard{Index: 3, Count: 3}, Constant{Rate: 5}},
		{Shard{Index: -1, Count: 3}, Constant{Rate: 5}},
		{Shard{Index: 0, Count: 2}, Closed{Users: 2}},
	} {
		cfg := testConfig(t, "http://127.0.0.1:1", 3)
		cfg.Shard, cfg.Schedule = c.shard, c.sched
		var fe *badinput.FieldError
		if err := cfg.Validate(); !errors.As(err, &fe) || fe.Field != "shard" {
			t.Errorf("%+v %T: %v, want a shard setting error", c.shard, c.sched, err)
		}
	}
}

// The run clock starts at the agreed start, not when Run was called.
func TestRendezvousSetsClockZero(t *testing.T) {
	srv := startFake(t, fakeServer{f: faultNone})
	cfg := testConfig(t, srv.URL, 2)
	at := time.Now().Add(150 * time.Millisecond).Round(time.Millisecond)
	cfg.Rendezvous = func(context.Context) (time.Time, error) { return at, nil }
	run, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !run.StartedAt.Equal(at) {
		t.Errorf("started at %s, want the agreed %s", run.StartedAt.Format(time.StampMicro), at.Format(time.StampMicro))
	}
	atts, _ := runrecord.LoadAttempts(cfg.OutDir)
	if !slices.ContainsFunc(atts, func(a runrecord.Attempt) bool { return a.OK }) {
		t.Error("nothing succeeded after the rendezvous")
	}
}
