package runrecord

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SLO is one service-level objective used for goodput: a latency metric
// (one of SLOMetrics) and the highest acceptable value.
type SLO struct {
	Metric string   `json:"metric"`
	Max    Duration `json:"max"`
}

// SLOMetrics are the latency metrics an SLO may bound: from the actual send
// (ttft, tpot, itl, e2e, task_latency) and from the scheduled send time
// (the _sched forms, which include any queueing before the send).
var SLOMetrics = []string{MetricTTFT, MetricTPOT, MetricITL, MetricE2E, MetricTaskLatency,
	MetricTTFTSched, MetricE2ESched, MetricTaskLatencySched}

// CheckSLOMetric says whether metric can be bounded by an SLO.
func CheckSLOMetric(metric string) error {
	if slices.Contains(SLOMetrics, metric) {
		return nil
	}
	return fmt.Errorf("unknown SLO metric %q (want one of %s)", metric, strings.Join(SLOMetrics, ", "))
}

// NewSLO checks an SLO: a known metric and a positive bound.
func NewSLO(metric string, max time.Duration) (SLO, error) {
	if err := CheckSLOMetric(metric); err != nil {
		return SLO{}, err
	}
	if max <= 0 {
		return SLO{}, fmt.Errorf("SLO %s=%s: want a positive duration such as 500ms", metric, max)
	}
	return SLO{Metric: metric, Max: Duration(max)}, nil
}

// ParseSLOs reads "ttft=500ms,tpot=50ms" (metric=duration, comma-separated).
func ParseSLOs(s string) ([]SLO, error) {
	var out []SLO
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, val, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q: want metric=duration, e.g. ttft=500ms", part)
		}
		d, err := time.ParseDuration(strings.TrimSpace(val))
		if err != nil {
			return nil, fmt.Errorf("%q: want a positive duration such as 500ms", part)
		}
		slo, err := NewSLO(strings.TrimSpace(k), d)
		if err != nil {
			return nil, err
		}
		out = append(out, slo)
	}
	return out, nil
}

// String writes the SLO as ParseSLOs reads it ("ttft=500ms").
func (s SLO) String() string { return s.Metric + "=" + s.Max.String() }
