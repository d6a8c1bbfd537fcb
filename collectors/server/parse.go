package server

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Parse reads Prometheus text exposition.
func Parse(r io.Reader) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, fmt.Errorf("parse /metrics: %w", err)
	}
	return fams, nil
}

// DetectKind names the server kind from its metric names ("" when unknown).
func DetectKind(fams map[string]*dto.MetricFamily) string {
	for name := range fams {
		for _, p := range prefixes {
			if strings.HasPrefix(name, p.prefix) {
				return p.kind
			}
		}
	}
	return ""
}

// Extract picks the series of spec out of fams, combining each one's label
// sets (several models, data-parallel engines, ranks) as AggregationOf says:
// counters and gauges summed, ratios averaged (weighted by capacity where
// the server publishes it). A standard name none of whose metric names is
// present, or whose values are all NaN, is missing from the result (and
// reported unsupported), never zero.
func Extract(fams map[string]*dto.MetricFamily, spec map[string][]string) map[string]float64 {
	out := map[string]float64{}
	for std, names := range spec {
		agg := AggregationOf(std)
		for _, n := range names {
			if v, ok := value(fams, n, agg); ok {
				out[std] = v
				break
			}
		}
	}
	return out
}

// value combines a metric's samples; a name ending in _sum, _count or
// _total may also refer to a histogram's or summary's sum or count, or to a
// counter exposed without the suffix.
func value(fams map[string]*dto.MetricFamily, name string, agg Aggregation) (float64, bool) {
	f, part, ok := family(fams, name)
	if !ok {
		return 0, false
	}
	if agg == Ratio {
		var w *dto.MetricFamily
		if wn := weightOf(name); wn != "" {
			w = fams[wn]
		}
		return mean(f, part, w)
	}
	return sum(f, part)
}

func family(fams map[string]*dto.MetricFamily, name string) (*dto.MetricFamily, string, bool) {
	if f, ok := fams[name]; ok {
		return f, "", true
	}
	for _, part := range []string{"_sum", "_count", "_total"} {
		if base, ok := strings.CutSuffix(name, part); ok {
			if f, ok := fams[base]; ok {
				return f, part, true
			}
		}
	}
	return nil, "", false
}

// sample is one label set's value of a family (NaN when it has none).
func sample(m *dto.Metric, part string) float64 {
	switch {
	case m.Histogram != nil && part == "_count":
		return float64(m.Histogram.GetSampleCount())
	case m.Histogram != nil:
		return m.Histogram.GetSampleSum()
	case m.Summary != nil && part == "_count":
		return float64(m.Summary.GetSampleCount())
	case m.Summary != nil:
		return m.Summary.GetSampleSum()
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Untyped != nil:
		return m.Untyped.GetValue()
	}
	return math.NaN()
}

// sum adds the family's values, NaNs left out (false when all are NaN).
func sum(f *dto.MetricFamily, part string) (float64, bool) {
	total, n := 0.0, 0
	for _, m := range f.GetMetric() {
		if v := sample(m, part); !math.IsNaN(v) {
			total += v
			n++
		}
	}
	return total, n > 0 || len(f.GetMetric()) == 0
}

// mean averages the family's values, weighted by the weight family's
// value for the same label set when every label set has a positive one.
func mean(f *dto.MetricFamily, part string, weights *dto.MetricFamily) (float64, bool) {
	byLabels := map[string]float64{}
	for _, m := range weights.GetMetric() {
		byLabels[labelKey(m)] = sample(m, "")
	}
	var vs, ws []float64
	weighted := weights != nil
	for _, m := range f.GetMetric() {
		v := sample(m, part)
		if math.IsNaN(v) {
			continue
		}
		w, ok := byLabels[labelKey(m)]
		weighted = weighted && ok && w > 0 && !math.IsInf(w, 0)
		vs, ws = append(vs, v), append(ws, w)
	}
	if len(vs) == 0 {
		return 0, false
	}
	total, wsum := 0.0, 0.0
	for i, v := range vs {
		w := 1.0
		if weighted {
			w = ws[i]
		}
		total += w * v
		wsum += w
	}
	return total / wsum, true
}

// labelKey identifies a label set.
func labelKey(m *dto.Metric) string {
	ls := make([]string, 0, len(m.GetLabel()))
	for _, l := range m.GetLabel() {
		ls = append(ls, l.GetName()+"\xff"+l.GetValue())
	}
	sort.Strings(ls)
	return strings.Join(ls, "\xfe")
}
