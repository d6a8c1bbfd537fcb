// Package fleet runs one benchmark as shards on a cluster's own scheduler
// (Slurm job arrays, Kubernetes Indexed Jobs) and merges the shards into
// one result.
//
// A shard is one `tcobench run` with a fleet ID and its index (Settings:
// --fleet, --shard i/N or the scheduler's own index). Shards meet in the
// results store: the first to join creates the fleet, every shard waits
// there until all N have joined (or Settings.Wait has passed), and they
// start at one agreed time. A fleet is split by node (each shard drives
// its node-local server with the whole workload and reads its own GPUs)
// or by schedule (each shard sends arrivals i with i mod N = its index of
// one seeded open-loop schedule to a shared endpoint, so that the shards
// together send exactly the single-process schedule).
//
// While it runs a shard streams its raw attempts into the store each beat
// and says it is alive; at its end it stores its run record and its state.
// Merge reads every shard's attempts back and computes one run over all of
// them: exact percentiles from every raw sample, throughput over the
// fleet's window, energy summed over the nodes that measured it, a
// per-shard table, and the result marked partial, naming the shard, when a
// shard is missing, failed, was lost (killed) or is still running.
//
// WriteSlurm and WriteK8s write what the cluster runs: a job-array script
// with one shard per task, and an Indexed Job manifest.
package fleet
