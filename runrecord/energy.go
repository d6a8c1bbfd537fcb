package runrecord

import "encoding/json"

// Energy is the energy accounting of a run, computed by energy.Account (package energy)
// from the run, its attempts and its telemetry samples. Every field name
// carries its unit (J, W, Wh, s); every boundary figure says whether it was
// measured, configured or assumed (see Provenance).
//
// When Measured is false no energy counter was read (no GPU, no driver, the
// collector failed) and Reason says why; the numeric fields are then absent,
// never zero-as-a-measurement.
type Energy struct {
	// Measured is false when no energy counter was read (no GPU, no driver);
	// Reason then says why, in plain words.
	Measured bool   `json:"measured"`
	Reason   string `json:"reason,omitempty"`
	// Source is where the GPU energy came from: "nvml" (local counter) or
	// "prometheus" (a cluster's dcgm-exporter series read back).
	Source string `json:"source,omitempty"`
	// EnergySource is how GPUEnergyJ was obtained: "counter" (the cumulative
	// energy counter), "power_integral" (sampled power integrated, when no
	// counter was read: less accurate, and no cross-check) or
	// "counter+power_integral" when GPUs differ (see gpus[].energy_source).
	EnergySource string `json:"energy_source,omitempty"`
	// DriverVersion and NVMLVersion identify the NVIDIA driver (nvml source).
	DriverVersion string `json:"driver_version,omitempty"`
	NVMLVersion   string `json:"nvml_version,omitempty"`

	// Window is the span the energy covers (the run's measurement window,
	// warm-up and cool-down excluded), on the run clock; WindowS its length.
	Window  Window  `json:"window"`
	WindowS float64 `json:"window_s"`
	// Reliable is false when the window is shorter than MinWindowS or when a
	// counter went backwards; Warnings say which. A counter and power
	// integral that disagree by more than the tolerance only add a warning:
	// the counter is the reference, sampled power the less accurate one.
	Reliable   bool    `json:"reliable"`
	MinWindowS float64 `json:"min_window_s"`

	// GPUEnergyJ is the sum over the selected GPUs of the energy counter's
	// increase over Window (measured).
	GPUEnergyJ float64 `json:"gpu_energy_j"`
	// AvgGPUPowerW is GPUEnergyJ / WindowS.
	AvgGPUPowerW float64 `json:"avg_gpu_power_w"`
	// PowerIntegralJ is the time integral of sampled power over Window,
	// summed over GPUs: the cross-check of GPUEnergyJ. PowerSource names the
	// power reading used ("instant" or "average_1s"). CrossCheckDiffPct is
	// |PowerIntegralJ-GPUEnergyJ|/GPUEnergyJ×100; above 5 a warning is added.
	PowerIntegralJ    float64 `json:"power_integral_j,omitempty"`
	PowerSource       string  `json:"power_source,omitempty"`
	CrossCheckDiffPct float64 `json:"cross_check_diff_pct,omitempty"`

	// Idle is the baseline measured before the load; nil when none was taken.
	Idle *IdleBaseline `json:"idle,omitempty"`
	// IdleEnergyJ is Idle.GPUPowerW × WindowS: the part of GPUEnergyJ the GPUs
	// would have drawn anyway. MarginalGPUEnergyJ = GPUEnergyJ − IdleEnergyJ
	// (not below zero).
	IdleEnergyJ        float64 `json:"idle_energy_j,omitempty"`
	MarginalGPUEnergyJ float64 `json:"marginal_gpu_energy_j,omitempty"`

	// Denominators of the intensities: measured attempts that completed OK,
	// their output tokens, and the distinct tasks they belong to.
	Requests     int `json:"requests"`
	OutputTokens int `json:"output_tokens"`
	Tasks        int `json:"tasks"`

	// Fleet includes the idle baseline (what a dedicated server costs);
	// Marginal subtracts it (what the load added). Both at the GPU boundary;
	// Boundaries carries them for node and facility.
	Fleet    EnergyIntensity  `json:"fleet"`
	Marginal *EnergyIntensity `json:"marginal,omitempty"`

	// RequestShareJ is the distribution of per-request energy shares: each
	// request's share of the energy sampled while it was in flight, split
	// evenly across the requests in flight at that moment (fleet view).
	// RequestShareMarginalJ is the same with the idle power subtracted.
	RequestShareJ         *Dist `json:"request_share_j,omitempty"`
	RequestShareMarginalJ *Dist `json:"request_share_marginal_j,omitempty"`
	// ByTaskName gives J per task by the workload's task kind, from the
	// per-request shares (fleet and marginal).
	ByTaskName map[string]TaskEnergy `json:"by_task_name,omitempty"`

	// GPUs holds the per-GPU figures.
	GPUs []GPUEnergy `json:"gpus,omitempty"`
	// CPUPackageEnergyJ is the RAPL package energy over Window (measured),
	// nil when the kernel does not expose powercap; CPUEnergyNote says why.
	CPUPackageEnergyJ *float64 `json:"cpu_package_energy_j,omitempty"`
	CPUEnergyNote     string   `json:"cpu_energy_note,omitempty"`

	// Throttled is true when a GPU's clocks were throttled during the window
	// (gpus[].clock_event_reasons say why): throughput and energy are those
	// of the throttled clocks.
	Throttled bool `json:"throttled,omitempty"`

	// Boundaries are "gpu", "node" and "facility", in that order.
	Boundaries []EnergyBoundary `json:"boundaries,omitempty"`
	// Warnings are things a reader must know to trust these figures.
	Warnings []string `json:"warnings,omitempty"`
}

// MarshalJSON writes an unmeasured Energy without its numeric fields, so
// that "not measured" never reads as zero joules.
func (e Energy) MarshalJSON() ([]byte, error) {
	type plain Energy
	if e.Measured {
		return json.Marshal(plain(e))
	}
	return json.Marshal(struct {
		Measured          bool     `json:"measured"`
		Reason            string   `json:"reason,omitempty"`
		Source            string   `json:"source,omitempty"`
		CPUPackageEnergyJ *float64 `json:"cpu_package_energy_j,omitempty"`
		CPUEnergyNote     string   `json:"cpu_energy_note,omitempty"`
		Warnings          []string `json:"warnings,omitempty"`
	}{e.Measured, e.Reason, e.Source, e.CPUPackageEnergyJ, e.CPUEnergyNote, e.Warnings})
}

// EnergyIntensity is energy per unit of work. A zero value means the
// denominator was zero (no requests, no tokens), not zero energy.
type EnergyIntensity struct {
	JPerRequest     float64 `json:"j_per_request"`
	JPerOutputToken float64 `json:"j_per_output_token"`
	JPerTask        float64 `json:"j_per_task"`
	WhPer1kRequests float64 `json:"wh_per_1k_requests"`
}

// IdleBaseline is the GPUs' draw with no load, measured before the run.
type IdleBaseline struct {
	// Window is the span measured (negative times: before the run's clock zero).
	Window  Window  `json:"window"`
	WindowS float64 `json:"window_s"`
	// GPUPowerW is the summed idle power of the selected GPUs (measured).
	GPUPowerW float64 `json:"gpu_power_w"`
	// Provenance is Measured, or Configured when given as a setting.
	Provenance Provenance `json:"provenance"`
}

// GPUEnergy is one GPU's figures over the energy window.
type GPUEnergy struct {
	// Key identifies the GPU: its UUID, or node/gpu for cluster sources.
	Key   string `json:"key"`
	Index int    `json:"index"`
	UUID  string `json:"uuid,omitempty"`
	Name  string `json:"name,omitempty"`
	Node  string `json:"node,omitempty"`
	// Architecture ("hopper", ...), MIG mode and the enforced power limit in W.
	Architecture string  `json:"architecture,omitempty"`
	MIGEnabled   bool    `json:"mig_enabled,omitempty"`
	PowerLimitW  float64 `json:"power_limit_w,omitempty"`
	// MIGInstances is how many MIG devices the GPU shows (in MIG mode);
	// MIGDevices are those the run selected it through (CUDA_VISIBLE_DEVICES
	// MIG-…). The energy counter is the whole GPU's either way.
	MIGInstances int      `json:"mig_instances,omitempty"`
	MIGDevices   []string `json:"mig_devices,omitempty"`
	// EnergyJ is the counter's increase over the window (measured), or the
	// power integral when EnergySource says so.
	EnergyJ      float64 `json:"energy_j"`
	EnergySource string  `json:"energy_source,omitempty"`
	AvgPowerW    float64 `json:"avg_power_w"`
	// PowerIntegralJ is ∫ sampled power dt over the window (cross-check).
	PowerIntegralJ float64 `json:"power_integral_j,omitempty"`
	IdlePowerW     float64 `json:"idle_power_w,omitempty"`
	// CounterResets counts backward jumps of the counter (driver reloads).
	CounterResets int `json:"counter_resets,omitempty"`
	// ClockEventReasons are the clock-event reasons NVML reported during
	// the window (sw_power_cap, hw_thermal_slowdown, ...; gpu_idle left
	// out); Throttled is true when one of them held the clocks down.
	ClockEventReasons []string `json:"clock_event_reasons,omitempty"`
	Throttled         bool     `json:"throttled,omitempty"`
}

// TaskEnergy is the energy of one kind of task.
type TaskEnergy struct {
	Tasks            int     `json:"tasks"`
	JPerTask         float64 `json:"j_per_task"`
	MarginalJPerTask float64 `json:"marginal_j_per_task"`
}

// EnergyBoundary is the run's energy at one system boundary.
type EnergyBoundary struct {
	// Name is "gpu", "node" or "facility".
	Name string `json:"name"`
	// EnergyJ (fleet) and MarginalEnergyJ (idle subtracted) at this boundary.
	EnergyJ         float64 `json:"energy_j"`
	MarginalEnergyJ float64 `json:"marginal_energy_j,omitempty"`
	// Provenance of EnergyJ: Measured (gpu; node when a node meter was read),
	// Configured (node factor or PUE given by the user) or Assumed (defaults).
	Provenance Provenance `json:"provenance"`
	// Factor multiplies the previous boundary's energy to get this one
	// (1 for gpu; node/GPU ratio for node; PUE for facility).
	Factor float64 `json:"factor"`
	// FactorSource says where Factor came from (flag, profile, default and its source).
	FactorSource string           `json:"factor_source,omitempty"`
	Fleet        EnergyIntensity  `json:"fleet"`
	Marginal     *EnergyIntensity `json:"marginal,omitempty"`
}

// Boundary names.
const (
	BoundaryGPU      = "gpu"
	BoundaryNode     = "node"
	BoundaryFacility = "facility"
)

// Intensity is j joules per request, output token and task of the work e
// counts (Requests, OutputTokens, Tasks); a zero denominator leaves its
// figure zero.
func (e *Energy) Intensity(j float64) EnergyIntensity {
	var x EnergyIntensity
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
