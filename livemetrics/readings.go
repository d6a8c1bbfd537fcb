package livemetrics

import (
	"sort"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/tcobench/tcobench/collectors"
)

// readings is a prometheus.Collector of the collectors' latest readings.
type readings struct {
	mu     sync.Mutex
	run    map[string]string
	latest map[string]map[string]entry // family name -> series key -> entry
}

type entry struct {
	labels map[string]string
	value  float64
}

func newReadings(run map[string]string) *readings {
	return &readings{run: run, latest: map[string]map[string]entry{}}
}

// familyName is tcobench_<collector>_<metric> with characters Prometheus
// does not allow replaced by '_'.
func familyName(collector, metric string) string {
	var b strings.Builder
	for _, r := range Namespace + "_" + collector + "_" + metric {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if ok {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func (r *readings) set(x collectors.Reading) {
	name := familyName(x.Collector, x.Metric)
	key := seriesKey(x.Labels)
	r.mu.Lock()
	fam := r.latest[name]
	if fam == nil {
		fam = map[string]entry{}
		r.latest[name] = fam
	}
	fam[key] = entry{labels: x.Labels, value: x.Value}
	r.mu.Unlock()
}

func seriesKey(l map[string]string) string {
	keys := make([]string, 0, len(l))
	for k := range l {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k + "=" + l[k] + "\xff")
	}
	return b.String()
}

// Describe sends nothing: the families are only known as readings arrive
// (an unchecked collector).
func (r *readings) Describe(chan<- *prometheus.Desc) {}

// Collect emits one gauge per series. Label names are the union over a
// family's series (missing ones empty), plus the run labels.
func (r *readings) Collect(ch chan<- prometheus.Metric) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for name, fam := range r.latest {
		names := labelNames(fam, r.run)
		desc := prometheus.NewDesc(name, "Latest reading of a tcobench collector (unit in the name).", names, nil)
		for _, e := range fam {
			vals := make([]string, len(names))
			for i, n := range names {
				if v, ok := r.run[n]; ok {
					vals[i] = v
				} else {
					vals[i] = e.labels[n]
				}
			}
			m, err := prometheus.NewConstMetric(desc, prometheus.GaugeValue, e.value, vals...)
			if err != nil {
				m = prometheus.NewInvalidMetric(desc, err)
			}
			ch <- m
		}
	}
}

func labelNames(fam map[string]entry, run map[string]string) []string {
	set := map[string]bool{}
	for _, e := range fam {
		for k := range e.labels {
			set[k] = true
		}
	}
	for k := range run {
		set[k] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
