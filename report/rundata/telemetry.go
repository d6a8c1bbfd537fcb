package rundata

import (
	"sort"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Series is one telemetry time series: a metric from one source.
type Series struct {
	// Metric is the sample's metric name ("power_w"); Key names the source
	// (collector and labels, "nvml gpu=0").
	Metric string
	Key    string
	// T holds seconds from the run's start; V the values.
	T []float64
	V []float64
}

// Series returns the telemetry series of a metric, one per source, sorted by key.
func (d *Data) Series(metric string) []Series {
	by := map[string]*Series{}
	for _, s := range d.Telemetry {
		if s.Metric != metric {
			continue
		}
		k := seriesKey(s)
		se := by[k]
		if se == nil {
			se = &Series{Metric: metric, Key: k}
			by[k] = se
		}
		se.T = append(se.T, float64(s.TNS)/1e9)
		se.V = append(se.V, s.Value)
	}
	out := make([]Series, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Metrics lists the telemetry metric names present, sorted.
func (d *Data) Metrics() []string {
	seen := map[string]bool{}
	for _, s := range d.Telemetry {
		seen[s.Metric] = true
	}
	out := make([]string, 0, len(seen))
	for m := range seen {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

func seriesKey(s runrecord.Sample) string {
	keys := make([]string, 0, len(s.Labels))
	for k := range s.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(s.Collector)
	for _, k := range keys {
		b.WriteString(" " + k + "=" + s.Labels[k])
	}
	return b.String()
}

// EnergyJ returns the energy used during the measurement window, in joules,
// summed over sources, and how it was obtained: from an energy counter
// ("energy_mj", the difference across the window) or by integrating power
// ("power_w"). ok is false when the run has neither.
func (d *Data) EnergyJ() (j float64, how string, ok bool) {
	w := d.Window()
	if ss := d.Series("energy_mj"); len(ss) > 0 {
		for _, s := range ss {
			first, last, n := windowEnds(s, w)
			if n >= 2 {
				j += (last - first) / 1000
				ok = true
			}
		}
		if ok {
			return j, "energy counter (energy_mj)", true
		}
	}
	m := d.PowerMetric()
	for _, s := range d.Series(m) {
		if e, n := integrate(s, w); n >= 2 {
			j += e
			ok = true
		}
	}
	if ok {
		return j, "integrated power (" + m + ")", true
	}
	return 0, "", false
}

// PowerMetrics are the telemetry power series, most preferred first.
var PowerMetrics = []string{"power_avg1s_w", "power_instant_w", "power_w"}

// PowerMetric returns the first power metric the run has, or "" when none.
func (d *Data) PowerMetric() string {
	have := map[string]bool{}
	for _, m := range d.Metrics() {
		have[m] = true
	}
	for _, m := range PowerMetrics {
		if have[m] {
			return m
		}
	}
	return ""
}

// UtilMetrics returns the utilisation metrics the run has (names ending in "util_pct").
func (d *Data) UtilMetrics() []string {
	var out []string
	for _, m := range d.Metrics() {
		if strings.HasSuffix(m, "util_pct") {
			out = append(out, m)
		}
	}
	return out
}

func inWindow(t float64, w runrecord.Window) bool {
	return t >= float64(w.StartNS)/1e9 && t <= float64(w.EndNS)/1e9
}

func windowEnds(s Series, w runrecord.Window) (first, last float64, n int) {
	for i, t := range s.T {
		if !inWindow(t, w) {
			continue
		}
		if n == 0 {
			first = s.V[i]
		}
		last = s.V[i]
		n++
	}
	return first, last, n
}

func integrate(s Series, w runrecord.Window) (e float64, n int) {
	pt, pv := 0.0, 0.0
	for i, t := range s.T {
		if !inWindow(t, w) {
			continue
		}
		if n > 0 {
			e += (t - pt) * (s.V[i] + pv) / 2
		}
		pt, pv = t, s.V[i]
		n++
	}
	return e, n
}
