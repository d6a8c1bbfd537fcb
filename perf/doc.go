// Package perf is tcobench's self-benchmark: it measures how far the load
// engine (package load) is from the practical limit of a minimal Go client
// that only reads the stream, against the zero-work server of package
// fakeserver running as a child process. The figures (stream ingestion,
// schedule fidelity, timing error, memory per stream and over a long
// run, collector cost,
// report and compare time) are printed, never asserted; see
// docs/performance.md and `make bench`.
package perf
