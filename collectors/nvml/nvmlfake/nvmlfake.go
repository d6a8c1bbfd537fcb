//go:build cgo

// Package nvmlfake fills in the telemetry that go-nvml's DGX mock servers
// leave unset (calling it panics with "method is nil"): a power draw that
// tests and benchmarks set, and an energy counter that integrates it on a
// clock they advance. It serves the nvml collector's tests and the
// self-benchmark; it is not for production code.
package nvmlfake

import (
	"encoding/binary"
	"sync"
	"time"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/dgxh100"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"
)

// GPU is one mock device's telemetry: a constant power draw and the energy
// counter (mJ) that Advance integrates. It is safe for concurrent use.
type GPU struct {
	mu      sync.Mutex
	powerW  float64
	counter uint64
}

// SetPower sets the power draw, in watts.
func (g *GPU) SetPower(w float64) {
	g.mu.Lock()
	g.powerW = w
	g.mu.Unlock()
}

// Advance adds the energy drawn at the current power over d to the counter.
func (g *GPU) Advance(d time.Duration) {
	g.mu.Lock()
	g.counter += uint64(g.powerW * d.Seconds() * 1000)
	g.mu.Unlock()
}

// ResetCounter sets the energy counter to zero, as a driver reload does.
func (g *GPU) ResetCounter() {
	g.mu.Lock()
	g.counter = 0
	g.mu.Unlock()
}

func (g *GPU) read() (powerMW uint32, counterMJ uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return uint32(g.powerW * 1000), g.counter
}

// Attach sets d's power, energy, utilisation, clock, temperature, power-limit
// and throttle-reason functions to report g (utilisation 87 %/40 %, clocks
// 1,980 MHz, 61 °C, a 700 W limit, no throttling).
func Attach(d *server.Device, g *GPU) {
	d.GetTotalEnergyConsumptionFunc = func() (uint64, gonvml.Return) {
		_, mj := g.read()
		return mj, gonvml.SUCCESS
	}
	d.GetFieldValuesFunc = func(v []gonvml.FieldValue) gonvml.Return {
		mw, _ := g.read()
		for i := range v {
			v[i].ValueType = uint32(gonvml.VALUE_TYPE_UNSIGNED_INT)
			binary.LittleEndian.PutUint32(v[i].Value[:], mw)
			v[i].NvmlReturn = uint32(gonvml.SUCCESS)
		}
		return gonvml.SUCCESS
	}
	d.GetPowerUsageFunc = func() (uint32, gonvml.Return) {
		mw, _ := g.read()
		return mw, gonvml.SUCCESS
	}
	d.GetUtilizationRatesFunc = func() (gonvml.Utilization, gonvml.Return) {
		return gonvml.Utilization{Gpu: 87, Memory: 40}, gonvml.SUCCESS
	}
	d.GetClockInfoFunc = func(gonvml.ClockType) (uint32, gonvml.Return) { return 1980, gonvml.SUCCESS }
	d.GetTemperatureFunc = func(gonvml.TemperatureSensors) (uint32, gonvml.Return) { return 61, gonvml.SUCCESS }
	d.GetEnforcedPowerLimitFunc = func() (uint32, gonvml.Return) { return 700000, gonvml.SUCCESS }
	d.GetCurrentClocksEventReasonsFunc = func() (uint64, gonvml.Return) { return 0, gonvml.SUCCESS }
}

// NewDGXH100 returns go-nvml's 8-GPU DGX H100 mock with telemetry attached:
// GPU i draws powerW[i] watts (100 W where not given), its counter starting
// at 1e9 + i mJ.
func NewDGXH100(powerW ...float64) (*server.Server, []*GPU) {
	s := dgxh100.New()
	gpus := make([]*GPU, 0, len(s.Devices))
	for i, d := range s.Devices {
		g := &GPU{powerW: 100, counter: uint64(1e9 + i)}
		if i < len(powerW) {
			g.powerW = powerW[i]
		}
		Attach(d.(*server.Device), g)
		gpus = append(gpus, g)
	}
	return s, gpus
}
