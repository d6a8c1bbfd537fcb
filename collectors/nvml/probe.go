// Package nvml reads NVIDIA GPU identity, power, energy and utilisation
// through go-nvml. It needs cgo; without a driver it reports ErrUnavailable
// with a plain reason instead of failing.
package nvml

import (
	"errors"
	"fmt"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

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
	// MIGDevices are the MIG devices (GPU and compute instances) NVML
	// shows on this GPU when MIG is on.
	MIGDevices []MIGDevice `json:"mig_devices,omitempty"`
	// SelectedMIG lists the MIG devices through which the run selected this
	// GPU (CUDA_VISIBLE_DEVICES=MIG-…): NVML's energy and power are still the
	// whole GPU's.
	SelectedMIG []string `json:"selected_mig,omitempty"`
	// Unreachable says why NVML could not open this GPU (fallen off the bus,
	// no permission...); the other fields are then empty.
	Unreachable string `json:"unreachable,omitempty"`
}

// MIGDevice is one MIG device (a GPU instance's compute instance).
type MIGDevice struct {
	UUID              string `json:"uuid"`
	GPUInstanceID     int    `json:"gpu_instance_id"`
	ComputeInstanceID int    `json:"compute_instance_id"`
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

// MIGNote says what NVML's figures mean for a GPU in MIG mode.
func MIGNote(g GPUInfo) string {
	n := fmt.Sprintf("GPU %d is in MIG mode (%d MIG device(s) visible", g.Index, len(g.MIGDevices))
	if len(g.SelectedMIG) > 0 {
		n += fmt.Sprintf(", %d selected", len(g.SelectedMIG))
	}
	return n + "): NVML's energy and power are the whole GPU's, every instance's work included"
}

// Name is the nvml collector's registered name.
const Name = collectors.SourceNVML

// EnergyInfo is the identity of the selected GPUs for the energy accounting
// (energy.Config.GPUInfo), by UUID: name, architecture, power limit, MIG
// mode with its instances and the ones selected.
func EnergyInfo(sel []GPUInfo) map[string]runrecord.GPUEnergy {
	out := make(map[string]runrecord.GPUEnergy, len(sel))
	for _, g := range sel {
		out[g.UUID] = runrecord.GPUEnergy{Index: g.Index, UUID: g.UUID, Name: g.Name, Architecture: g.Architecture,
			MIGEnabled: g.MIG, MIGInstances: len(g.MIGDevices), MIGDevices: g.SelectedMIG, PowerLimitW: g.PowerLimitW}
	}
	return out
}
