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

// ControlOptions selects the GPUs a Control changes (ignored without cgo).
type ControlOptions struct {
	GPUs string
	CUDA CUDAEnv
}

// Control changes GPU settings; without cgo it cannot be created.
type Control struct{}

// NewControl reports ErrUnavailable: go-nvml needs cgo.
func NewControl(ControlOptions) (*Control, error) { return nil, unavailable(noCgo) }

// GPUs is empty without cgo.
func (*Control) GPUs() []runrecord.GPUControl { return nil }

// Check reports ErrUnavailable.
func (*Control) Check([]Setting) error { return unavailable(noCgo) }

// Apply reports ErrUnavailable.
func (*Control) Apply(Setting) ([]runrecord.GPUControl, error) { return nil, unavailable(noCgo) }

// Restore does nothing.
func (*Control) Restore() error { return nil }

// RestoreOnCancel does nothing.
func (*Control) RestoreOnCancel(context.Context) func() { return func() {} }

// Sweep reports ErrUnavailable.
func (*Control) Sweep(context.Context, []Setting, func(context.Context, Point) error) error {
	return unavailable(noCgo)
}

// Close does nothing.
func (*Control) Close() error { return nil }
