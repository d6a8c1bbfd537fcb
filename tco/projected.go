package tco

import "github.com/tcobench/tcobench/runrecord"

// ProjectedThroughput is a node's throughput projected by the performance
// model, replacing the run's measured one (Options.Projected). Each figure
// should carry provenance runrecord.Projected and say how it was obtained.
type ProjectedThroughput struct {
	TasksPerS        runrecord.Figure
	RequestsPerS     runrecord.Figure
	TokensPerS       runrecord.Figure // input + output
	OutputTokensPerS runrecord.Figure
	// Note says, in plain words, what was projected from what.
	Note string
}

// applyProjected replaces the throughput of the run figures.
func applyProjected(rf *runrecord.RunFigures, pt *ProjectedThroughput) {
	rf.TasksPerS, rf.RequestsPerS = pt.TasksPerS, pt.RequestsPerS
	rf.TokensPerS, rf.OutputTokensPerS = pt.TokensPerS, pt.OutputTokensPerS
}

// throughputProvenance is measured unless the throughput was projected.
func (p params) throughputProvenance() runrecord.Provenance {
	if p.throughputProv == "" {
		return runrecord.Measured
	}
	return p.throughputProv
}
