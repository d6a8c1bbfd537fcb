package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"
)

// ErrShardTaken is wrapped by JoinFleet's error when another process
// already joined the fleet under the same shard index.
var ErrShardTaken = errors.New("shard index already taken")

// FleetJoin is what a shard says about itself and its fleet when it joins.
type FleetJoin struct {
	// ID, Shards, Split and Nodes describe the fleet; the first shard to
	// join creates it and every later one must say the same.
	ID     string
	Shards int
	Split  string
	Nodes  int
	// Plan describes what every shard runs (workload, load, seed): a shard
	// whose plan differs from the fleet's is refused.
	Plan string
	// Wait is how long, from its creation, the fleet waits for all its
	// shards before it starts with those that came.
	Wait time.Duration
	// Shard and Host are the joining shard's index and host name.
	Shard int
	Host  string
}

// FleetRow is a stored fleet.
type FleetRow struct {
	ID                 string
	Shards, Nodes      int
	Split, Plan        string
	Created, WaitUntil time.Time
	// Start is the agreed start; zero until one was agreed.
	Start time.Time
}

// ShardRow is a stored shard of a fleet.
type ShardRow struct {
	Shard            int
	Host, State, Err string
	Joined, Seen     time.Time
	// Run is the shard's run record once it stored one (nil before).
	Run *runrecord.Run
}

// JoinFleet registers a shard, creating the fleet when it is the first.
// A shard whose fleet settings or plan differ from the fleet's, or whose
// index another shard holds (ErrShardTaken), is refused as bad input.
func (s *Store) JoinFleet(ctx context.Context, j FleetJoin, now time.Time) (FleetRow, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return FleetRow{}, fmt.Errorf("join fleet %s: %w", j.ID, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO fleets (id, shards, split, nodes, plan, created_unix_ns, wait_unix_ns) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		j.ID, j.Shards, j.Split, j.Nodes, j.Plan, now.UnixNano(), now.Add(j.Wait).UnixNano()); err != nil {
		return FleetRow{}, fmt.Errorf("join fleet %s: %w", j.ID, err)
	}
	f, err := scanFleet(tx.QueryRowContext(ctx, s.q(`SELECT `+fleetCols+` FROM fleets WHERE id = ?`), j.ID))
	if err != nil {
		return f, fmt.Errorf("join fleet %s: %w", j.ID, err)
	}
	if err := f.agrees(j); err != nil {
		return f, err
	}
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO fleet_shards (fleet_id, shard, host, state, error, joined_unix_ns, seen_unix_ns, run_json) VALUES (?, ?, ?, ?, '', ?, ?, '') ON CONFLICT (fleet_id, shard) DO NOTHING`),
		j.ID, j.Shard, j.Host, runrecord.ShardJoined, now.UnixNano(), now.UnixNano())
	if err != nil {
		return f, fmt.Errorf("join fleet %s: %w", j.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var host string
		var joined int64
		_ = tx.QueryRowContext(ctx, s.q(`SELECT host, joined_unix_ns FROM fleet_shards WHERE fleet_id = ? AND shard = ?`), j.ID, j.Shard).Scan(&host, &joined)
		return f, badinput.Wrap(fmt.Errorf("fleet %s: shard %d already joined from host %q at %s: every shard needs its own index (0 to %d): %w",
			j.ID, j.Shard, host, time.Unix(0, joined).UTC().Format(time.RFC3339), f.Shards-1, ErrShardTaken))
	}
	return f, tx.Commit()
}

// agrees checks that a joining shard describes the fleet as it was created.
func (f FleetRow) agrees(j FleetJoin) error {
	var diff []string
	if f.Shards != j.Shards {
		diff = append(diff, fmt.Sprintf("it has %d shards, this shard says %d", f.Shards, j.Shards))
	}
	if f.Split != j.Split {
		diff = append(diff, fmt.Sprintf("it is split by %s, this shard says by %s", f.Split, j.Split))
	}
	if f.Nodes != j.Nodes {
		diff = append(diff, fmt.Sprintf("it is priced on %d nodes, this shard says %d", f.Nodes, j.Nodes))
	}
	if f.Plan != j.Plan {
		diff = append(diff, fmt.Sprintf("its shards run %s, this shard %s", f.Plan, j.Plan))
	}
	if len(diff) > 0 {
		return badinput.Errorf("fleet %s: %s (a fleet ID names one fleet run: give every shard the same settings, and a new ID to a new run)", f.ID, strings.Join(diff, "; "))
	}
	return nil
}

const fleetCols = `id, shards, split, nodes, plan, created_unix_ns, wait_unix_ns, start_unix_ns`

func scanFleet(sc interface{ Scan(...any) error }) (FleetRow, error) {
	var f FleetRow
	var created, wait int64
	var start sql.NullInt64
	if err := sc.Scan(&f.ID, &f.Shards, &f.Split, &f.Nodes, &f.Plan, &created, &wait, &start); err != nil {
		return f, err
	}
	f.Created, f.WaitUntil = time.Unix(0, created), time.Unix(0, wait)
	if start.Valid {
		f.Start = time.Unix(0, start.Int64)
	}
	return f, nil
}

// Fleet returns a stored fleet and its shards, in index order
// (ErrNotFound when no shard ever joined it).
func (s *Store) Fleet(ctx context.Context, id string) (FleetRow, []ShardRow, error) {
	f, err := scanFleet(s.db.QueryRowContext(ctx, s.q(`SELECT `+fleetCols+` FROM fleets WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil, fmt.Errorf("fleet %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return f, nil, fmt.Errorf("fleet %s: %w", id, err)
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT shard, host, state, error, joined_unix_ns, seen_unix_ns, run_json FROM fleet_shards WHERE fleet_id = ? ORDER BY shard`), id)
	if err != nil {
		return f, nil, fmt.Errorf("fleet %s: %w", id, err)
	}
	defer rows.Close()
	var out []ShardRow
	for rows.Next() {
		var r ShardRow
		var joined, seen int64
		var rj string
		if err := rows.Scan(&r.Shard, &r.Host, &r.State, &r.Err, &joined, &seen, &rj); err != nil {
			return f, nil, fmt.Errorf("fleet %s: %w", id, err)
		}
		r.Joined, r.Seen = time.Unix(0, joined), time.Unix(0, seen)
		if rj != "" {
			r.Run = new(runrecord.Run)
			if err := json.Unmarshal([]byte(rj), r.Run); err != nil {
				return f, nil, fmt.Errorf("fleet %s: shard %d's run record: %w", id, r.Shard, err)
			}
		}
		out = append(out, r)
	}
	return f, out, rows.Err()
}

// AgreeStart proposes start as the fleet's start and returns the start
// agreed: the first proposal stored wins.
func (s *Store) AgreeStart(ctx context.Context, id string, start time.Time) (time.Time, error) {
	if _, err := s.db.ExecContext(ctx, s.q(`UPDATE fleets SET start_unix_ns = ? WHERE id = ? AND start_unix_ns IS NULL`), start.UnixNano(), id); err != nil {
		return time.Time{}, fmt.Errorf("fleet %s: agree a start: %w", id, err)
	}
	var at sql.NullInt64
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT start_unix_ns FROM fleets WHERE id = ?`), id).Scan(&at); err != nil || !at.Valid {
		return time.Time{}, fmt.Errorf("fleet %s: read the agreed start: %w", id, errors.Join(err, sql.ErrNoRows))
	}
	return time.Unix(0, at.Int64), nil
}

// ShardUpdate is a change of a shard's row; empty fields are kept.
type ShardUpdate struct {
	State, Err string
	// Run is the shard's run record (stored as JSON), when it has one.
	Run *runrecord.Run
	// Attempts are requests.jsonl lines to add, by sequence number; a line
	// stored before is kept.
	Attempts []AttemptLine
}

// AttemptLine is one attempt as its requests.jsonl line.
type AttemptLine struct {
	Seq  int64
	JSON []byte
}

// UpdateShard stores a shard's new attempts and state and marks it seen at now.
func (s *Store) UpdateShard(ctx context.Context, id string, shard int, u ShardUpdate, now time.Time) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fleet %s shard %d: %w", id, shard, err)
	}
	defer tx.Rollback()
	if err := s.insertAttempts(ctx, tx, id, shard, u.Attempts); err != nil {
		return fmt.Errorf("fleet %s shard %d: store attempts: %w", id, shard, err)
	}
	set, args := []string{"seen_unix_ns = ?"}, []any{now.UnixNano()}
	if u.State != "" {
		set, args = append(set, "state = ?", "error = ?"), append(args, u.State, u.Err)
	}
	if u.Run != nil {
		b, err := json.Marshal(u.Run)
		if err != nil {
			return fmt.Errorf("fleet %s shard %d: %w", id, shard, err)
		}
		set, args = append(set, "run_json = ?"), append(args, string(b))
	}
	args = append(args, id, shard)
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE fleet_shards SET `+strings.Join(set, ", ")+` WHERE fleet_id = ? AND shard = ?`), args...); err != nil {
		return fmt.Errorf("fleet %s shard %d: %w", id, shard, err)
	}
	return tx.Commit()
}

// attemptBatch bounds the rows of one INSERT (PostgreSQL takes at most
// 65535 parameters, SQLite 32766).
const attemptBatch = 500

func (s *Store) insertAttempts(ctx context.Context, tx *sql.Tx, id string, shard int, lines []AttemptLine) error {
	for len(lines) > 0 {
		n := min(len(lines), attemptBatch)
		var b strings.Builder
		b.WriteString(`INSERT INTO fleet_attempts (fleet_id, shard, seq, attempt) VALUES `)
		args := make([]any, 0, 4*n)
		for i, l := range lines[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?)")
			args = append(args, id, shard, l.Seq, string(l.JSON))
		}
		b.WriteString(` ON CONFLICT (fleet_id, shard, seq) DO NOTHING`)
		if _, err := tx.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return err
		}
		lines = lines[n:]
	}
	return nil
}

// FleetAttempts calls fn with each stored attempt of one shard, in sequence order.
func (s *Store) FleetAttempts(ctx context.Context, id string, shard int, fn func(a *runrecord.Attempt) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT seq, attempt FROM fleet_attempts WHERE fleet_id = ? AND shard = ? ORDER BY seq`), id, shard)
	if err != nil {
		return fmt.Errorf("fleet %s shard %d: attempts: %w", id, shard, err)
	}
	defer rows.Close()
	var a runrecord.Attempt
	for rows.Next() {
		var seq int64
		var line []byte
		if err := rows.Scan(&seq, &line); err != nil {
			return fmt.Errorf("fleet %s shard %d: attempts: %w", id, shard, err)
		}
		if err := runrecord.UnmarshalAttempt(line, &a); err != nil {
			return fmt.Errorf("fleet %s shard %d: attempt %d: %w", id, shard, seq, err)
		}
		if err := fn(&a); err != nil {
			return err
		}
	}
	return rows.Err()
}

// ClaimMerge reports whether the caller is the first to claim the fleet's
// merge (the last shard to finish merges it; a later claim is refused).
func (s *Store) ClaimMerge(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE fleets SET merged_unix_ns = ? WHERE id = ? AND merged_unix_ns IS NULL`), now.UnixNano(), id)
	if err != nil {
		return false, fmt.Errorf("fleet %s: claim the merge: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
