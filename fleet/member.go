package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tcobench/tcobench/harness"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// pollEvery is how often a waiting shard looks at the fleet in the store.
const pollEvery = 200 * time.Millisecond

// member is a joined shard: it waits for the fleet's start, streams its
// attempts into the store each beat and stores its end.
type member struct {
	st    *store.Store
	fleet store.FleetRow
	shard Shard
	lead  time.Duration
	log   io.Writer

	mu      sync.Mutex
	pending []store.AttemptLine
	start   time.Time
	// beatErr is the last error of the beats that could not store the
	// pending attempts (beatFails of them; told is how many the run record
	// already says); encodeErr that of the attempts that could not be
	// encoded for the store (unencoded of them, never stored).
	beatErr, encodeErr error
	beatFails, told    int
	unencoded          int

	stop chan struct{}
	done chan struct{}
}

func newMember(st *store.Store, f store.FleetRow, sh Shard, sp *Spec, log io.Writer) *member {
	m := &member{st: st, fleet: f, shard: sh, lead: sp.Lead, log: log, stop: make(chan struct{}), done: make(chan struct{})}
	if m.lead <= 0 {
		m.lead = DefaultLead
	}
	beat := sp.Beat
	if beat <= 0 {
		beat = DefaultBeat
	}
	go m.beat(beat)
	return m
}

// rendezvous waits until every shard joined, or the fleet's wait passed,
// and returns the start they agreed on (load.Config.Rendezvous).
func (m *member) rendezvous(ctx context.Context) (time.Time, error) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	said := false
	for {
		f, shards, err := m.st.Fleet(ctx, m.fleet.ID)
		if err != nil {
			return time.Time{}, err
		}
		now := time.Now()
		at := f.Start
		if at.IsZero() && (len(shards) >= f.Shards || !now.Before(f.WaitUntil)) {
			if at, err = m.st.AgreeStart(ctx, f.ID, now.Add(m.lead)); err != nil {
				return time.Time{}, err
			}
		}
		if !at.IsZero() {
			return m.started(ctx, at, len(shards), now)
		}
		if !said {
			fmt.Fprintf(m.log, "fleet %s: %d of %d shards joined; waiting for the others until %s\n", f.ID, len(shards), f.Shards, f.WaitUntil.Format(time.TimeOnly))
			said = true
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-t.C:
		}
	}
}

// started checks that the shard is not late for the agreed start and
// marks it running.
func (m *member) started(ctx context.Context, at time.Time, joined int, now time.Time) (time.Time, error) {
	if late := now.Sub(at); late > lateBy {
		return time.Time{}, fmt.Errorf("fleet %s started at %s, %s before this shard was ready: it runs without this shard", m.fleet.ID, at.Format(time.TimeOnly), late.Round(time.Millisecond))
	}
	m.mu.Lock()
	m.start = at
	m.mu.Unlock()
	fmt.Fprintf(m.log, "fleet %s: %d of %d shards joined; starting at %s\n", m.fleet.ID, joined, m.fleet.Shards, at.Format("15:04:05.000"))
	return at, m.st.UpdateShard(ctx, m.fleet.ID, m.shard.Index, store.ShardUpdate{State: runrecord.ShardRunning}, time.Now())
}

// observe keeps a finished attempt for the next beat (load.Hooks.Observe).
func (m *member) observe(a *runrecord.Attempt) {
	b, err := json.Marshal(a)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.unencoded++
		m.encodeErr = err
		return
	}
	m.pending = append(m.pending, store.AttemptLine{Seq: a.Seq, JSON: b})
}

// beat stores the new attempts and marks the shard alive, every period,
// until stop is closed.
func (m *member) beat(every time.Duration) {
	defer close(m.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			if err := m.flush(context.Background(), store.ShardUpdate{}); err != nil {
				m.mu.Lock()
				m.beatFails++
				m.beatErr = err
				m.mu.Unlock()
			}
		}
	}
}

// flush stores the pending attempts with u. Lines that could not be stored
// are kept for the next try.
func (m *member) flush(ctx context.Context, u store.ShardUpdate) error {
	m.mu.Lock()
	u.Attempts, m.pending = m.pending, nil
	m.mu.Unlock()
	err := m.st.UpdateShard(ctx, m.fleet.ID, m.shard.Index, u, time.Now())
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.pending = append(u.Attempts, m.pending...)
	}
	return err
}

// finishRun is the shard's part of its run record (load.Hooks.Finish): its
// fleet section, and a warning for the beats that failed so far and the
// attempts that never reached the store.
func (m *member) finishRun(_ context.Context, _ string, run *runrecord.Run) error {
	run.Fleet = m.record()
	m.mu.Lock()
	defer m.mu.Unlock()
	run.Warnings = append(run.Warnings, m.warningsLocked()...)
	m.told = m.beatFails
	return nil
}

// warningsLocked says what of the shard's streaming went wrong.
func (m *member) warningsLocked() []string {
	var w []string
	if m.beatFails > 0 {
		w = append(w, fmt.Sprintf("fleet %s shard %s: %d beats could not reach the results store (last: %v): their attempts were kept for the next beat, but while the shard was silent a merge could count it lost",
			m.fleet.ID, m.shard, m.beatFails, m.beatErr))
	}
	if m.unencoded > 0 {
		w = append(w, fmt.Sprintf("fleet %s shard %s: %d attempts could not be encoded for the results store (%v): the merged result lacks them (this shard's run directory has them)",
			m.fleet.ID, m.shard, m.unencoded, m.encodeErr))
	}
	return w
}

// record is the shard's part of its run record.
func (m *member) record() *runrecord.Fleet {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.shard.Index
	return &runrecord.Fleet{ID: m.fleet.ID, Split: m.fleet.Split, Shards: m.fleet.Shards, Shard: &i, StartedAt: m.start, Nodes: m.fleet.Nodes}
}

// finish stops the beat and stores the shard's record and state.
func (m *member) finish(ctx context.Context, res *harness.Result, runErr error) error {
	close(m.stop)
	<-m.done
	m.mu.Lock()
	if n := m.beatFails - m.told; n > 0 {
		fmt.Fprintf(m.log, "fleet %s: shard %s: %d beats after its run could not reach the results store (last: %v)\n", m.fleet.ID, m.shard, n, m.beatErr)
	}
	m.mu.Unlock()
	u := store.ShardUpdate{State: runrecord.ShardDone}
	var pe *harness.PartialError
	switch {
	case errors.As(runErr, &pe):
		u.State, u.Err = runrecord.ShardPartial, pe.Reason
	case runErr != nil:
		u.State, u.Err = runrecord.ShardFailed, runErr.Error()
	}
	if res != nil {
		u.Run = res.Run
	}
	if err := m.flush(ctx, u); err != nil {
		return fmt.Errorf("fleet %s shard %s: store the shard's record (its run directory has it all): %w", m.fleet.ID, m.shard, err)
	}
	fmt.Fprintf(m.log, "fleet %s: shard %s %s; stored in the results store\n", m.fleet.ID, m.shard, u.State)
	return nil
}
