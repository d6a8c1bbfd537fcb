package runrecord

// Sample is one telemetry reading, a line of telemetry.jsonl.
type Sample struct {
	// TNS is the reading's time on the run clock (ns from the run's start).
	TNS int64 `json:"t_ns"`
	// Collector is the collector's registered name ("nvml", "host", "server", ...).
	Collector string `json:"collector"`
	// Metric is the series name with its unit ("power_w", "energy_mj", "gpu_util_pct").
	Metric string `json:"metric"`
	// Labels identify the source (for example {"gpu": "0"}).
	Labels map[string]string `json:"labels,omitempty"`
	Value  float64           `json:"value"`
}
