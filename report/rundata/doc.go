// Package rundata loads a run directory (run.json, requests.jsonl,
// telemetry.jsonl) and derives what reports, comparisons and the results store
// read from it: per-request latency samples, telemetry series and the headline
// figures, each with its unit and provenance.
package rundata
