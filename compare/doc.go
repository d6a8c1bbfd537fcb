// Package compare is the regression gate: it compares a candidate run with a
// baseline, figure by figure, from the raw per-request samples (a bootstrap
// interval of the difference, with a fixed seed), and decides against
// per-figure thresholds whether the candidate regressed.
//
// Exit semantics (see Result.ExitCode): 0 nothing regressed, 1 a gated figure
// is significantly worse than its threshold allows, 2 the inputs cannot be
// compared (an *UnusableError: different workloads, missing figures).
package compare
