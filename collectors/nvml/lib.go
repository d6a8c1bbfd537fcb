//go:build cgo

package nvml

import (
	"errors"
	"fmt"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"
)

// Library is the part of go-nvml's Interface this package uses. The real
// library (gonvml.New()) and go-nvml's mock servers both satisfy it.
type Library interface {
	Init() gonvml.Return
	Shutdown() gonvml.Return
	SystemGetDriverVersion() (string, gonvml.Return)
	SystemGetNVMLVersion() (string, gonvml.Return)
	SystemGetCudaDriverVersion() (int, gonvml.Return)
	DeviceGetCount() (int, gonvml.Return)
	DeviceGetHandleByIndex(int) (gonvml.Device, gonvml.Return)
	// Extensions looks symbols up in the loaded library (see symbols).
	Extensions() gonvml.ExtendedInterface
}

// Device is the part of go-nvml's Device this package uses.
type Device interface {
	GetUUID() (string, gonvml.Return)
	GetName() (string, gonvml.Return)
	GetArchitecture() (gonvml.DeviceArchitecture, gonvml.Return)
	GetMigMode() (int, int, gonvml.Return)
	GetMemoryInfo() (gonvml.Memory, gonvml.Return)
	GetTotalEnergyConsumption() (uint64, gonvml.Return)
	GetFieldValues([]gonvml.FieldValue) gonvml.Return
	GetPowerUsage() (uint32, gonvml.Return)
	GetUtilizationRates() (gonvml.Utilization, gonvml.Return)
	GetClockInfo(gonvml.ClockType) (uint32, gonvml.Return)
	GetTemperature(gonvml.TemperatureSensors) (uint32, gonvml.Return)
	GetEnforcedPowerLimit() (uint32, gonvml.Return)
	GetCurrentClocksEventReasons() (uint64, gonvml.Return)
	GetCurrentClocksThrottleReasons() (uint64, gonvml.Return)
	GetMaxMigDeviceCount() (int, gonvml.Return)
	GetMigDeviceHandleByIndex(int) (gonvml.Device, gonvml.Return)
	// GPU control (sweeps).
	GetPowerManagementLimit() (uint32, gonvml.Return)
	GetPowerManagementLimitConstraints() (uint32, uint32, gonvml.Return)
	SetPowerManagementLimit(uint32) gonvml.Return
	GetMaxClockInfo(gonvml.ClockType) (uint32, gonvml.Return)
	SetGpuLockedClocks(uint32, uint32) gonvml.Return
	ResetGpuLockedClocks() gonvml.Return
}

// DefaultLibrary is the system's NVML (libnvidia-ml.so.1, loaded at Init).
func DefaultLibrary() Library { return gonvml.New() }

// initLib initialises lib, turning "no driver" into ErrUnavailable.
func initLib(lib Library) error {
	ret := lib.Init()
	switch {
	case ret == gonvml.SUCCESS:
		return nil
	case ret == gonvml.ERROR_LIBRARY_NOT_FOUND:
		return unavailable("no NVIDIA driver: NVML library not found")
	case ret == gonvml.ERROR_DRIVER_NOT_LOADED:
		return unavailable("no NVIDIA driver: the NVIDIA kernel driver is not loaded")
	case ret == gonvml.ERROR_NO_PERMISSION:
		return unavailable("NVML: no permission to open the GPU devices")
	default:
		return errors.Join(ErrUnavailable, fmt.Errorf("NVML init: %s", ret.Error()))
	}
}

// inventory lists the node's GPUs with their identity.
func inventory(lib Library, sym *symbols) (*Inventory, []Device, error) {
	inv := &Inventory{}
	inv.DriverVersion, _ = str(lib.SystemGetDriverVersion())
	inv.NVMLVersion, _ = str(lib.SystemGetNVMLVersion())
	if sym.has(symCudaVersion) {
		if v, ret := lib.SystemGetCudaDriverVersion(); ret == gonvml.SUCCESS {
			inv.CUDAVersion = fmt.Sprintf("%d.%d", v/1000, (v%1000)/10)
		}
	}
	inv.Notes = driverNotes(sym)
	n, ret := lib.DeviceGetCount()
	if ret != gonvml.SUCCESS {
		return nil, nil, errors.Join(ErrUnavailable, fmt.Errorf("NVML device count: %s", ret.Error()))
	}
	devs := make([]Device, 0, n)
	for i := 0; i < n; i++ {
		d, ret := lib.DeviceGetHandleByIndex(i)
		if ret != gonvml.SUCCESS {
			// One GPU off the bus must not hide the others.
			inv.GPUs = append(inv.GPUs, GPUInfo{Index: i, Unreachable: "NVML: " + ret.Error()})
			devs = append(devs, nil)
			continue
		}
		inv.GPUs = append(inv.GPUs, identify(i, d, sym))
		devs = append(devs, d)
	}
	return inv, devs, nil
}

func identify(i int, d Device, sym *symbols) GPUInfo {
	g := GPUInfo{Index: i}
	g.UUID, _ = str(d.GetUUID())
	g.Name, _ = str(d.GetName())
	if sym.has(symArchitecture) {
		if a, ret := d.GetArchitecture(); ret == gonvml.SUCCESS {
			g.Architecture = archName(a)
		}
	}
	if sym.has(symMemoryInfo) {
		if m, ret := d.GetMemoryInfo(); ret == gonvml.SUCCESS {
			g.MemoryBytes = m.Total
		}
	}
	if sym.has(symMigMode) {
		if cur, _, ret := d.GetMigMode(); ret == gonvml.SUCCESS {
			g.MIG = cur == gonvml.DEVICE_MIG_ENABLE
		}
	}
	if g.MIG {
		g.MIGDevices = migDevices(d, sym)
	}
	if sym.has(symEnforcedLimit) {
		if p, ret := d.GetEnforcedPowerLimit(); ret == gonvml.SUCCESS {
			g.PowerLimitW = float64(p) / 1000
		}
	}
	return g
}

// migDevices lists the MIG devices of a GPU in MIG mode that this process
// can see (a container given one slice sees that one).
func migDevices(d Device, sym *symbols) []MIGDevice {
	if !sym.has(symMigCount) || !sym.has(symMigHandle) {
		return nil
	}
	n, ret := d.GetMaxMigDeviceCount()
	if ret != gonvml.SUCCESS {
		return nil
	}
	var out []MIGDevice
	for i := 0; i < n; i++ {
		m, ret := d.GetMigDeviceHandleByIndex(i)
		if ret != gonvml.SUCCESS {
			continue // not created, or not visible here
		}
		md := MIGDevice{}
		md.UUID, _ = str(m.GetUUID())
		if id, ret := m.GetGpuInstanceId(); ret == gonvml.SUCCESS {
			md.GPUInstanceID = id
		}
		if id, ret := m.GetComputeInstanceId(); ret == gonvml.SUCCESS {
			md.ComputeInstanceID = id
		}
		out = append(out, md)
	}
	return out
}

func str(s string, ret gonvml.Return) (string, bool) {
	if ret != gonvml.SUCCESS {
		return "", false
	}
	return s, true
}

func archName(a gonvml.DeviceArchitecture) string {
	names := map[gonvml.DeviceArchitecture]string{
		gonvml.DEVICE_ARCH_KEPLER: "kepler", gonvml.DEVICE_ARCH_MAXWELL: "maxwell",
		gonvml.DEVICE_ARCH_PASCAL: "pascal", gonvml.DEVICE_ARCH_VOLTA: "volta",
		gonvml.DEVICE_ARCH_TURING: "turing", gonvml.DEVICE_ARCH_AMPERE: "ampere",
		gonvml.DEVICE_ARCH_ADA: "ada", gonvml.DEVICE_ARCH_HOPPER: "hopper",
		gonvml.DEVICE_ARCH_BLACKWELL: "blackwell", gonvml.DEVICE_ARCH_RUBIN: "rubin",
	}
	if n, ok := names[a]; ok {
		return n
	}
	return fmt.Sprintf("unknown(%d)", uint32(a))
}

func probe() (*Inventory, error) { return ProbeLibrary(DefaultLibrary()) }

// ProbeLibrary is Probe against a given library (tests pass a mock).
func ProbeLibrary(lib Library) (*Inventory, error) {
	if err := initLib(lib); err != nil {
		return nil, err
	}
	defer lib.Shutdown()
	inv, _, err := inventory(lib, newSymbols(lib))
	return inv, err
}
