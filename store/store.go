package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"modernc.org/sqlite"               // SQLite driver "sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Kinds of store.
const (
	KindSQLite   = "sqlite"
	KindPostgres = "postgres"
)

// Store is an open results store.
type Store struct {
	db   *sql.DB
	kind string
	// Where says where the store is, for people (a path, or the DSN without its password).
	Where string
}

// ErrNotFound is returned when no stored run matches.
var ErrNotFound = errors.New("no matching run in the store")

// DefaultPath is the default SQLite file: $XDG_DATA_HOME/tcobench/results.db,
// else ~/.local/share/tcobench/results.db.
func DefaultPath() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("results store: no home directory to put it in (give a store DSN): %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "tcobench", "results.db"), nil
}

// Open opens (creating and migrating when needed) the store named by dsn:
// "" for the default SQLite file, "postgres://..." or "postgresql://..." for
// PostgreSQL, "sqlite://PATH", "file:PATH" or a plain path for SQLite.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(dsn)
	if err != nil {
		return nil, err
	}
	if err := s.whileBusy(ctx, func() error {
		if err := s.db.PingContext(ctx); err != nil {
			return err
		}
		return s.migrate(ctx)
	}); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("results store %s: %w", s.Where, err)
	}
	return s, nil
}

// busyFor bounds how long opening a SQLite store retries while another
// process holds the new file's lock.
const busyFor = 10 * time.Second

// whileBusy runs f, again while SQLite answers SQLITE_BUSY (another process
// creating the same new store: switching it to WAL and creating the schema
// take locks that busy_timeout does not wait for), for at most busyFor.
func (s *Store) whileBusy(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(busyFor)
	for {
		err := f()
		var se *sqlite.Error
		if s.kind != KindSQLite || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func open(dsn string) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("results store: %w", err)
		}
		return &Store{db: db, kind: KindPostgres, Where: redact(dsn)}, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite://"), "file:")
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("results store: %w", err)
	}
	// Transactions take the write lock when they begin (_txlock=immediate),
	// waiting up to busy_timeout for it: a deferred one that read first
	// fails at once with SQLITE_BUSY when another process wrote meanwhile
	// (shards of a fleet opening one new store together).
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("results store: %w", err)
	}
	db.SetMaxOpenConns(1)
	return &Store{db: db, kind: KindSQLite, Where: path}, nil
}

func redact(dsn string) string {
	i, j := strings.Index(dsn, "://"), strings.LastIndex(dsn, "@")
	if i < 0 || j < i {
		return dsn
	}
	if k := strings.Index(dsn[i+3:j], ":"); k >= 0 {
		return dsn[:i+3+k] + ":***" + dsn[j:]
	}
	return dsn
}

// Kind is KindSQLite or KindPostgres.
func (s *Store) Kind() string { return s.kind }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// q rewrites ? placeholders as $1, $2... for PostgreSQL.
func (s *Store) q(query string) string {
	if s.kind != KindPostgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if s.kind == KindPostgres {
		// Shards of a fleet open a new store at once: one migrates, the others wait.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(8246917325)`); err != nil {
			return fmt.Errorf("lock the schema: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tcobench_schema (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("create schema table: %w", err)
	}
	var have sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(version) FROM tcobench_schema`).Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if int(have.Int64) > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this tcobench understands (%d)", have.Int64, len(migrations))
	}
	for v := int(have.Int64); v < len(migrations); v++ {
		for _, stmt := range migrations[v] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("migration %d: %w", v+1, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO tcobench_schema (version, applied_at) VALUES (?, ?)`), v+1, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	return tx.Commit()
}
