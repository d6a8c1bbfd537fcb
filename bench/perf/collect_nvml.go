//go:build cgo

package perf

import (
	"context"
	"encoding/binary"
	"time"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"

	"github.com/tcobench/tcobench/collectors/nvml"
)

// NVMLCPU measures the nvml collector sampling power at hz on go-nvml's
// DGX H100 mock (8 GPUs) with telemetry functions set. The mock answers
// in nanoseconds, so this is tcobench's own cost per sample, not the
// driver's.
func NVMLCPU(ctx context.Context, hz float64, d time.Duration) (float64, int, error) {
	s := dgxh100.New()
	for _, dev := range s.Devices {
		telemetry(dev.(*server.Device))
	}
	c, err := nvml.New(nvml.Options{Lib: s, PowerInterval: time.Duration(float64(time.Second) / hz)})
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	return CPUShare(ctx, c, d)
}

// telemetry sets the power, energy and context funcs the DGX mock leaves nil.
func telemetry(d *server.Device) {
	var mj uint64 = 1e9
	d.GetTotalEnergyConsumptionFunc = func() (uint64, gonvml.Return) { mj += 70; return mj, gonvml.SUCCESS }
	d.GetFieldValuesFunc = func(v []gonvml.FieldValue) gonvml.Return {
		for i := range v {
			v[i].ValueType = uint32(gonvml.VALUE_TYPE_UNSIGNED_INT)
			binary.LittleEndian.PutUint32(v[i].Value[:], 700000)
			v[i].NvmlReturn = uint32(gonvml.SUCCESS)
		}
		return gonvml.SUCCESS
	}
	d.GetPowerUsageFunc = func() (uint32, gonvml.Return) { return 700000, gonvml.SUCCESS }
	d.GetUtilizationRatesFunc = func() (gonvml.Utilization, gonvml.Return) {
		return gonvml.Utilization{Gpu: 87, Memory: 40}, gonvml.SUCCESS
	}
	d.GetClockInfoFunc = func(gonvml.ClockType) (uint32, gonvml.Return) { return 1980, gonvml.SUCCESS }
	d.GetTemperatureFunc = func(gonvml.TemperatureSensors) (uint32, gonvml.Return) { return 61, gonvml.SUCCESS }
	d.GetEnforcedPowerLimitFunc = func() (uint32, gonvml.Return) { return 700000, gonvml.SUCCESS }
	d.GetCurrentClocksEventReasonsFunc = func() (uint64, gonvml.Return) { return 0, gonvml.SUCCESS }
}
