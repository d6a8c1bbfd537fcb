package server

import (
	"fmt"
	"io"
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

// Extract picks the series of spec out of fams, summing over label sets
// (several models or engines). A standard name none of whose metric names
// is present is missing from the result (and reported unsupported), never zero.
func Extract(fams map[string]*dto.MetricFamily, spec map[string][]string) map[string]float64 {
	out := map[string]float64{}
	for std, names := range spec {
		for _, n := range names {
			if v, ok := value(fams, n); ok {
				out[std] = v
				break
			}
		}
	}
	return out
}

// value is the sum over a family's series of the named metric; a name
// ending in _sum, _count or _total may also refer to a histogram's or
// summary's sum or count, or to a counter exposed without the suffix.
func value(fams map[string]*dto.MetricFamily, name string) (float64, bool) {
	if f, ok := fams[name]; ok {
		return sum(f, ""), true
	}
	for _, part := range []string{"_sum", "_count", "_total"} {
		if base, ok := strings.CutSuffix(name, part); ok {
			if f, ok := fams[base]; ok {
				return sum(f, part), true
			}
		}
	}
	return 0, false
}

func sum(f *dto.MetricFamily, part string) float64 {
	total := 0.0
	for _, m := range f.GetMetric() {
		switch {
		case m.Histogram != nil && part == "_count":
			total += float64(m.Histogram.GetSampleCount())
		case m.Histogram != nil:
			total += m.Histogram.GetSampleSum()
		case m.Summary != nil && part == "_count":
			total += float64(m.Summary.GetSampleCount())
		case m.Summary != nil:
			total += m.Summary.GetSampleSum()
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Untyped != nil:
			total += m.Untyped.GetValue()
		}
	}
	return total
}
