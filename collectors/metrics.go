package collectors

// Metric names shared by the GPU sources (nvml, prometheus) and the energy
// accounting. Every name carries its unit.
const (
	// MetricEnergyMJ is a GPU's cumulative energy counter in mJ (since the
	// driver was loaded); only differences are meaningful.
	MetricEnergyMJ = "energy_mj"
	// MetricPowerInstantW is a GPU's instant power in W (NVML FI_DEV_POWER_INSTANT).
	MetricPowerInstantW = "power_instant_w"
	// MetricPowerAvg1sW is a GPU's power averaged over one second in W
	// (NVML GetPowerUsage on Ampere and newer; DCGM_FI_DEV_POWER_USAGE).
	MetricPowerAvg1sW = "power_avg1s_w"
	// MetricCounterReset is 1 at the moment a GPU's energy counter went backwards.
	MetricCounterReset = "energy_counter_reset"
	// MetricCPUEnergyJ is a RAPL zone's cumulative energy in J (host collector).
	MetricCPUEnergyJ = "cpu_energy_j"
)

// SourceNVML is the nvml collector's name, as the accounting sees it in
// samples (the local energy counter, preferred over a cluster's copy).
const SourceNVML = "nvml"

// Label keys identifying a GPU in readings.
const (
	LabelGPU  = "gpu"  // NVML index (or the exporter's gpu label)
	LabelUUID = "uuid" // GPU UUID
	LabelNode = "node" // host name, for cluster sources
	// LabelGPUInstance is the MIG GPU instance a series was published for
	// (dcgm-exporter's GPU_I_ID): device-level figures such as the energy
	// counter repeat the whole GPU's value in each instance's series.
	LabelGPUInstance = "gpu_instance"
)
