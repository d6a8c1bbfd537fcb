package record

// Energy is the energy accounting of a run. The collectors package fills it.
// Every figure says whether it was measured, configured or assumed
// (see Provenance).
type Energy struct {
	// Measured is false when no energy counter was read (no GPU, no driver);
	// Reason then says why, in plain words.
	Measured bool   `json:"measured"`
	Reason   string `json:"reason,omitempty"`
	// Fields below are defined by the collectors issue.
	Details map[string]any `json:"details,omitempty"`
}

// Provenance of a figure.
const (
	Measured   = "measured"
	Configured = "configured"
	Assumed    = "assumed"
)
