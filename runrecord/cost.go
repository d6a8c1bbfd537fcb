package runrecord

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// CostSchema is the version of the Cost JSON layout.
const CostSchema = 1

// Cost is the priced result of one run: what tcobench cost writes into
// run.json's "cost" field (package tco computes it) and what the report
// renders. All money is USD.
type Cost struct {
	Schema   int       `json:"schema"`
	PricedAt time.Time `json:"priced_at"`
	Currency string    `json:"currency"`

	Hardware ProfileRef `json:"hardware"`
	Site     ProfileRef `json:"site"`
	Prices   ProfileRef `json:"prices"`

	// Run holds the run's figures the prices were applied to.
	Run RunFigures `json:"run"`
	// Throughput says whether the node's cost is spread over its capacity
	// at the SLOs or over one run's offered load.
	Throughput *ThroughputBasis `json:"throughput_basis,omitempty"`
	// Scenario holds the stated utilisation, volume and projection rates.
	Scenario Scenario `json:"scenario"`

	OnPrem OnPrem `json:"on_prem"`
	// API is the cost of the run's measured tokens for every catalog model,
	// in catalog order.
	API []APICost `json:"api"`
	// Rented prices the same measured throughput on rented GPU nodes: one
	// entry per rental profile and term, in profile order.
	Rented []RentedCost `json:"rented,omitempty"`
	// Options sets owned, rented and API side by side per task, and Pairs
	// gives the break-even between each pair of them.
	Options []OptionCost    `json:"options,omitempty"`
	Pairs   []PairBreakEven `json:"pairs,omitempty"`
	// PriceAge says how old the prices are and which are stale.
	PriceAge *PriceAge `json:"price_age,omitempty"`
	// RecordedAPI is the API cost per task the workload's source recorded
	// (for example tau2 sessions), by model, when it carried one.
	RecordedAPI []RecordedAPICost `json:"recorded_api,omitempty"`
	// BreakEven compares on-prem with each API model, in catalog order.
	BreakEven []BreakEven `json:"break_even"`
	// UtilizationCurve is the fleet cost at utilisations from 5 % to 100 %.
	UtilizationCurve []CurvePoint `json:"utilization_curve"`
	// Sensitivity is the tornado: each input moved ±20 %, ranked by effect.
	Sensitivity Sensitivity `json:"sensitivity"`
	// Projection runs over the amortisation period against the reference model.
	Projection Projection `json:"projection"`
	// MeasuredElsewhere, when set, says the run was measured on other
	// hardware than Hardware and priced as measured, not projected (why).
	MeasuredElsewhere string `json:"measured_elsewhere,omitempty"`
	// Headline says the answer in one line: owned, the cheapest rented term
	// and the cheapest API model per task, and when that API price was last checked.
	Headline string `json:"headline,omitempty"`
	// Judge prices the run's LLM-as-judge requests, apart from the tasks.
	Judge *JudgeCost `json:"judge,omitempty"`
	// Notes are things a reader must know to trust the figures.
	Notes []string `json:"notes,omitempty"`
}

// JudgeCost is the cost of a run's judge requests at the judge model's
// catalog price: the cost of checking, not of doing the tasks.
type JudgeCost struct {
	Model    string `json:"model"`
	Key      string `json:"key,omitempty"` // the catalog model priced; empty when not in the catalog
	Requests int    `json:"requests"`
	// TotalUSD and USDPerTask (over the run's tasks) are absent when the
	// judge model is not in the catalog.
	TotalUSD   *Figure `json:"total_usd,omitempty"`
	USDPerTask *Figure `json:"usd_per_task,omitempty"`
	Note       string  `json:"note,omitempty"`
}

// ProfileRef names a profile or catalog used, where it came from, and its date.
type ProfileRef struct {
	Name        string `json:"name"`
	Path        string `json:"path"` // "embedded:<file>" or a file path
	Description string `json:"description,omitempty"`
	Date        string `json:"date,omitempty"` // the newest date of its figures, or the catalog's checked date
	// Version names the data a catalog was imported from.
	Version string `json:"version,omitempty"`
}

// PriceAge is how old the prices of a comparison are at PricedAt.
type PriceAge struct {
	// StaleAfterDays is the threshold past which a price is flagged stale.
	StaleAfterDays int `json:"stale_after_days"`
	// OldestDate and OldestKey name the oldest price used (API or rental).
	OldestDate string `json:"oldest_date"`
	OldestKey  string `json:"oldest_key"`
	// Stale counts the API and rental prices older than the threshold.
	Stale int `json:"stale"`
	// CheapestAPI is the compared API model with the lowest cost per task,
	// with its price's date and age.
	CheapestAPI        string `json:"cheapest_api"`
	CheapestAPIDate    string `json:"cheapest_api_date"`
	CheapestAPIAgeDays int    `json:"cheapest_api_age_days"`
	CheapestAPIStale   bool   `json:"cheapest_api_stale"`
}

// RentedCost is the cost of the run's measured throughput on one rented
// node for one term, kept up all the time at the stated utilisation.
type RentedCost struct {
	// Name is the rental profile's name and Term "on_demand", "one_year" or "three_year".
	Name     string `json:"name"`
	Term     string `json:"term"`
	Provider string `json:"provider"`
	Instance string `json:"instance"`
	Path     string `json:"path"`
	// Hardware is the hardware profile whose accelerators the node has.
	Hardware       string `json:"hardware"`
	USDPerGPUHour  Figure `json:"usd_per_gpu_hour"`
	USDPerNodeHour Figure `json:"usd_per_node_hour"`
	// PriceDate, PriceAgeDays and Stale date the rental price.
	PriceDate    string `json:"price_date"`
	PriceAgeDays int    `json:"price_age_days"`
	Stale        bool   `json:"stale"`
	// Fleet is the rented node's cost per unit of work at the stated utilisation.
	Fleet UnitCosts `json:"fleet"`
}

// OptionCost is one option of the side-by-side comparison.
type OptionCost struct {
	// Kind is "owned", "rented" or "api"; Key names it ("8xh100-sxm",
	// "lambda-8xh100-sxm/on_demand", "openai/gpt-5-mini").
	Kind                string `json:"kind"`
	Key                 string `json:"key"`
	USDPerTask          Figure `json:"usd_per_task"`
	USDPerMillionTokens Figure `json:"usd_per_million_tokens"`
	// USDPerSuccessfulTask is USDPerTask over the run's pass rate (the same
	// task count on every side).
	USDPerSuccessfulTask *Figure `json:"usd_per_successful_task,omitempty"`
	// PriceDate, PriceAgeDays and Stale date the option's price (empty for owned hardware).
	PriceDate    string `json:"price_date,omitempty"`
	PriceAgeDays int    `json:"price_age_days,omitempty"`
	Stale        bool   `json:"stale,omitempty"`
}

// PairBreakEven compares two options of the side-by-side comparison: A is
// the one with hardware (owned or rented), B the other.
type PairBreakEven struct {
	A string `json:"a"` // "owned 8xh100-sxm", "rented lambda-8xh100-sxm/on_demand"
	B string `json:"b"` // "rented ...", "api openai/gpt-5-mini"
	// Reachable is false when A never becomes the cheaper; Reason says why.
	Reachable bool   `json:"reachable"`
	Reason    string `json:"reason,omitempty"`
	// TasksPerDay is the volume above which A (one node) costs less than the
	// API B (a pair with an API).
	TasksPerDay *Figure `json:"tasks_per_day,omitempty"`
	// PaybackMonths is how long owning takes to repay its capex against
	// renting (owned against rented); EqualUSDPerGPUHour is the rental price
	// at which owning costs as much per hour.
	PaybackMonths      *Figure `json:"payback_months,omitempty"`
	EqualUSDPerGPUHour *Figure `json:"equal_usd_per_gpu_hour,omitempty"`
	// SavingUSDPerMonth is B's cost minus A's at the stated volume (positive: A is cheaper).
	SavingUSDPerMonth Figure `json:"saving_usd_per_month"`
	// Text says the break-even for people ("owning repays capex in 29 months; ...").
	Text string `json:"text"`
}

// RunFigures are the measured inputs taken from the run record.
type RunFigures struct {
	ID               string `json:"id"`
	Model            string `json:"model,omitempty"`
	Workload         string `json:"workload,omitempty"`
	WindowS          Figure `json:"window_s"`
	Tasks            Figure `json:"tasks"`
	Requests         Figure `json:"requests"`
	InputTokens      Figure `json:"input_tokens"`
	CachedInput      Figure `json:"cached_input_tokens"`
	OutputTokens     Figure `json:"output_tokens"`
	ReasoningTokens  Figure `json:"reasoning_tokens"`
	TasksPerS        Figure `json:"tasks_per_s"`
	RequestsPerS     Figure `json:"requests_per_s"`
	TokensPerS       Figure `json:"tokens_per_s"` // input + output
	OutputTokensPerS Figure `json:"output_tokens_per_s"`
	// TokensPerTask is (input + output) tokens per task.
	TokensPerTask Figure `json:"tokens_per_task"`
	// SuccessfulTasks are the tasks of Tasks that succeeded, PassRate their
	// share; OutcomeBasis says how success was judged (Outcome* constants).
	SuccessfulTasks Figure `json:"successful_tasks"`
	PassRate        Figure `json:"pass_rate"`
	OutcomeBasis    string `json:"outcome_basis,omitempty"`
}

// Scenario is what the user stated (or what was assumed) about deployment.
type Scenario struct {
	Utilization Figure `json:"utilization_fraction"`
	// VolumeTasksPerDay is the volume used for payback and the projection.
	VolumeTasksPerDay Figure `json:"volume_tasks_per_day"`
	// ReferenceModel is the API model ("provider/model") of the tornado and projection.
	ReferenceModel             string `json:"reference_model"`
	APIPriceDeclinePerYear     Figure `json:"api_price_decline_fraction_per_year"`
	TokensPerTaskGrowthPerYear Figure `json:"tokens_per_task_growth_fraction_per_year"`
	// Nodes is how many nodes the stated volume needs (at most the stated utilisation each).
	Nodes Figure `json:"nodes"`
}

// OnPrem is the on-prem side of the comparison, for one node of the hardware profile.
type OnPrem struct {
	// PerNodeHour is the hourly cost at the stated utilisation.
	PerNodeHour HourlyCost `json:"per_node_hour"`
	// Power is the node power model used for energy.
	Power PowerFigures `json:"power"`
	// CapacityTasksPerDay is one node's tasks per day at 100 % utilisation.
	CapacityTasksPerDay Figure `json:"capacity_tasks_per_day"`
	// Fleet: all hourly costs over the work done at the stated utilisation.
	Fleet UnitCosts `json:"fleet"`
	// Marginal: only the energy above idle the work added.
	Marginal UnitCosts `json:"marginal"`
}

// HourlyCost is the cost of one node for one hour, broken down.
type HourlyCost struct {
	// CapexMethod is "straight_line" or "cost_of_capital".
	CapexMethod           string `json:"capex_method"`
	CapexUSDPerHour       Figure `json:"capex_usd_per_hour"`
	MaintenanceUSDPerHour Figure `json:"maintenance_usd_per_hour"`
	StaffUSDPerHour       Figure `json:"staff_usd_per_hour"`
	FacilityUSDPerHour    Figure `json:"facility_usd_per_hour"`
	EnergyUSDPerHour      Figure `json:"energy_usd_per_hour"`
	TotalUSDPerHour       Figure `json:"total_usd_per_hour"`
}

// PowerFigures is the node power model used: from the run's energy counter
// when it measured one, else the hardware profile's.
type PowerFigures struct {
	// Basis is "measured" (energy counter × node factor) or "profile".
	Basis                string `json:"basis"`
	BusyNodePowerW       Figure `json:"busy_node_power_w"`
	IdleNodePowerW       Figure `json:"idle_node_power_w"`
	AverageNodePowerW    Figure `json:"average_node_power_w"` // at the stated utilisation
	NodeFactor           Figure `json:"node_to_gpu_power_ratio"`
	PUE                  Figure `json:"pue"`
	ElectricityUSDPerKWh Figure `json:"electricity_usd_per_kwh"`
	// MarginalEnergyPerTaskJ is facility energy above idle per task.
	MarginalEnergyPerTaskJ Figure `json:"marginal_facility_energy_per_task_j"`
}

// UnitCosts are costs per unit of work.
type UnitCosts struct {
	USDPerTask                Figure `json:"usd_per_task"`
	USDPerRequest             Figure `json:"usd_per_request"`
	USDPerMillionTokens       Figure `json:"usd_per_million_tokens"` // input + output, blended
	USDPerMillionOutputTokens Figure `json:"usd_per_million_output_tokens"`
	// USDPerSuccessfulTask is USDPerTask × tasks / successful tasks (absent
	// when no task succeeded).
	USDPerSuccessfulTask *Figure `json:"usd_per_successful_task,omitempty"`
}

// APICost is the API bill for the run's measured tokens on one catalog model.
type APICost struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	// Key is "provider/model".
	Key string `json:"key"`
	// Billed tokens of the whole measured window, split by price.
	InputUSD            Figure `json:"input_usd"` // uncached input
	CachedInputUSD      Figure `json:"cached_input_usd"`
	CacheWriteUSD       Figure `json:"cache_write_usd"`
	OutputUSD           Figure `json:"output_usd"` // output excluding reasoning
	ReasoningUSD        Figure `json:"reasoning_usd"`
	TotalUSD            Figure `json:"total_usd"`
	USDPerTask          Figure `json:"usd_per_task"`
	USDPerRequest       Figure `json:"usd_per_request"`
	USDPerMillionTokens Figure `json:"usd_per_million_tokens"`
	// USDPerSuccessfulTask is USDPerTask × tasks / successful tasks, the
	// run's successes (measured on the run's server: an API model's own
	// pass rate comes from a run against it).
	USDPerSuccessfulTask *Figure `json:"usd_per_successful_task,omitempty"`
	// TokensBasis says which token counts priced the model: "recorded" (the
	// source's own bill for the model that produced the trace), "measured"
	// (this run's server is the model priced) or "tokenizer_approximation"
	// (another model's tokenizer counted them).
	TokensBasis string `json:"tokens_basis,omitempty"`
	// BatchUSDPerTask applies the model's batch discount.
	BatchUSDPerTask Figure `json:"batch_usd_per_task"`
	// LongContextRequests counts requests priced at a long-context tier.
	LongContextRequests int `json:"long_context_requests"`
	// OnPremFleetRatio is on-prem fleet USD per task / this model's USD per task.
	OnPremFleetRatio *Figure `json:"onprem_fleet_to_api_ratio,omitempty"`
	// Checked and Source date and cite the model's prices; TokensSource says
	// which measured token counts were priced.
	Checked      string `json:"checked"`
	Source       string `json:"source"`
	TokensSource string `json:"tokens_source"`
	// EffectiveFrom is the date the price took effect, when the catalog says;
	// PriceAgeDays is the price's age at PricedAt and Stale says it is past
	// the comparison's threshold (price_age.stale_after_days).
	EffectiveFrom string `json:"effective_from,omitempty"`
	PriceAgeDays  int    `json:"price_age_days"`
	Stale         bool   `json:"stale"`
	// RequestFeeUSD is the provider's per-request fee for the window, where it charges one.
	RequestFeeUSD *Figure `json:"request_fee_usd,omitempty"`
}

// RecordedAPICost is an API cost per task the workload's source recorded.
type RecordedAPICost struct {
	Model      string `json:"model"`
	USDPerTask Figure `json:"usd_per_task"`
	// Tasks and Successes are the source's own counts; USDPerSuccessfulTask
	// its bill over its successes (absent when it recorded none).
	Tasks                int     `json:"tasks,omitempty"`
	Successes            int     `json:"successes,omitempty"`
	USDPerSuccessfulTask *Figure `json:"usd_per_successful_task,omitempty"`
}

// BreakEven compares on-prem (one or more nodes) with one API model.
type BreakEven struct {
	Key string `json:"key"` // "provider/model"
	// Reachable is false when on-prem at 100 % utilisation still costs more per
	// task than the API; Reason then says so and TasksPerDay is absent.
	Reachable bool   `json:"reachable"`
	Reason    string `json:"reason,omitempty"`
	// TasksPerDay is the volume above which one node is cheaper than the API.
	TasksPerDay *Figure `json:"tasks_per_day,omitempty"`
	// PaybackMonths is capex / (monthly API bill − monthly on-prem opex) at the
	// stated volume; absent, with PaybackReason, when it never pays back.
	PaybackMonths *Figure `json:"payback_months,omitempty"`
	PaybackReason string  `json:"payback_reason,omitempty"`
	// SavingUSDPerMonth is API − on-prem (all-in) per month at the stated volume.
	SavingUSDPerMonth Figure `json:"saving_usd_per_month"`
}

// CurvePoint is the fleet cost at one utilisation.
type CurvePoint struct {
	UtilizationFraction float64 `json:"utilization_fraction"`
	USDPerTask          float64 `json:"usd_per_task"`
	USDPerMillionTokens float64 `json:"usd_per_million_tokens"`
	TotalUSDPerHour     float64 `json:"total_usd_per_hour"`
}

// Sensitivity is tornado data: Metric at the base case, and each input moved
// by ±SwingFraction with the others held, ranked by |HighMetric − LowMetric|.
type Sensitivity struct {
	// Metric names what is measured: "onprem_minus_api_usd_per_task"
	// (on-prem fleet cost per task minus the reference model's; negative:
	// on-prem saves).
	Metric         string       `json:"metric"`
	ReferenceModel string       `json:"reference_model"`
	SwingFraction  float64      `json:"swing_fraction"`
	BaseUSDPerTask float64      `json:"base_usd_per_task"`
	Rows           []TornadoRow `json:"rows"`
}

// TornadoRow is one input of the tornado.
type TornadoRow struct {
	Input      string     `json:"input"`
	Unit       string     `json:"unit"`
	Provenance Provenance `json:"provenance"`
	BaseValue  float64    `json:"base_value"`
	LowValue   float64    `json:"low_value"`
	HighValue  float64    `json:"high_value"`
	// LowUSDPerTask and HighUSDPerTask are the metric with the input at its low and high value.
	LowUSDPerTask  float64 `json:"low_usd_per_task"`
	HighUSDPerTask float64 `json:"high_usd_per_task"`
	// SwingUSDPerTask is |High − Low|, the ranking key.
	SwingUSDPerTask float64 `json:"swing_usd_per_task"`
}

// Projection is the cost over the amortisation period at the stated volume,
// with API prices falling and tokens per task growing each year.
type Projection struct {
	ReferenceModel string           `json:"reference_model"`
	Years          []ProjectionYear `json:"years"`
	// CumulativeSavingUSD is the API total minus the on-prem total over all years.
	CumulativeSavingUSD Figure `json:"cumulative_saving_usd"`
}

// ProjectionYear is one year of the projection.
type ProjectionYear struct {
	Year                int     `json:"year"`
	TokensPerTask       float64 `json:"tokens_per_task"`
	Nodes               int     `json:"nodes"`
	APIUSDPerTask       float64 `json:"api_usd_per_task"`
	OnPremUSDPerTask    float64 `json:"onprem_usd_per_task"`
	APIUSD              float64 `json:"api_usd"`
	OnPremUSD           float64 `json:"onprem_usd"`
	CumulativeAPIUSD    float64 `json:"cumulative_api_usd"`
	CumulativeOnPremUSD float64 `json:"cumulative_onprem_usd"`
}

// PriceDateText shows a price's date and age, and flags it when stale:
// "2026-09-23 (69 days old)", "2026-02 (301 days old) STALE".
func PriceDateText(date string, ageDays int, stale bool) string {
	if date == "" {
		return ""
	}
	s := date
	switch {
	case ageDays == 1:
		s += " (1 day old)"
	case ageDays > 1:
		s += fmt.Sprintf(" (%d days old)", ageDays)
	}
	if stale {
		s += " STALE"
	}
	return s
}

// CostFile holds a run's latest pricing when it was priced after the run
// (tcobench cost), beside run.json, which keeps what the run recorded.
const CostFile = "cost.json"

// WriteCost writes dir/cost.json atomically.
func WriteCost(dir string, c *Cost) error { return writeJSON(dir, CostFile, c) }

// LatestCost sets r.Cost to the pricing in dir/cost.json when there is
// one (a re-pricing is newer than the cost run.json recorded).
func LatestCost(dir string, r *Run) error {
	var c Cost
	err := readJSON(dir, CostFile, &c)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return err
	case c.Schema > CostSchema:
		return fmt.Errorf("%s: cost schema %d is newer than this tcobench understands (%d)", filepath.Join(dir, CostFile), c.Schema, CostSchema)
	}
	r.Cost = &c
	return nil
}
