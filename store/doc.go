// Package store keeps run results for history and the regression gate:
// SQLite by default (pure Go, in the user's data directory), PostgreSQL with
// a postgres:// DSN. Both use one schema, migrated on Open, and the same
// database/sql code.
package store
