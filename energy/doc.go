// Package energy turns a run's telemetry into its energy accounting
// (record.Energy): GPU energy from the cumulative counter over the
// measurement window, the power integral as a cross-check, an idle
// baseline, per-request shares, fleet and marginal intensities, and the
// GPU, node and facility boundaries. Account is a pure function.
package energy
