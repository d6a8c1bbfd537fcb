//go:build !cgo

package nvml

import (
	"context"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

const noCgo = "NVML unavailable: tcobench was built without cgo"

func probe() (*Inventory, error) { return nil, unavailable(noCgo) }

// Options configures the nvml collector (ignored without cgo).
type Options struct {
	GPUs               string
	CUDAVisibleDevices string
	CUDAVisibleSet     bool
	CUDADeviceOrder    string
	PowerInterval      time.Duration
	EnergyInterval     time.Duration
	ContextInterval    time.Duration
}

// SetCUDAEnv sets the CUDA fields from env.
func (o *Options) SetCUDAEnv(env CUDAEnv) {
	o.CUDAVisibleDevices, o.CUDAVisibleSet, o.CUDADeviceOrder = env.VisibleDevices, env.VisibleSet, env.DeviceOrder
}

// Collector is the nvml collector; without cgo it cannot be created.
type Collector struct{}

// New reports ErrUnavailable: go-nvml needs cgo.
func New(Options) (*Collector, error) { return nil, unavailable(noCgo) }

// Name is "nvml".
func (*Collector) Name() string { return Name }

// Run returns at once.
func (*Collector) Run(context.Context, collectors.Sink) error { return unavailable(noCgo) }

// Health reports the collector as unavailable.
func (*Collector) Health() runrecord.CollectorHealth {
	return runrecord.CollectorHealth{Name: Name, Message: noCgo}
}

// Inventory is empty without cgo.
func (*Collector) Inventory() *Inventory { return &Inventory{} }

// Selected is empty without cgo.
func (*Collector) Selected() []GPUInfo { return nil }

// Close does nothing.
func (*Collector) Close() {}
