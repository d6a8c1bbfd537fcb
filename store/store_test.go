package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tcobench/tcobench/report/rundata/rundatatest"
)

// exercise runs the same sequence on a store and returns what it read back.
func exercise(t *testing.T, s *Store, runsDir string) map[string]any {
	t.Helper()
	ctx := context.Background()
	day := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	for i := 0; i < 4; i++ {
		dir := filepath.Join(runsDir, "n"+string(rune('0'+i)))
		run := rundatatest.Write(t, dir, rundatatest.Options{ID: "night-" + string(rune('0'+i)), Seed: uint64(i), Slowdown: 1 + 0.1*float64(i),
			Started: day.Add(time.Duration(i) * 24 * time.Hour), Telemetry: i%2 == 0})
		if err := s.SaveRun(ctx, dir, run); err != nil {
			t.Fatal(err)
		}
		if i < 3 {
			if err := s.SetPassed(ctx, run.ID, i != 2); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := filepath.Join(runsDir, "other")
	rundatatest.Write(t, other, rundatatest.Options{ID: "email-1", Workload: "email-draft", Started: day})
	if err := s.SaveRun(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	// Saving again replaces, never duplicates.
	if err := s.SaveRun(ctx, other, nil); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	all, err := s.Runs(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	out["runs"] = all
	hist, err := s.History(ctx, Filter{Workload: "tier1-support-ticket", Figures: []string{"ttft_p99", "output_tok_s", "j_per_token"}})
	if err != nil {
		t.Fatal(err)
	}
	out["history"] = hist
	series := ""
	for _, r := range all {
		if r.ID == "night-0" {
			series = r.Series
		}
	}
	lg, err := s.LastGood(ctx, Filter{Series: series})
	if err != nil {
		t.Fatal(err)
	}
	out["lastgood"] = lg
	if _, err := s.LastGood(ctx, Filter{Workload: "email-draft"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("last good of a never-judged workload: %v", err)
	}
	if err := s.SetPassed(ctx, "nope", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("mark unknown run: %v", err)
	}
	latest, err := s.Runs(ctx, Filter{Workload: "tier1-support-ticket", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	out["latest2"] = latest
	for i := range all {
		all[i].Dir = filepath.Base(all[i].Dir)
	}
	lg.Dir = filepath.Base(lg.Dir)
	out["lastgood"] = lg
	for i := range latest {
		latest[i].Dir = filepath.Base(latest[i].Dir)
	}
	return out
}

func check(t *testing.T, got map[string]any) {
	t.Helper()
	if n := len(got["runs"].([]RunRow)); n != 5 {
		t.Errorf("%d runs stored, want 5", n)
	}
	if lg := got["lastgood"].(RunRow); lg.ID != "night-1" {
		t.Errorf("last good is %s, want night-1 (night-2 failed, night-3 not judged)", lg.ID)
	}
	h := got["history"].([]Point)
	if len(h) != 4*2+2 { // ttft and throughput on 4 runs, energy on the 2 with telemetry
		t.Errorf("%d history points, want 10", len(h))
	}
	if l := got["latest2"].([]RunRow); len(l) != 2 || l[1].ID != "night-3" {
		t.Errorf("latest 2: %+v", l)
	}
}

func TestSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "results.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check(t, exercise(t, s, t.TempDir()))
	// Re-open: migrations are not applied twice.
	s2, err := Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
}

func TestSQLiteAndPostgresAgree(t *testing.T) {
	dsn := startPostgres(t)
	ctx := context.Background()
	pg, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	if pg.Kind() != KindPostgres {
		t.Fatalf("kind %s", pg.Kind())
	}
	lite, err := Open(ctx, filepath.Join(t.TempDir(), "r.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	runs := t.TempDir()
	a, b := exercise(t, lite, runs), exercise(t, pg, runs)
	check(t, b)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("SQLite and PostgreSQL disagree:\nsqlite   %+v\npostgres %+v", a, b)
	}
	// Open again: the schema is current, nothing re-applied.
	pg2, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	pg2.Close()
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_DATA_HOME", "/x/data")
	if p, _ := DefaultPath(); p != "/x/data/tcobench/results.db" {
		t.Errorf("default path %s", p)
	}
	if got := redact("postgres://u:secret@h:5432/db"); got != "postgres://u:***@h:5432/db" {
		t.Errorf("redact: %s", got)
	}
}

// Processes opening one new SQLite store at once (a fleet's shards on one
// node) all get it: one creates the schema, the others wait for it.
func TestConcurrentOpenOfANewSQLiteStore(t *testing.T) {
	for round := 0; round < 10; round++ {
		path := filepath.Join(t.TempDir(), "results.db")
		errs := make(chan error, 6)
		for i := 0; i < cap(errs); i++ {
			go func() {
				s, err := Open(context.Background(), "sqlite://"+path)
				if err == nil {
					err = s.Close()
				}
				errs <- err
			}()
		}
		for i := 0; i < cap(errs); i++ {
			if err := <-errs; err != nil {
				t.Errorf("round %d: %v", round, err)
			}
		}
	}
}
