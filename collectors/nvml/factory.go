package nvml

import (
	"errors"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Factory is the nvml collector's factory: New(o) when the run starts. On a
// node without an NVIDIA driver it reports collectors.ErrUnavailable, with
// the reason, and the run goes on without GPU energy. Tests pass options
// whose Lib is go-nvml's mock.
func Factory(o Options) collectors.Factory {
	return func(env collectors.Env) (collectors.Collector, error) {
		if o.ContextInterval <= 0 {
			o.ContextInterval = env.Interval
		}
		c, err := New(o)
		if errors.Is(err, ErrUnavailable) {
			return nil, collectors.Unavailable(err)
		}
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// MeasuresGPU reports whether the collector reads the energy of any GPU.
func (c *Collector) MeasuresGPU() bool { return len(c.Selected()) > 0 }

// GPURecords describes the measured GPUs for the run's energy record: the
// driver and NVML versions and each selected GPU's identity (EnergyInfo:
// MIG mode, instances and the MIG devices it was selected through
// included), in selection order.
func (c *Collector) GPURecords() (driver, nvmlVersion string, gpus []runrecord.GPUEnergy) {
	inv := c.Inventory()
	sel := c.Selected()
	info := EnergyInfo(sel)
	for _, g := range sel {
		gpus = append(gpus, info[g.UUID])
	}
	return inv.DriverVersion, inv.NVMLVersion, gpus
}
