package energy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// point is one reading on the run clock.
type point struct {
	t int64 // ns
	v float64
}

// gpuSeries holds one GPU's readings.
type gpuSeries struct {
	key     string
	labels  map[string]string
	source  string
	energy  []point // counter, mJ
	instant []point // W
	avg1s   []point // W
	reasons []point // clock-event reasons bitmask
	resets  int
	// migInstances is how many MIG instances published this GPU's
	// device-level series (0: not under MIG); one of them is kept.
	migInstances int
}

// gpuKey names a GPU from its labels: node/uuid, node/gpu, uuid or gpu.
func gpuKey(l map[string]string) string {
	id := l[collectors.LabelUUID]
	if id == "" {
		id = l[collectors.LabelGPU]
	}
	if n := l[collectors.LabelNode]; n != "" {
		return n + "/" + id
	}
	return id
}

// groupGPUs sorts GPU samples into per-GPU series, sorted by key. The
// series a MIG GPU publishes once per GPU instance are one physical GPU's:
// one of them is kept (see onePerGPU).
func groupGPUs(samples []runrecord.Sample) []*gpuSeries {
	by := map[string]*gpuSeries{}
	get := func(s *runrecord.Sample) *gpuSeries {
		k := gpuKey(s.Labels) + "\x00" + s.Labels[collectors.LabelGPUInstance]
		g := by[k]
		if g == nil {
			g = &gpuSeries{key: gpuKey(s.Labels), labels: s.Labels, source: s.Collector}
			by[k] = g
		}
		return g
	}
	for i := range samples {
		s := &samples[i]
		p := point{s.TNS, s.Value}
		switch s.Metric {
		case collectors.MetricEnergyMJ:
			g := get(s)
			g.energy = append(g.energy, p)
		case collectors.MetricPowerInstantW:
			g := get(s)
			g.instant = append(g.instant, p)
		case collectors.MetricPowerAvg1sW:
			g := get(s)
			g.avg1s = append(g.avg1s, p)
		case collectors.MetricClockEventReasons:
			g := get(s)
			g.reasons = append(g.reasons, p)
		case collectors.MetricCounterReset:
			get(s).resets++
		}
	}
	out := make([]*gpuSeries, 0, len(by))
	for _, g := range by {
		for _, ps := range [][]point{g.energy, g.instant, g.avg1s, g.reasons} {
			sort.SliceStable(ps, func(i, j int) bool { return ps[i].t < ps[j].t })
		}
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].key != out[j].key {
			return out[i].key < out[j].key
		}
		return out[i].labels[collectors.LabelGPUInstance] < out[j].labels[collectors.LabelGPUInstance]
	})
	return onePerGPU(out)
}

// onePerGPU keeps one series per physical GPU among series sorted by key:
// the instance series with the most counter readings (the first on a tie).
// Summing them would count the GPU once per instance; merging them reads
// every lower value of the other instance as a counter reset.
func onePerGPU(sorted []*gpuSeries) []*gpuSeries {
	var out []*gpuSeries
	for i := 0; i < len(sorted); {
		j, best := i+1, sorted[i]
		for ; j < len(sorted) && sorted[j].key == sorted[i].key; j++ {
			if len(sorted[j].energy) > len(best.energy) {
				best = sorted[j]
			}
		}
		if j-i > 1 || best.labels[collectors.LabelGPUInstance] != "" {
			best.migInstances = j - i
		}
		out = append(out, best)
		i = j
	}
	return out
}

// oneSourcePerGPU keeps one source per GPU UUID: the nvml collector and
// the prometheus one read the same GPU when the run's own node is also
// scraped, and summing both would count it twice. The local counter (nvml)
// is kept.
func oneSourcePerGPU(e *runrecord.Energy, gpus []*gpuSeries) []*gpuSeries {
	kept := map[string]*gpuSeries{}
	for _, g := range gpus {
		uuid := g.labels[collectors.LabelUUID]
		if k := kept[uuid]; uuid != "" && (k == nil || (k.source != collectors.SourceNVML && g.source == collectors.SourceNVML)) {
			kept[uuid] = g
		}
	}
	out := gpus[:0:0]
	for _, g := range gpus {
		uuid := g.labels[collectors.LabelUUID]
		k := kept[uuid]
		if uuid == "" || k == g {
			out = append(out, g)
			continue
		}
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s was read by both %s and %s: counted once, from %s", uuid, k.source, g.source, k.source))
	}
	return out
}

// sources lists the collectors the GPU series came from, comma-separated.
func sources(gpus []*gpuSeries) string {
	var s []string
	for _, g := range gpus {
		if !slices.Contains(s, g.source) {
			s = append(s, g.source)
		}
	}
	return strings.Join(s, ",")
}

// maxResetPowerW bounds what a GPU can draw (W): a counter that restarted
// from zero cannot have counted more than this since the reading before.
const maxResetPowerW = 5000

// cumulative turns counter readings (mJ) into energy in J since the first
// reading. A backward step is a counter reset (driver reload): the counter
// restarted from zero, so the new reading is the energy since the reset,
// if a GPU could have drawn that much since the reading before; otherwise
// (not a reload: readings of two sources interleaved) the step adds nothing.
// Either way it counts as a reset.
func cumulative(counter []point) (cum []point, resets int) {
	if len(counter) == 0 {
		return nil, 0
	}
	cum = make([]point, len(counter))
	cum[0] = point{counter[0].t, 0}
	for i := 1; i < len(counter); i++ {
		d := counter[i].v - counter[i-1].v
		if d < 0 {
			resets++
			d = counter[i].v
			if dt := float64(counter[i].t-counter[i-1].t) / 1e9; d > maxResetPowerW*dt*1000 {
				d = 0
			}
		}
		cum[i] = point{counter[i].t, cum[i-1].v + d/1000}
	}
	return cum, resets
}

// integral turns a power series (W) into cumulative energy (J) by the
// trapezoid rule.
func integral(power []point) []point {
	if len(power) == 0 {
		return nil
	}
	cum := make([]point, len(power))
	cum[0] = point{power[0].t, 0}
	for i := 1; i < len(power); i++ {
		dt := float64(power[i].t-power[i-1].t) / 1e9
		cum[i] = point{power[i].t, cum[i-1].v + dt*(power[i].v+power[i-1].v)/2}
	}
	return cum
}

// at interpolates a cumulative series at t; ok is false when t lies outside it.
func at(cum []point, t int64) (float64, bool) {
	n := len(cum)
	if n == 0 {
		return 0, false
	}
	if t <= cum[0].t {
		return cum[0].v, t == cum[0].t
	}
	if t >= cum[n-1].t {
		return cum[n-1].v, t == cum[n-1].t
	}
	i := sort.Search(n, func(i int) bool { return cum[i].t >= t })
	a, b := cum[i-1], cum[i]
	f := float64(t-a.t) / float64(b.t-a.t)
	return a.v + f*(b.v-a.v), true
}

// between is the increase of a cumulative series over [a, b]; covered is
// false when the series does not span the whole interval (the figure is
// then clamped to what it does span).
func between(cum []point, a, b int64) (j float64, covered bool) {
	va, oka := at(cum, a)
	vb, okb := at(cum, b)
	return vb - va, oka && okb
}
