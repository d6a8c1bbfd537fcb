// Package nvml reads NVIDIA GPU identity, power, energy and utilisation
// through go-nvml. It needs cgo; without a driver it reports ErrUnavailable
// with a plain reason instead of failing.
package nvml

import "errors"

// ErrUnavailable means NVML could not be used on this machine (no driver, no
// library, no cgo). The wrapping error says why in plain words.
var ErrUnavailable = errors.New("NVML unavailable")

// Inventory is what NVML reports about this node.
type Inventory struct {
	DriverVersion string    `json:"driver_version"`
	NVMLVersion   string    `json:"nvml_version"`
	CUDAVersion   string    `json:"cuda_version,omitempty"`
	GPUs          []GPUInfo `json:"gpus"`
	// Notes say what this driver cannot give (an entry point it lacks) and
	// how tcobench copes, in plain words.
	Notes []string `json:"notes,omitempty"`
}

// GPUInfo identifies one GPU.
type GPUInfo struct {
	Index        int     `json:"index"`
	UUID         string  `json:"uuid"`
	Name         string  `json:"name"`
	Architecture string  `json:"architecture,omitempty"`
	MemoryBytes  uint64  `json:"memory_bytes"`
	MIG          bool    `json:"mig_enabled"`
	PowerLimitW  float64 `json:"power_limit_w,omitempty"`
	// Unreachable says why NVML could not open this GPU (fallen off the bus,
	// no permission...); the other fields are then empty.
	Unreachable string `json:"unreachable,omitempty"`
}

// Probe reports the NVIDIA driver and GPUs of this node. Without a driver it
// returns an error wrapping ErrUnavailable, such as
// "no NVIDIA driver: NVML library not found".
func Probe() (*Inventory, error) {
	return probe()
}

// unavailable wraps ErrUnavailable with a plain reason.
func unavailable(reason string) error {
	return &unavailableError{reason: reason}
}

type unavailableError struct{ reason string }

func (e *unavailableError) Error() string { return e.reason }
func (e *unavailableError) Unwrap() error { return ErrUnavailable }

// Name is the nvml collector's registered name.
const Name = "nvml"
