package fleet

import (
	"strings"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// node is a shard whose run measured j joules on the GPUs named keys.
func node(host string, j, idleW float64, keys ...string) *shardData {
	e := &runrecord.Energy{Measured: true, Reliable: true, Source: "nvml", GPUEnergyJ: j, AvgGPUPowerW: j / 10, WindowS: 10,
		Requests: 100, OutputTokens: 1000, Tasks: 50, Idle: &runrecord.IdleBaseline{GPUPowerW: idleW, Provenance: runrecord.Measured},
		IdleEnergyJ: idleW * 10, MarginalGPUEnergyJ: j - idleW*10,
		Boundaries: []runrecord.EnergyBoundary{{Name: "gpu", EnergyJ: j, Factor: 1, Provenance: runrecord.Measured},
			{Name: "node", EnergyJ: 1.5 * j, Factor: 1.5, Provenance: runrecord.Assumed}}}
	for _, k := range keys {
		e.GPUs = append(e.GPUs, runrecord.GPUEnergy{Key: k, EnergyJ: j / float64(len(keys))})
	}
	return &shardData{row: &store.ShardRow{Host: host, Run: &runrecord.Run{Energy: e}}}
}

func TestMergeEnergy(t *testing.T) {
	w := runrecord.Window{StartNS: 0, EndNS: 10e9}
	// Two nodes add up; the fleet's intensities divide the sums.
	shards := []*shardData{node("a", 3000, 100, "GPU-a0", "GPU-a1"), node("b", 5000, 140, "GPU-b0")}
	members := make([]runrecord.FleetShard, 2)
	e, notes := mergeEnergy(shards, members, w)
	if !e.Measured || e.GPUEnergyJ != 8000 || e.AvgGPUPowerW != 800 || e.Idle.GPUPowerW != 240 || e.IdleEnergyJ != 2400 ||
		e.Fleet.JPerOutputToken != 4 || e.Fleet.JPerTask != 80 || e.Marginal.JPerRequest != 28 || len(e.GPUs) != 3 || len(notes) != 0 {
		t.Errorf("two nodes: %+v %v", e, notes)
	}
	if b := e.Boundaries[1]; b.Name != "node" || b.EnergyJ != 12000 || b.Factor != 1.5 || b.Provenance != runrecord.Assumed {
		t.Errorf("node boundary %+v", b)
	}
	if *members[1].GPUEnergyJ != 5000 {
		t.Errorf("shard 1's energy %v", members[1].GPUEnergyJ)
	}
	// The fleet is throttled when any node was; its energy sources are the nodes'.
	shards = []*shardData{node("a", 3000, 100, "GPU-a0"), node("b", 5000, 140, "GPU-b0"), node("c", 1000, 50, "GPU-c0")}
	shards[0].row.Run.Energy.EnergySource = "counter"
	shards[1].row.Run.Energy.EnergySource, shards[1].row.Run.Energy.Throttled = "counter", true
	shards[2].row.Run.Energy.EnergySource = "power_integral+counter"
	// Power sources join the same way, the cross-check is the worst
	// node's, and CPU energy adds up only when every node measured it.
	shards[0].row.Run.Energy.PowerSource, shards[1].row.Run.Energy.PowerSource = "instant", "average_1s"
	shards[1].row.Run.Energy.CrossCheckDiffPct, shards[2].row.Run.Energy.CrossCheckDiffPct = 4.5, 1.2
	j := 50.0
	shards[0].row.Run.Energy.CPUPackageEnergyJ, shards[1].row.Run.Energy.CPUPackageEnergyJ = &j, &j
	e, _ = mergeEnergy(shards, make([]runrecord.FleetShard, 3), w)
	if !e.Throttled || e.EnergySource != "counter+power_integral" || e.Source != "nvml" || e.PowerSource != "instant+average_1s" || e.CrossCheckDiffPct != 4.5 ||
		e.CPUPackageEnergyJ != nil || !strings.Contains(e.CPUEnergyNote, "2 of 3 nodes") {
		t.Errorf("three nodes, one throttled: throttled %v, energy source %q, source %q, power source %q, cross-check %g, CPU %v (%s)",
			e.Throttled, e.EnergySource, e.Source, e.PowerSource, e.CrossCheckDiffPct, e.CPUPackageEnergyJ, e.CPUEnergyNote)
	}
	shards[2].row.Run.Energy.CPUPackageEnergyJ = &j
	if e, _ = mergeEnergy(shards, make([]runrecord.FleetShard, 3), w); e.CPUPackageEnergyJ == nil || *e.CPUPackageEnergyJ != 150 {
		t.Errorf("CPU energy on every node: %v, want 150 J", e.CPUPackageEnergyJ)
	}
	e, _ = mergeEnergy(shards[:1], make([]runrecord.FleetShard, 1), w)
	if e.Throttled || e.EnergySource != "counter" {
		t.Errorf("one node: throttled %v, energy source %q", e.Throttled, e.EnergySource)
	}
	// Two shards that read the same GPUs (one endpoint's cluster series) count once.
	shards = []*shardData{node("a", 3000, 100, "n1/0"), node("b", 3100, 100, "n1/0"), node("c", 5000, 140, "GPU-c0")}
	members = make([]runrecord.FleetShard, 3)
	e, notes = mergeEnergy(shards, members, w)
	if e.GPUEnergyJ != 8000 || len(notes) != 1 || !strings.Contains(members[1].Note, "same GPUs as shard 0") || members[1].GPUEnergyJ != nil {
		t.Errorf("same GPUs: %v J, notes %v, member %+v", e.GPUEnergyJ, notes, members[1])
	}
	// A shard that measured no energy: the fleet's energy is not measured, and says which.
	off := node("d", 0, 0)
	off.row.Run.Energy = &runrecord.Energy{Measured: false, Reason: "no NVIDIA driver on this node"}
	e, _ = mergeEnergy([]*shardData{node("a", 3000, 100, "GPU-a0"), off}, make([]runrecord.FleetShard, 2), w)
	if e.Measured || !strings.Contains(e.Reason, "shard 1: no NVIDIA driver on this node") {
		t.Errorf("one unmeasured: %+v", e)
	}
}
