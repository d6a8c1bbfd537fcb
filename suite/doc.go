// Package suite reads suite files (a list of runs: workloads × targets × load
// points, with hardware, site and prices), validates them, expands them into
// run specs, and executes them in order into one suite directory that a
// combined report is written from.
package suite
