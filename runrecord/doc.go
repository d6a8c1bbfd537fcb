// Package runrecord defines the run record: the directory a benchmark run writes
// and every later step (reports, costs, comparisons, the results store) reads.
//
// A run directory holds:
//
//	run.json         the Run: versioned schema, resolved configuration, environment,
//	                 summary figures, energy, collector health, cost (when priced)
//	requests.jsonl   one Attempt per line, appended as attempts finish, failed ones too
//	telemetry.jsonl  one Sample per line from the collectors (when any ran)
//
// Every figure that is derived later (percentiles, energy per token, cost per
// task) is a function of these files, so an old run can be re-reported or
// re-priced without running it again.
package runrecord
