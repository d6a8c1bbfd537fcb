package runrecord

// Approx says how a distribution's percentiles were approximated.
type Approx struct {
	// Method: "log_histogram", a log-bucketed histogram whose percentiles are
	// within RelErr (relative) of the exact ones.
	Method string `json:"method"`
	// ExactCap is how many samples are kept exactly before switching.
	ExactCap int `json:"exact_cap"`
	// RelErr bounds each percentile's relative error (0.001 is 0.1 %).
	RelErr float64 `json:"rel_err"`
}
