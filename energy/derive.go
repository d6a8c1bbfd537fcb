package energy

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// idle measures each GPU's draw over the idle span and derives the idle
// energy of the window and the marginal energy.
func idle(e *runrecord.Energy, gpus []*gpuSeries, cfg Config) {
	w := cfg.Idle
	if w.EndNS <= w.StartNS {
		return
	}
	secs := w.Seconds()
	total, n := 0.0, 0
	var missing []string
	for i, g := range gpus {
		p, ok := idlePower(g, w)
		if !ok {
			missing = append(missing, g.key)
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
	if len(missing) > 0 {
		// A partial sum would understate idle power and overstate the marginal figures.
		for j := range e.GPUs {
			e.GPUs[j].IdlePowerW = 0
		}
		e.Warnings = append(e.Warnings, fmt.Sprintf("idle baseline: GPU %s has no readings in the idle span; the baseline and marginal figures are omitted", strings.Join(missing, ", GPU ")))
		return
	}
	e.Idle = &runrecord.IdleBaseline{Window: w, WindowS: secs, GPUPowerW: total, Provenance: runrecord.Measured}
	if secs < cfg.MinWindow.Seconds() {
		e.Warnings = append(e.Warnings, fmt.Sprintf("idle baseline %.1f s is shorter than %.0f s: idle power is unreliable", secs, cfg.MinWindow.Seconds()))
	}
	e.IdleEnergyJ = total * e.WindowS
	e.MarginalGPUEnergyJ = math.Max(0, e.GPUEnergyJ-e.IdleEnergyJ)
}

// idlePower is a GPU's mean power over w: from the counter when it spans
// w, else the mean of its power readings in w.
func idlePower(g *gpuSeries, w runrecord.Window) (float64, bool) {
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

func intensities(e *runrecord.Energy) {
	e.Fleet = e.Intensity(e.GPUEnergyJ)
	if e.Idle != nil {
		m := e.Intensity(e.MarginalGPUEnergyJ)
		e.Marginal = &m
	}
}

// boundaries fills gpu, node and facility energy. Each boundary's
// provenance is the weakest of its inputs (measured > configured > assumed).
func boundaries(e *runrecord.Energy, cfg Config) {
	gpu := runrecord.EnergyBoundary{Name: runrecord.BoundaryGPU, EnergyJ: e.GPUEnergyJ, Provenance: runrecord.Measured, Factor: 1, FactorSource: gpuEnergySource(e)}
	nodeProv, nodeSrc := runrecord.Assumed, DefaultNodeFactorSource
	if cfg.NodeFactorSet {
		nodeProv, nodeSrc = runrecord.Configured, "configured node factor"
	}
	pueProv, pueSrc := runrecord.Assumed, DefaultPUESource
	if cfg.PUESet {
		pueProv, pueSrc = runrecord.Configured, "configured PUE"
	}
	node := scaled(gpu, runrecord.BoundaryNode, cfg.NodeFactor, nodeProv, nodeSrc)
	fac := scaled(node, runrecord.BoundaryFacility, cfg.PUE, pueProv, pueSrc)
	for _, b := range []*runrecord.EnergyBoundary{&gpu, &node, &fac} {
		if e.Idle != nil {
			b.MarginalEnergyJ = e.MarginalGPUEnergyJ * cumulativeFactor(b.Name, cfg)
			m := e.Intensity(b.MarginalEnergyJ)
			b.Marginal = &m
		}
		b.Fleet = e.Intensity(b.EnergyJ)
	}
	e.Boundaries = []runrecord.EnergyBoundary{gpu, node, fac}
}

// gpuEnergySource names where the GPU boundary's energy came from: the
// source (NVML, prometheus) and whether a counter or the power integral.
func gpuEnergySource(e *runrecord.Energy) string {
	src := "NVML"
	if e.Source != "" && e.Source != "nvml" {
		src = e.Source
	}
	switch e.EnergySource {
	case sourcePowerIntegral:
		return src + " power integral (" + e.PowerSource + " power; no energy counter, less accurate)"
	case sourceCounter:
		return src + " energy counter"
	}
	return src + " energy counter, and the power integral for GPUs without one (less accurate)"
}

func cumulativeFactor(name string, cfg Config) float64 {
	switch name {
	case runrecord.BoundaryNode:
		return cfg.NodeFactor
	case runrecord.BoundaryFacility:
		return cfg.NodeFactor * cfg.PUE
	}
	return 1
}

func scaled(prev runrecord.EnergyBoundary, name string, f float64, prov runrecord.Provenance, src string) runrecord.EnergyBoundary {
	return runrecord.EnergyBoundary{Name: name, EnergyJ: prev.EnergyJ * f, Provenance: runrecord.Weakest(prev.Provenance, prov), Factor: f, FactorSource: src}
}

// cpuEnergy sums RAPL package zones over the window.
func cpuEnergy(e *runrecord.Energy, samples []runrecord.Sample, note string) {
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
