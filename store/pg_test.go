package store

import (
	"testing"

	"github.com/tcobench/tcobench/internal/pgtest"
)

// startPostgres starts a throw-away PostgreSQL server for the test (see pgtest.Start).
func startPostgres(t *testing.T) string { return pgtest.Start(t) }
