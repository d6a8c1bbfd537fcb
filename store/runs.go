package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tcobench/tcobench/report/rundata"
	"github.com/tcobench/tcobench/runrecord"
)

// RunRow is a stored run.
type RunRow struct {
	// Series identifies runs that are comparable over time (see SeriesKey).
	ID, Dir, Name, Workload, Target, Model, Series, Backend, ServerVersion string
	StartedAt                                                              time.Time
	Partial                                                                bool
	// Passed is nil when no gate has judged the run.
	Passed *bool
}

// Point is one figure of one stored run: a point of a trend.
type Point struct {
	RunID      string
	StartedAt  time.Time
	Workload   string
	Target     string
	Model      string
	Passed     *bool
	Figure     string
	Value      float64
	Unit       string
	Provenance string
}

// Filter selects stored runs. Empty fields match everything.
type Filter struct {
	Workload, Target, Series string
	// Figures names the figures of History (all when empty).
	Figures []string
	// Limit keeps the latest Limit runs (0: all).
	Limit int
}

// SaveRun stores a run and its figures (computed from the run directory),
// replacing an earlier save of the same run ID. run may be nil to read dir/run.json.
func (s *Store) SaveRun(ctx context.Context, dir string, run *runrecord.Run) error {
	d, err := rundata.FromRun(dir, run)
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	run = d.Run
	if run.ID == "" {
		return fmt.Errorf("save run %s: the run has no ID", dir)
	}
	rj, err := json.Marshal(run)
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save run: %w", err)
	}
	defer tx.Rollback()
	workload := run.Config.Workload
	if workload == "" {
		workload = run.Workload.Name
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO runs (id, dir, name, workload, target, model, series, backend, server_version, started_at, started_unix_ms, partial, passed, run_json, saved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
		ON CONFLICT (id) DO UPDATE SET dir = excluded.dir, name = excluded.name, workload = excluded.workload, target = excluded.target,
		model = excluded.model, series = excluded.series, backend = excluded.backend, server_version = excluded.server_version, started_at = excluded.started_at,
		started_unix_ms = excluded.started_unix_ms, partial = excluded.partial, run_json = excluded.run_json, saved_at = excluded.saved_at`),
		run.ID, abs, run.Name, workload, run.Config.Target, run.Config.Model, SeriesKey(run), run.Config.Backend, run.Environment.Server.Version,
		run.StartedAt.UTC().Format(time.RFC3339Nano), run.StartedAt.UnixMilli(), b2i(run.Partial), string(rj), time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("save run %s: %w", run.ID, err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM figures WHERE run_id = ?`), run.ID); err != nil {
		return fmt.Errorf("save run %s: %w", run.ID, err)
	}
	for _, f := range d.Figures() {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO figures (run_id, name, value, unit, provenance) VALUES (?, ?, ?, ?, ?)`),
			run.ID, f.Name, f.Value, f.Unit, f.Provenance); err != nil {
			return fmt.Errorf("save run %s: figure %s: %w", run.ID, f.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save run %s: %w", run.ID, err)
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SetPassed records whether a stored run passed the regression gate.
func (s *Store) SetPassed(ctx context.Context, runID string, passed bool) error {
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE runs SET passed = ? WHERE id = ?`), b2i(passed), runID)
	if err != nil {
		return fmt.Errorf("mark run %s: %w", runID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("mark run %s: %w", runID, ErrNotFound)
	}
	return nil
}

const runCols = `id, dir, name, workload, target, model, series, backend, server_version, started_at, partial, passed`

func scanRun(sc interface{ Scan(...any) error }) (RunRow, error) {
	var r RunRow
	var started string
	var partial int
	var passed sql.NullInt64
	if err := sc.Scan(&r.ID, &r.Dir, &r.Name, &r.Workload, &r.Target, &r.Model, &r.Series, &r.Backend, &r.ServerVersion, &started, &partial, &passed); err != nil {
		return r, err
	}
	t, err := time.Parse(time.RFC3339Nano, started)
	if err != nil {
		return r, fmt.Errorf("stored run %s: start time %q: %w", r.ID, started, err)
	}
	r.StartedAt = t
	r.Partial = partial != 0
	if passed.Valid {
		p := passed.Int64 != 0
		r.Passed = &p
	}
	return r, nil
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	if f.Workload != "" {
		conds, args = append(conds, "workload = ?"), append(args, f.Workload)
	}
	if f.Target != "" {
		conds, args = append(conds, "target = ?"), append(args, f.Target)
	}
	if f.Series != "" {
		conds, args = append(conds, "series = ?"), append(args, f.Series)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Runs lists stored runs matching f, oldest first.
func (s *Store) Runs(ctx context.Context, f Filter) ([]RunRow, error) {
	w, args := f.where()
	query := `SELECT ` + runCols + ` FROM runs` + w + ` ORDER BY started_unix_ms DESC, id DESC`
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []RunRow
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append([]RunRow{r}, out...)
	}
	return out, rows.Err()
}

// LastGood returns the latest stored run matching f (Figures and Limit
// ignored) that passed the gate and is not partial. Use Filter{Series:
// SeriesKey(run)} for the baseline of a run.
func (s *Store) LastGood(ctx context.Context, f Filter) (RunRow, error) {
	w, args := Filter{Workload: f.Workload, Target: f.Target, Series: f.Series}.where()
	if w == "" {
		w = " WHERE "
	} else {
		w += " AND "
	}
	row := s.db.QueryRowContext(ctx, s.q(`SELECT `+runCols+` FROM runs`+w+`passed = 1 AND partial = 0 ORDER BY started_unix_ms DESC, id DESC LIMIT 1`), args...)
	r, err := scanRun(row)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("last good run (%s): %w", f.describe(), ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("last good run: %w", err)
	}
	return r, nil
}

func (f Filter) describe() string {
	var p []string
	for _, x := range []struct{ k, v string }{{"workload", f.Workload}, {"target", f.Target}, {"series", f.Series}} {
		if x.v != "" {
			p = append(p, x.k+" "+strconv.Quote(x.v))
		}
	}
	if len(p) == 0 {
		return "any run"
	}
	return strings.Join(p, ", ")
}

// SeriesKey identifies the runs that a trend or a baseline compares: the
// same workload, target, model and load point.
func SeriesKey(run *runrecord.Run) string {
	c := run.Config
	w := c.Workload
	if w == "" {
		w = run.Workload.Name
	}
	return fmt.Sprintf("%s|%s|%s|%s c%d r%g", w, c.Target, c.Model, c.Load.Mode, c.Load.Concurrency, c.Load.RatePerS)
}

// History returns the chosen figures of the runs matching f, oldest run
// first, figures in name order within a run.
func (s *Store) History(ctx context.Context, f Filter) ([]Point, error) {
	runs, err := s.Runs(ctx, f)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range f.Figures {
		want[n] = true
	}
	var out []Point
	for _, r := range runs {
		rows, err := s.db.QueryContext(ctx, s.q(`SELECT name, value, unit, provenance FROM figures WHERE run_id = ? ORDER BY name`), r.ID)
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		for rows.Next() {
			p := Point{RunID: r.ID, StartedAt: r.StartedAt, Workload: r.Workload, Target: r.Target, Model: r.Model, Passed: r.Passed}
			if err := rows.Scan(&p.Figure, &p.Value, &p.Unit, &p.Provenance); err != nil {
				rows.Close()
				return nil, fmt.Errorf("history: %w", err)
			}
			if len(want) == 0 || want[p.Figure] {
				out = append(out, p)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
	}
	return out, nil
}
