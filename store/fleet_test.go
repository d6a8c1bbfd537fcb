package store

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// exerciseFleet joins, refuses, agrees and stores on s, as shards do.
func exerciseFleet(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	now := time.Unix(1800000000, 0)
	j := FleetJoin{ID: "f1", Shards: 3, Split: runrecord.FleetSplitSchedule, Nodes: 1, Plan: "poisson 5/s seed 7", Wait: time.Minute}
	for i := 0; i < 3; i++ {
		j.Shard, j.Host = i, "node-"+string(rune('a'+i))
		f, err := s.JoinFleet(ctx, j, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if !f.Created.Equal(now) || !f.WaitUntil.Equal(now.Add(time.Minute)) || !f.Start.IsZero() {
			t.Errorf("fleet row %+v", f)
		}
	}
	j.Shard, j.Host = 1, "node-x"
	if _, err := s.JoinFleet(ctx, j, now); !errors.Is(err, ErrShardTaken) || !badinput.Is(err) || !strings.Contains(err.Error(), `"node-b"`) {
		t.Errorf("second shard 1: %v", err)
	}
	j.Shard, j.Shards, j.Plan = 2, 4, "poisson 6/s seed 7"
	if _, err := s.JoinFleet(ctx, j, now); !badinput.Is(err) || !strings.Contains(err.Error(), "it has 3 shards, this shard says 4") ||
		!strings.Contains(err.Error(), "poisson 6/s") {
		t.Errorf("mismatched shard: %v", err)
	}
	first, err := s.AgreeStart(ctx, "f1", now.Add(5*time.Second))
	if err != nil || !first.Equal(now.Add(5*time.Second)) {
		t.Fatalf("agree: %s %v", first, err)
	}
	if second, _ := s.AgreeStart(ctx, "f1", now.Add(9*time.Second)); !second.Equal(first) {
		t.Errorf("a later proposal moved the start to %s", second)
	}
	lines := []AttemptLine{}
	for i := int64(0); i < 3*attemptBatch/2; i++ {
		b, _ := json.Marshal(runrecord.Attempt{Seq: i, TaskID: "t", Phase: runrecord.PhaseMeasure, OK: true})
		lines = append(lines, AttemptLine{Seq: i, JSON: b})
	}
	if err := s.UpdateShard(ctx, "f1", 0, ShardUpdate{State: runrecord.ShardRunning, Attempts: lines[:10]}, now.Add(6*time.Second)); err != nil {
		t.Fatal(err)
	}
	// Lines already stored are kept, not duplicated.
	if err := s.UpdateShard(ctx, "f1", 0, ShardUpdate{State: runrecord.ShardDone, Run: &runrecord.Run{ID: "r0"}, Attempts: lines}, now.Add(9*time.Second)); err != nil {
		t.Fatal(err)
	}
	f, shards, err := s.Fleet(ctx, "f1")
	if err != nil {
		t.Fatal(err)
	}
	if !f.Start.Equal(first) || len(shards) != 3 || shards[0].State != runrecord.ShardDone || shards[0].Run == nil || shards[0].Run.ID != "r0" ||
		!shards[0].Seen.Equal(now.Add(9*time.Second)) || shards[1].Run != nil || shards[2].Host != "node-c" {
		t.Errorf("fleet %+v shards %+v", f, shards)
	}
	var n int64
	if err := s.FleetAttempts(ctx, "f1", 0, func(a *runrecord.Attempt) error {
		if a.Seq != n {
			t.Errorf("attempt %d read as %d", n, a.Seq)
		}
		n++
		return nil
	}); err != nil || n != int64(len(lines)) {
		t.Errorf("read %d attempts (%v), want %d", n, err, len(lines))
	}
	if _, _, err := s.Fleet(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown fleet: %v", err)
	}
}

func TestFleetSQLite(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	exerciseFleet(t, s)
}

func TestFleetPostgres(t *testing.T) {
	s, err := Open(context.Background(), startPostgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	exerciseFleet(t, s)
}
