package fleet

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tcobench/tcobench/load/metrics"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/store"
)

// mergeRun is the fleet's run record: base's configuration, the fleet's
// clock, window, summary, energy and per-shard table.
func mergeRun(f store.FleetRow, base *runrecord.Run, shards []*shardData, atts []runrecord.Attempt) *runrecord.Run {
	r := *base
	r.ID, r.Name = "fleet-"+f.ID, "fleet "+f.ID
	r.StartedAt, r.EndedAt = f.Start, f.Start
	r.Partial, r.PartialReason, r.Cost = false, "", nil
	r.Collectors, r.Warnings = nil, nil
	var hosts []string
	members := make([]runrecord.FleetShard, len(shards))
	ran := 0
	for i, d := range shards {
		members[i] = d.member
		if d.row == nil {
			continue
		}
		if !slices.Contains(hosts, d.row.Host) {
			hosts = append(hosts, d.row.Host)
		}
		if d.row.Seen.After(r.EndedAt) {
			r.EndedAt = d.row.Seen
		}
		if sr := d.row.Run; sr != nil {
			ran++
			if sr.EndedAt.After(r.EndedAt) {
				r.EndedAt = sr.EndedAt
			}
			for _, c := range sr.Collectors {
				c.Name = fmt.Sprintf("shard %d: %s", i, c.Name)
				r.Collectors = append(r.Collectors, c)
			}
			for _, w := range sr.Warnings {
				r.Warnings = append(r.Warnings, fmt.Sprintf("shard %d: %s", i, w))
			}
		} else if len(d.atts) > 0 {
			ran++
		}
	}
	r.Environment.Host.Hostname = strings.Join(hosts, ", ")
	r.Window = fleetWindow(shards, atts)
	sum, warn := metrics.Summarize(&r, atts)
	r.Summary, r.Warnings = sum, append(warn, r.Warnings...)
	r.Workload.Tasks = sum.Tasks.Started
	var notes []string
	r.Energy, notes = mergeEnergy(shards, members, r.Window)
	r.Warnings = append(r.Warnings, notes...)
	nodes := f.Nodes
	if nodes == 0 {
		nodes = ran
	}
	r.Fleet = &runrecord.Fleet{ID: f.ID, Split: f.Split, Shards: f.Shards, StartedAt: f.Start, Nodes: nodes, Members: members}
	if why := partialReasons(members); len(why) > 0 {
		r.Partial = true
		r.PartialReason = fmt.Sprintf("fleet %s: %s", f.ID, strings.Join(why, "; "))
	}
	return &r
}

// fleetWindow spans the shards' measurement windows on the fleet's clock,
// and the measured attempts of shards that stored no window (lost ones).
func fleetWindow(shards []*shardData, atts []runrecord.Attempt) runrecord.Window {
	var w runrecord.Window
	first := true
	add := func(s, e int64) {
		if first || s < w.StartNS {
			w.StartNS = s
		}
		if first || e > w.EndNS {
			w.EndNS = e
		}
		first = false
	}
	for _, d := range shards {
		if d.row != nil && d.row.Run != nil && d.row.Run.Window.EndNS > d.row.Run.Window.StartNS {
			add(d.row.Run.Window.StartNS+d.offset, d.row.Run.Window.EndNS+d.offset)
		}
	}
	if sp := runrecord.SentSpan(atts); sp.EndNS > sp.StartNS {
		if first {
			add(sp.StartNS, sp.EndNS)
		} else if sp.EndNS > w.EndNS {
			w.EndNS = sp.EndNS
		}
	}
	return w
}

// partialReasons says which shards did not finish as configured.
func partialReasons(members []runrecord.FleetShard) []string {
	var why []string
	for _, m := range members {
		if m.State == runrecord.ShardDone {
			continue
		}
		s := fmt.Sprintf("shard %d %s", m.Shard, m.State)
		if m.Error != "" {
			s += " (" + m.Error + ")"
		}
		why = append(why, s)
	}
	return why
}
