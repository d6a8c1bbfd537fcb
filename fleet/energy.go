package fleet

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// mergeEnergy sums the energy of the nodes the shards measured: GPU
// energy, power and idle baselines add up across nodes; shards that read
// the same GPUs (one node, or one endpoint's cluster series) count once.
// Unless every shard that ran measured energy, the fleet's is not
// measured (a sum over some nodes is no fleet figure), and Reason says
// which shard did not. It notes each shard's energy in members.
func mergeEnergy(shards []*shardData, members []runrecord.FleetShard, w runrecord.Window) (*runrecord.Energy, []string) {
	var es []*runrecord.Energy
	var missing, notes []string
	seen := map[string]int{}
	for i, d := range shards {
		if d.row == nil || d.row.Run == nil {
			continue
		}
		e := d.row.Run.Energy
		if e == nil || !e.Measured {
			why := "no energy record"
			if e != nil && e.Reason != "" {
				why = e.Reason
			}
			missing = append(missing, fmt.Sprintf("shard %d: %s", i, why))
			continue
		}
		k := gpuKey(e, d.row.Host)
		if j, dup := seen[k]; dup {
			members[i].Note = fmt.Sprintf("read the same GPUs as shard %d: counted once", j)
			notes = append(notes, fmt.Sprintf("energy: shards %d and %d read the same GPUs; their energy is counted once (shard %d's)", j, i, j))
			continue
		}
		seen[k] = i
		j := e.GPUEnergyJ
		members[i].GPUEnergyJ = &j
		es = append(es, e)
	}
	if len(missing) > 0 {
		return &runrecord.Energy{Measured: false, Reason: "not every shard measured energy (" + strings.Join(missing, "; ") + "): the fleet's energy is not a measured figure"}, notes
	}
	if len(es) == 0 {
		return nil, notes
	}
	return sumEnergy(es, w), notes
}

// gpuKey identifies the GPUs an energy record covers.
func gpuKey(e *runrecord.Energy, host string) string {
	var ks []string
	for _, g := range e.GPUs {
		ks = append(ks, g.Key)
	}
	if len(ks) == 0 {
		return "host " + host
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// sumEnergy adds measured energy records of distinct nodes. The fleet is
// throttled when any node was; its sources are the nodes' (one, or joined
// by "+" when they differ, as a node's own GPUs' are); its cross-check
// difference is the largest node's; its CPU package energy the sum when
// every node measured one.
func sumEnergy(es []*runrecord.Energy, w runrecord.Window) *runrecord.Energy {
	out := &runrecord.Energy{Measured: true, Reliable: true, Window: w, WindowS: w.Seconds(), MinWindowS: es[0].MinWindowS}
	var sources, energySources, powerSources []string
	var idle *runrecord.IdleBaseline
	cpu, cpuNodes := 0.0, 0
	for i, e := range es {
		if !slices.Contains(sources, e.Source) {
			sources = append(sources, e.Source)
		}
		energySources = addParts(energySources, e.EnergySource)
		powerSources = addParts(powerSources, e.PowerSource)
		out.CrossCheckDiffPct = max(out.CrossCheckDiffPct, e.CrossCheckDiffPct)
		if e.CPUPackageEnergyJ != nil {
			cpu, cpuNodes = cpu+*e.CPUPackageEnergyJ, cpuNodes+1
		}
		out.Throttled = out.Throttled || e.Throttled
		out.Reliable = out.Reliable && e.Reliable
		out.GPUEnergyJ += e.GPUEnergyJ
		out.AvgGPUPowerW += e.AvgGPUPowerW
		out.PowerIntegralJ += e.PowerIntegralJ
		out.IdleEnergyJ += e.IdleEnergyJ
		out.MarginalGPUEnergyJ += e.MarginalGPUEnergyJ
		out.Requests += e.Requests
		out.OutputTokens += e.OutputTokens
		out.Tasks += e.Tasks
		out.GPUs = append(out.GPUs, e.GPUs...)
		for _, x := range e.Warnings {
			out.Warnings = append(out.Warnings, fmt.Sprintf("node %d: %s", i, x))
		}
		if e.Idle != nil {
			if idle == nil {
				idle = &runrecord.IdleBaseline{Window: e.Idle.Window, WindowS: e.Idle.WindowS, Provenance: e.Idle.Provenance}
			}
			idle.GPUPowerW += e.Idle.GPUPowerW
			idle.Provenance = runrecord.Weakest(idle.Provenance, e.Idle.Provenance)
		}
	}
	out.Source = strings.Join(sources, "+")
	out.EnergySource, out.PowerSource = strings.Join(energySources, "+"), strings.Join(powerSources, "+")
	if cpuNodes == len(es) {
		out.CPUPackageEnergyJ = &cpu
	} else if cpuNodes > 0 {
		out.CPUEnergyNote = fmt.Sprintf("CPU package energy was measured on %d of %d nodes: no fleet total", cpuNodes, len(es))
	}
	if idle != nil && len(es) == countIdle(es) {
		out.Idle = idle
	}
	out.Fleet = out.Intensity(out.GPUEnergyJ)
	if out.Idle != nil {
		m := out.Intensity(out.MarginalGPUEnergyJ)
		out.Marginal = &m
	}
	out.Boundaries = sumBoundaries(es, out)
	return out
}

// addParts adds the "+"-joined parts of s not yet in parts.
func addParts(parts []string, s string) []string {
	for _, p := range strings.Split(s, "+") {
		if p != "" && !slices.Contains(parts, p) {
			parts = append(parts, p)
		}
	}
	return parts
}

func countIdle(es []*runrecord.Energy) int {
	n := 0
	for _, e := range es {
		if e.Idle != nil {
			n++
		}
	}
	return n
}

// sumBoundaries adds each system boundary's energy across the nodes, when
// every node has it; the factor becomes the fleet's effective one.
func sumBoundaries(es []*runrecord.Energy, out *runrecord.Energy) []runrecord.EnergyBoundary {
	var bs []runrecord.EnergyBoundary
	for k, b := range es[0].Boundaries {
		sum := runrecord.EnergyBoundary{Name: b.Name, Provenance: b.Provenance, FactorSource: b.FactorSource}
		for _, e := range es {
			if len(e.Boundaries) <= k || e.Boundaries[k].Name != b.Name {
				return bs
			}
			sum.EnergyJ += e.Boundaries[k].EnergyJ
			sum.MarginalEnergyJ += e.Boundaries[k].MarginalEnergyJ
			sum.Provenance = runrecord.Weakest(sum.Provenance, e.Boundaries[k].Provenance)
		}
		sum.Factor = 1
		if k > 0 && bs[k-1].EnergyJ > 0 {
			sum.Factor = sum.EnergyJ / bs[k-1].EnergyJ
		}
		sum.Fleet = out.Intensity(sum.EnergyJ)
		if out.Idle != nil {
			m := out.Intensity(sum.MarginalEnergyJ)
			sum.Marginal = &m
		}
		bs = append(bs, sum)
	}
	return bs
}
