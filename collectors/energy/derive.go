package energy

import (
	"fmt"
	"math"
	"sort"

	"github.com/tcobench/tcobench/bench/record"
	"github.com/tcobench/tcobench/collectors"
)

// idle measures each GPU's draw over the idle span and derives the idle
// energy of the window and the marginal energy.
func idle(e *record.Energy, gpus []*gpuSeries, cfg Config) {
	w := cfg.Idle
	if w.EndNS <= w.StartNS {
		return
	}
	secs := w.Seconds()
	total, n := 0.0, 0
	for i, g := range gpus {
		p, ok := idlePower(g, w)
		if !ok {
			continue
		}
		n++
		total += p
		for j := range e.GPUs {
			if e.GPUs[j].Key == gpus[i].key {
				e.GPUs[j].IdlePowerW = p
			}
		}
	}
	if n == 0 {
		e.Warnings = append(e.Warnings, "idle baseline: no GPU readings in the idle span; marginal figures omitted")
		return
	}
	e.Idle = &record.IdleBaseline{Window: w, WindowS: secs, GPUPowerW: total, Provenance: record.Measured}
	if secs < cfg.MinWindow.Seconds() {
		e.Warnings = append(e.Warnings, fmt.Sprintf("idle baseline %.1f s is shorter than %.0f s: idle power is unreliable", secs, cfg.MinWindow.Seconds()))
	}
	e.IdleEnergyJ = total * e.WindowS
	e.MarginalGPUEnergyJ = math.Max(0, e.GPUEnergyJ-e.IdleEnergyJ)
}

// idlePower is a GPU's mean power over w: from the counter when it spans
// w, else the mean of its power readings in w.
func idlePower(g *gpuSeries, w record.Window) (float64, bool) {
	cum, _ := cumulative(g.energy)
	if j, ok := between(cum, w.StartNS, w.EndNS); ok && len(cum) > 1 {
		return j / w.Seconds(), true
	}
	power := g.instant
	if len(power) == 0 {
		power = g.avg1s
	}
	sum, n := 0.0, 0
	for _, p := range power {
		if p.t >= w.StartNS && p.t <= w.EndNS {
			sum += p.v
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}

func intensity(j float64, e *record.Energy) record.EnergyIntensity {
	var x record.EnergyIntensity
	if e.Requests > 0 {
		x.JPerRequest = j / float64(e.Requests)
		x.WhPer1kRequests = j / 3600 / float64(e.Requests) * 1000
	}
	if e.OutputTokens > 0 {
		x.JPerOutputToken = j / float64(e.OutputTokens)
	}
	if e.Tasks > 0 {
		x.JPerTask = j / float64(e.Tasks)
	}
	return x
}

func intensities(e *record.Energy) {
	e.Fleet = intensity(e.GPUEnergyJ, e)
	if e.Idle != nil {
		m := intensity(e.MarginalGPUEnergyJ, e)
		e.Marginal = &m
	}
}

// boundaries fills gpu, node and facility energy. Each boundary's
// provenance is the weakest of its inputs (measured > configured > assumed).
func boundaries(e *record.Energy, cfg Config) {
	gpu := record.EnergyBoundary{Name: record.BoundaryGPU, EnergyJ: e.GPUEnergyJ, Provenance: record.Measured, Factor: 1, FactorSource: "NVML energy counter"}
	if e.Source != "" && e.Source != "nvml" {
		gpu.FactorSource = e.Source + " energy counter"
	}
	nodeProv, nodeSrc := record.Assumed, DefaultNodeFactorSource
	if cfg.NodeFactorSet {
		nodeProv, nodeSrc = record.Configured, "configured node factor"
	}
	pueProv, pueSrc := record.Assumed, DefaultPUESource
	if cfg.PUESet {
		pueProv, pueSrc = record.Configured, "configured PUE"
	}
	node := scaled(gpu, record.BoundaryNode, cfg.NodeFactor, nodeProv, nodeSrc)
	fac := scaled(node, record.BoundaryFacility, cfg.PUE, pueProv, pueSrc)
	for _, b := range []*record.EnergyBoundary{&gpu, &node, &fac} {
		if e.Idle != nil {
			b.MarginalEnergyJ = e.MarginalGPUEnergyJ * cumulativeFactor(b.Name, cfg)
			m := intensity(b.MarginalEnergyJ, e)
			b.Marginal = &m
		}
		b.Fleet = intensity(b.EnergyJ, e)
	}
	e.Boundaries = []record.EnergyBoundary{gpu, node, fac}
}

func cumulativeFactor(name string, cfg Config) float64 {
	switch name {
	case record.BoundaryNode:
		return cfg.NodeFactor
	case record.BoundaryFacility:
		return cfg.NodeFactor * cfg.PUE
	}
	return 1
}

func scaled(prev record.EnergyBoundary, name string, f float64, prov, src string) record.EnergyBoundary {
	return record.EnergyBoundary{Name: name, EnergyJ: prev.EnergyJ * f, Provenance: weakest(prev.Provenance, prov), Factor: f, FactorSource: src}
}

func weakest(a, b string) string {
	rank := map[string]int{record.Measured: 0, record.Configured: 1, record.Assumed: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// cpuEnergy sums RAPL package zones over the window.
func cpuEnergy(e *record.Energy, samples []record.Sample, note string) {
	zones := map[string][]point{}
	for i := range samples {
		s := &samples[i]
		if s.Metric == collectors.MetricCPUEnergyJ {
			z := s.Labels["zone"]
			zones[z] = append(zones[z], point{s.TNS, s.Value})
		}
	}
	total, ok := 0.0, false
	for _, ps := range zones {
		sort.Slice(ps, func(i, j int) bool { return ps[i].t < ps[j].t })
		if len(ps) < 2 {
			continue
		}
		j, _ := between(ps, e.Window.StartNS, e.Window.EndNS)
		total += j
		ok = true
	}
	if ok {
		e.CPUPackageEnergyJ = &total
		return
	}
	e.CPUEnergyNote = note
	if note == "" {
		e.CPUEnergyNote = "CPU package energy not measured (no RAPL readings)"
	}
}
