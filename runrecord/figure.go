package runrecord

// Figure is one number a user sees, with where it came from. In the cost
// record the field holding it names its unit (usd_per_task) and Name, Label
// and Unit stay empty; the headline figures of a run (reports, compare, the
// results store) fill them.
type Figure struct {
	// Name is the stable identifier used by compare, the store and history ("ttft_p99").
	Name string `json:"name,omitempty"`
	// Label is for people ("TTFT p99").
	Label string  `json:"label,omitempty"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit,omitempty"`
	// Provenance says whether the figure was measured, configured, derived,
	// projected or assumed.
	Provenance Provenance `json:"provenance"`
	// Source says how the figure was obtained, in a few words (a profile
	// field, a run field, a formula).
	Source string `json:"source,omitempty"`
	// Sample names the per-request sample behind the figure, for significance tests.
	Sample string `json:"-"`
	// Quantile is the sample quantile (0..1) the figure is, or 0 for a mean or rate.
	Quantile float64 `json:"-"`
}
