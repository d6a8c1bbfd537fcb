// Package load is tcobench's load engine. It sends a workload plan to a
// model server exactly as scheduled (closed loop, open loop at constant,
// Poisson or gamma arrivals, or trace replay), executes multi-step tasks
// step by step with their carried context and delays, records every
// attempt on one monotonic run clock, and writes the run directory
// (requests.jsonl as attempts finish, run.json at the end). See Run.
package load
