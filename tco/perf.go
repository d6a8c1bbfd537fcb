package tco

import "fmt"

// Perf are the figures of a hardware profile that the performance model
// (package perfmodel) needs to project throughput on hardware not measured.
// They are optional in a profile: pricing a measured run never reads them,
// and a projection that needs a missing one says which. Accelerator figures
// are per accelerator; CPU figures are for the whole node.
type Perf struct {
	// AcceleratorBF16DenseTFLOPS is the dense (no sparsity) BF16 tensor peak.
	AcceleratorBF16DenseTFLOPS *Sourced `yaml:"accelerator_bf16_dense_tflops,omitempty" json:"accelerator_bf16_dense_tflops,omitempty"`
	// AcceleratorFP8DenseTFLOPS is the dense FP8 peak; 0 when the part has no FP8.
	AcceleratorFP8DenseTFLOPS *Sourced `yaml:"accelerator_fp8_dense_tflops,omitempty" json:"accelerator_fp8_dense_tflops,omitempty"`
	// AcceleratorMemoryBandwidthGBPerS is the HBM (or GDDR) bandwidth.
	AcceleratorMemoryBandwidthGBPerS *Sourced `yaml:"accelerator_memory_bandwidth_gb_per_s,omitempty" json:"accelerator_memory_bandwidth_gb_per_s,omitempty"`
	// AcceleratorLinkBandwidthGBPerS is the GPU-to-GPU bandwidth per
	// accelerator, both directions together, as vendors quote it (NVLink 4:
	// 900); a PCIe-only part states its PCIe link.
	AcceleratorLinkBandwidthGBPerS *Sourced `yaml:"accelerator_link_bandwidth_gb_per_s,omitempty" json:"accelerator_link_bandwidth_gb_per_s,omitempty"`

	// CPUCores is the number of physical cores of the node.
	CPUCores *Sourced `yaml:"cpu_cores,omitempty" json:"cpu_cores,omitempty"`
	// CPUPeakFP32TFLOPS is the node's cores' FP32 peak (all cores, vector FMA).
	CPUPeakFP32TFLOPS *Sourced `yaml:"cpu_peak_fp32_tflops,omitempty" json:"cpu_peak_fp32_tflops,omitempty"`
	// CPUMemoryBandwidthGBPerS is the node's DRAM bandwidth.
	CPUMemoryBandwidthGBPerS *Sourced `yaml:"cpu_memory_bandwidth_gb_per_s,omitempty" json:"cpu_memory_bandwidth_gb_per_s,omitempty"`
	// HostMemoryGB is the node's DRAM, which holds the model on a CPU-only node.
	HostMemoryGB *Sourced `yaml:"host_memory_gb,omitempty" json:"host_memory_gb,omitempty"`
}

// perfField is one optional performance figure with its field name and range.
type perfField struct {
	name string
	s    *Sourced
	r    rng
}

func (p *Perf) fields() []perfField {
	return []perfField{
		{"accelerator_bf16_dense_tflops", p.AcceleratorBF16DenseTFLOPS, rng{1, 100000, "TFLOP/s"}},
		{"accelerator_fp8_dense_tflops", p.AcceleratorFP8DenseTFLOPS, rng{0, 200000, "TFLOP/s (0: no FP8)"}},
		{"accelerator_memory_bandwidth_gb_per_s", p.AcceleratorMemoryBandwidthGBPerS, rng{10, 100000, "GB/s"}},
		{"accelerator_link_bandwidth_gb_per_s", p.AcceleratorLinkBandwidthGBPerS, rng{0, 100000, "GB/s"}},
		{"cpu_cores", p.CPUCores, rng{1, 4096, "cores"}},
		{"cpu_peak_fp32_tflops", p.CPUPeakFP32TFLOPS, rng{0.001, 1000, "TFLOP/s"}},
		{"cpu_memory_bandwidth_gb_per_s", p.CPUMemoryBandwidthGBPerS, rng{1, 10000, "GB/s"}},
		{"host_memory_gb", p.HostMemoryGB, rng{1, 65536, "GB"}},
	}
}

// figures lists the performance figures a profile states, in file order.
func (p *Perf) figures() []NamedFigure {
	var out []NamedFigure
	for _, f := range p.fields() {
		if f.s != nil {
			out = append(out, NamedFigure{f.name, *f.s})
		}
	}
	return out
}

// PerfFigure returns the named performance figure's value, or an error
// naming the profile and the missing field.
func (h *Hardware) PerfFigure(field string) (float64, error) {
	for _, f := range h.Perf.fields() {
		if f.name == field {
			if f.s == nil || f.s.Value == nil {
				return 0, fmt.Errorf("hardware profile %s (%s) has no %s, which the performance model needs (add it with a source and date)", h.Name, h.Path, field)
			}
			return *f.s.Value, nil
		}
	}
	return 0, fmt.Errorf("no performance figure %q", field)
}

// PerfSourced returns the named performance figure as stated, or nil.
func (h *Hardware) PerfSourced(field string) *Sourced {
	for _, f := range h.Perf.fields() {
		if f.name == field {
			return f.s
		}
	}
	return nil
}

// checkPerf validates the performance figures a profile states.
func checkPerf(c *checker, h *Hardware) {
	for _, f := range h.Perf.fields() {
		if f.s != nil {
			c.sourced([]string{f.name}, *f.s, f.r)
		}
	}
}
