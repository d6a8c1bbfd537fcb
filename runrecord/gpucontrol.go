package runrecord

// GPUControl is what a power-limit or clock sweep set on one GPU for a
// run, and what it found before the sweep (restored after it).
type GPUControl struct {
	Index int    `json:"index"`
	UUID  string `json:"uuid,omitempty"`
	// PowerLimitW is the limit set for the run (0: left as found);
	// EnforcedPowerLimitW is what NVML enforced once it was set;
	// OriginalPowerLimitW is the limit found before the sweep.
	PowerLimitW         float64 `json:"power_limit_w,omitempty"`
	EnforcedPowerLimitW float64 `json:"enforced_power_limit_w,omitempty"`
	OriginalPowerLimitW float64 `json:"original_power_limit_w,omitempty"`
	// SMClockMinMHz and SMClockMaxMHz are the SM clock lock set for the run
	// (0: none). After the sweep the lock is reset (NVML cannot read back a
	// lock set before it).
	SMClockMinMHz int `json:"sm_clock_min_mhz,omitempty"`
	SMClockMaxMHz int `json:"sm_clock_max_mhz,omitempty"`
}
