package runrecord

// Throughput bases: at what load a node's cost is spread.
const (
	// BasisCapacity: the highest load meeting the SLOs (a sweep's best point
	// or a capacity search).
	BasisCapacity = "capacity"
	// BasisOfferedLoad: one run's achieved throughput at the load it was
	// offered, which is not the node's capacity.
	BasisOfferedLoad = "offered_load"
)

// ThroughputBasis says at what throughput a node's cost was spread.
type ThroughputBasis struct {
	// Basis is BasisCapacity or BasisOfferedLoad.
	Basis string `json:"basis"`
	// Label says it for people: "at capacity meeting the SLOs (sweep best
	// point: 4 tasks/s)", "at offered load, not capacity".
	Label string `json:"label"`
	// Source names the sweep or capacity search directory, when there was one.
	Source string `json:"source,omitempty"`
	// Saturated is false when the run plainly did not saturate the server
	// (Reason says how that shows); the cost per task is then an upper bound.
	Saturated bool   `json:"saturated"`
	Reason    string `json:"reason,omitempty"`
	// MeanInFlight is requests in flight on average (Little's law:
	// requests/s × mean end-to-end latency).
	MeanInFlight float64 `json:"mean_in_flight"`
}

// CapacityFile is a capacity search's record (the layout of sweep.json,
// with the search's bounds and tolerance).
const CapacityFile = "capacity.json"

// Capacity is capacity.json: the probes of a capacity search, in the order
// run, and the highest load that met the SLOs.
type Capacity struct {
	Sweep
	// Low and High bound the search; Tolerance is the relative width at
	// which it stopped (High−Low ≤ Tolerance × Low).
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
	Tolerance float64 `json:"tolerance"`
	// Converged is true when the bracket narrowed to the tolerance;
	// BracketLow and BracketHigh are its last ends (passing, failing).
	Converged   bool    `json:"converged"`
	BracketLow  float64 `json:"bracket_low"`
	BracketHigh float64 `json:"bracket_high"`
}

// WriteCapacity writes dir/capacity.json atomically.
func WriteCapacity(dir string, c *Capacity) error { return writeJSON(dir, CapacityFile, c) }

// ReadCapacity reads dir/capacity.json.
func ReadCapacity(dir string) (*Capacity, error) {
	var c Capacity
	if err := readJSON(dir, CapacityFile, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// The endings of the run's growing-latency warnings (load/metrics): the
// cost model reads them as "the server did not keep up", so a run that
// fell behind is never called unsaturated.
const (
	WarnQueuedBehind = "requests queued before being sent, the server did not keep up with the arrival rate"
	WarnOverloaded   = "the offered load exceeds what the server sustains"
)
