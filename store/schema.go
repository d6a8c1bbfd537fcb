package store

// migrations are applied in order; migration i brings the schema to version i+1.
// Each must run unchanged on SQLite and PostgreSQL.
var migrations = [][]string{
	{
		`CREATE TABLE runs (
			id              TEXT PRIMARY KEY,
			dir             TEXT NOT NULL,
			name            TEXT NOT NULL,
			workload        TEXT NOT NULL,
			target          TEXT NOT NULL,
			model           TEXT NOT NULL,
			series          TEXT NOT NULL,
			backend         TEXT NOT NULL,
			server_version  TEXT NOT NULL,
			started_at      TEXT NOT NULL,
			started_unix_ms BIGINT NOT NULL,
			partial         INTEGER NOT NULL,
			passed          INTEGER,
			run_json        TEXT NOT NULL,
			saved_at        TEXT NOT NULL
		)`,
		`CREATE INDEX runs_workload_target ON runs (workload, target, started_unix_ms)`,
		`CREATE INDEX runs_series ON runs (series, started_unix_ms)`,
		`CREATE TABLE figures (
			run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
			name       TEXT NOT NULL,
			value      DOUBLE PRECISION NOT NULL,
			unit       TEXT NOT NULL,
			provenance TEXT NOT NULL,
			PRIMARY KEY (run_id, name)
		)`,
	},
	{
		// A fleet run: its shards meet here (see package fleet).
		`CREATE TABLE fleets (
			id             TEXT PRIMARY KEY,
			shards         INTEGER NOT NULL,
			split          TEXT NOT NULL,
			nodes          INTEGER NOT NULL,
			plan           TEXT NOT NULL,
			created_unix_ns BIGINT NOT NULL,
			wait_unix_ns   BIGINT NOT NULL,
			start_unix_ns  BIGINT,
			merged_unix_ns BIGINT
		)`,
		`CREATE TABLE fleet_shards (
			fleet_id       TEXT NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
			shard          INTEGER NOT NULL,
			host           TEXT NOT NULL,
			state          TEXT NOT NULL,
			error          TEXT NOT NULL,
			joined_unix_ns BIGINT NOT NULL,
			seen_unix_ns   BIGINT NOT NULL,
			run_json       TEXT NOT NULL,
			PRIMARY KEY (fleet_id, shard)
		)`,
		`CREATE TABLE fleet_attempts (
			fleet_id TEXT NOT NULL REFERENCES fleets (id) ON DELETE CASCADE,
			shard    INTEGER NOT NULL,
			seq      BIGINT NOT NULL,
			attempt  TEXT NOT NULL,
			PRIMARY KEY (fleet_id, shard, seq)
		)`,
	},
}

// SchemaVersion is the schema version this build writes.
var SchemaVersion = len(migrations)
