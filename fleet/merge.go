package fleet

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// DefaultLost is how long a shard that has not finished may be silent
// before a merge counts it as lost.
const DefaultLost = 15 * time.Second

// MergeOptions tune a merge.
type MergeOptions struct {
	// Lost is how long an unfinished shard may be silent before it counts
	// as lost (0: DefaultLost); a shard heard from since is still running.
	Lost time.Duration
	// Now is the time of the merge (zero: now).
	Now time.Time
}

// Merged is a fleet's shards merged into one run: its record and every
// shard's raw attempts, on the fleet's clock.
type Merged struct {
	Run      *runrecord.Run
	Attempts []runrecord.Attempt
}

// shardData is one shard as read back from the store.
type shardData struct {
	row    *store.ShardRow // nil for a missing shard
	member runrecord.FleetShard
	atts   []runrecord.Attempt
	offset int64 // the shard's clock zero on the fleet's clock, ns
}

// Merge reads a fleet's shards from the store and merges them: one summary
// over every shard's raw attempts (exact percentiles), throughput over the
// fleet's measurement window, energy summed over the nodes that measured
// it, and a per-shard table. The result is partial, naming the shards, when
// a shard is missing, failed, was lost, is still running or was cut short.
func Merge(ctx context.Context, st *store.Store, id string, opt MergeOptions) (*Merged, error) {
	if opt.Lost <= 0 {
		opt.Lost = DefaultLost
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	f, rows, err := st.Fleet(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badinput.Errorf("fleet %s: not in the results store %s (no shard of it ever joined)", id, st.Where)
	}
	if err != nil {
		return nil, err
	}
	shards, err := readShards(ctx, st, f, rows, opt)
	if err != nil {
		return nil, err
	}
	var base *runrecord.Run
	for _, d := range shards {
		if d.row != nil && d.row.Run != nil {
			base = d.row.Run
			break
		}
	}
	if base == nil {
		return nil, fmt.Errorf("fleet %s: no shard has stored its run record yet (%s)", id, states(shards))
	}
	atts := mergeAttempts(f, shards)
	run := mergeRun(f, base, shards, atts)
	return &Merged{Run: run, Attempts: atts}, nil
}

// readShards reads every shard's row and attempts, in index order, with a
// place for each missing one.
func readShards(ctx context.Context, st *store.Store, f store.FleetRow, rows []store.ShardRow, opt MergeOptions) ([]*shardData, error) {
	out := make([]*shardData, f.Shards)
	for i := range out {
		out[i] = &shardData{member: runrecord.FleetShard{Shard: i, State: runrecord.ShardMissing, Error: "no shard of this index joined the fleet"}}
	}
	for i := range rows {
		r := &rows[i]
		if r.Shard < 0 || r.Shard >= f.Shards {
			continue
		}
		d := out[r.Shard]
		d.row = r
		if r.Run != nil && !f.Start.IsZero() {
			d.offset = r.Run.StartedAt.Sub(f.Start).Nanoseconds()
		}
		if err := st.FleetAttempts(ctx, f.ID, r.Shard, func(a *runrecord.Attempt) error {
			d.atts = append(d.atts, *a)
			return nil
		}); err != nil {
			return nil, err
		}
		d.member = memberOf(r, d.atts, opt)
	}
	return out, nil
}

// memberOf is a shard's line of the per-shard table.
func memberOf(r *store.ShardRow, atts []runrecord.Attempt, opt MergeOptions) runrecord.FleetShard {
	m := runrecord.FleetShard{Shard: r.Shard, State: r.State, Error: r.Err, Host: r.Host}
	if r.State == runrecord.ShardJoined || r.State == runrecord.ShardRunning {
		silent := opt.Now.Sub(r.Seen).Round(time.Second)
		if silent > opt.Lost {
			m.State = runrecord.ShardLost
			m.Error = fmt.Sprintf("no word from it since %s, %s before the merge (killed, or its node lost?); the %d attempts it stored are merged",
				r.Seen.UTC().Format(time.TimeOnly), silent, len(atts))
		} else {
			m.Error = fmt.Sprintf("still %s (last heard %s before the merge): merge again when it has finished", r.State, silent)
		}
	}
	if r.Run == nil || r.Run.Summary == nil {
		for i := range atts {
			if atts[i].Phase == runrecord.PhaseMeasure {
				m.Requests++
				if atts[i].OK {
					m.OK++
				}
			}
		}
		return m
	}
	s := r.Run.Summary
	m.RunID, m.Requests, m.OK = r.Run.ID, s.Requests.Measured, s.Requests.OK
	m.OutputTokS, m.RequestsS = s.Throughput.OutputTokensPerS, s.Throughput.RequestsPerS
	if d, ok := s.LatencyMS[runrecord.MetricTTFT]; ok {
		m.TTFTP99MS = d.P99
	}
	return m
}

// states lists the shards' states, for a message.
func states(shards []*shardData) string {
	p := make([]string, len(shards))
	for i, d := range shards {
		p[i] = fmt.Sprintf("shard %d %s", i, d.member.State)
	}
	return strings.Join(p, ", ")
}

// mergeAttempts puts every shard's attempts on the fleet's clock, in
// schedule order, numbered anew. Split by node, task IDs are prefixed with
// the shard (each shard ran the whole workload).
func mergeAttempts(f store.FleetRow, shards []*shardData) []runrecord.Attempt {
	type keyed struct {
		a     runrecord.Attempt
		shard int
	}
	var all []keyed
	for i, d := range shards {
		for _, a := range d.atts {
			shift(&a, d.offset)
			if f.Split == runrecord.FleetSplitNode {
				a.TaskID = fmt.Sprintf("shard-%d/%s", i, a.TaskID)
			}
			all = append(all, keyed{a, i})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := &all[i], &all[j]
		if a.a.ScheduledNS != b.a.ScheduledNS {
			return a.a.ScheduledNS < b.a.ScheduledNS
		}
		if a.shard != b.shard {
			return a.shard < b.shard
		}
		return a.a.Seq < b.a.Seq
	})
	out := make([]runrecord.Attempt, len(all))
	for i := range all {
		out[i] = all[i].a
		out[i].Seq = int64(i)
	}
	return out
}

// shift moves an attempt's times by off nanoseconds (zero times, events
// that did not happen, stay zero).
func shift(a *runrecord.Attempt, off int64) {
	if off == 0 {
		return
	}
	a.ScheduledNS += off
	for _, p := range []*int64{&a.SentNS, &a.HeadersNS, &a.FirstTokenNS, &a.FirstContentNS, &a.FirstToolCallNS, &a.EndNS} {
		if *p != 0 {
			*p += off
		}
	}
	c := make([]int64, len(a.ChunkNS))
	for i, t := range a.ChunkNS {
		c[i] = t + off
	}
	a.ChunkNS = c
}
