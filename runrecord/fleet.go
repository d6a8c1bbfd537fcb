package runrecord

import "time"

// Ways a fleet run is split across its shards.
const (
	// FleetSplitNode: each shard drives its node-local server with the
	// whole workload and reads its own GPUs.
	FleetSplitNode = "node"
	// FleetSplitSchedule: each shard sends a disjoint share of one seeded
	// open-loop schedule to one shared endpoint.
	FleetSplitSchedule = "schedule"
)

// States of a fleet's shard.
const (
	// ShardJoined: the shard registered and waits for the fleet's start.
	ShardJoined = "joined"
	// ShardRunning: the shard is sending its load.
	ShardRunning = "running"
	// ShardDone: the shard finished its load and stored its record.
	ShardDone = "done"
	// ShardPartial: the shard was cut short (interrupted, a breaker) and
	// stored what it measured.
	ShardPartial = "partial"
	// ShardFailed: the shard stopped with an error (Error says which).
	ShardFailed = "failed"
	// ShardLost: the shard stopped reporting before it finished (killed,
	// its node lost); what it streamed before is kept.
	ShardLost = "lost"
	// ShardMissing: no shard of this index ever joined.
	ShardMissing = "missing"
)

// Fleet says that a run is one shard of a fleet run (Shard set), or the
// merged result of a fleet's shards (Members set).
type Fleet struct {
	// ID names the fleet run; every shard of it gives the same ID.
	ID string `json:"id"`
	// Split is FleetSplitNode or FleetSplitSchedule.
	Split string `json:"split"`
	// Shards is the number of shards the fleet was started with.
	Shards int `json:"shards"`
	// Shard is this run's index, 0..Shards-1 (a shard's own record).
	Shard *int `json:"shard,omitempty"`
	// StartedAt is the start the shards agreed on through the results store.
	StartedAt time.Time `json:"started_at"`
	// Nodes is the number of serving nodes the fleet's cost is priced on:
	// the shards that ran (split by node) or the nodes behind the shared
	// endpoint, as configured (split by schedule).
	Nodes int `json:"nodes,omitempty"`
	// Members lists every shard of a merged result, in index order,
	// missing and failed ones included.
	Members []FleetShard `json:"members,omitempty"`
	// Cost is the fleet's cost, nodes × the hardware profile, when priced.
	Cost *FleetCost `json:"cost,omitempty"`
}

// FleetShard is one shard's part of a merged fleet result.
type FleetShard struct {
	Shard int    `json:"shard"`
	State string `json:"state"`
	// Error says why a shard failed, was lost or is missing.
	Error string `json:"error,omitempty"`
	Host  string `json:"host,omitempty"`
	RunID string `json:"run_id,omitempty"`
	// Requests are the shard's measured requests (its raw samples are in
	// the merged requests.jsonl); OK those that succeeded.
	Requests int `json:"requests"`
	OK       int `json:"ok"`
	// OutputTokS and RequestsS are the shard's own throughput over its own
	// window (measured).
	OutputTokS float64 `json:"output_tok_s"`
	RequestsS  float64 `json:"requests_s"`
	// TTFTP99MS is the shard's own TTFT p99 (measured).
	TTFTP99MS float64 `json:"ttft_p99_ms,omitempty"`
	// GPUEnergyJ is the shard's measured GPU energy (nil: not measured, or
	// the same GPUs as an earlier shard's, counted once).
	GPUEnergyJ *float64 `json:"gpu_energy_j,omitempty"`
	// Note says why a shard's energy was not counted, when it was not.
	Note string `json:"note,omitempty"`
}

// FleetCost is a fleet's on-prem cost: Nodes nodes of one hardware profile.
type FleetCost struct {
	Hardware string `json:"hardware"`
	Nodes    int    `json:"nodes"`
	// NodeUSDPerHour is one node's all-in hourly cost at the stated
	// utilization; USDPerHour the fleet's (Nodes × NodeUSDPerHour).
	NodeUSDPerHour Figure `json:"node_usd_per_hour"`
	USDPerHour     Figure `json:"usd_per_hour"`
	// USDPerTask is the fleet's cost per task: its hourly cost over the
	// tasks per hour all its nodes deliver at the stated utilization.
	USDPerTask Figure `json:"usd_per_task"`
}
