// Package perfmodel projects LLM serving performance on hardware that was
// not measured: a roofline cost of each engine step (prefill bounded by
// compute, decode by memory bandwidth, the KV cache bounding the batch,
// tensor parallelism with its all-reduce cost) inside a discrete-event
// simulation of continuous batching that replays a workload plan's own
// arrivals, steps and token lengths. The simulated attempts go through the
// same metrics as a real run (load/metrics), so TTFT, TPOT, E2E and task
// latency, throughput and goodput mean what they mean for a measured run.
//
// Efficiency factors (the achieved fraction of peak compute and bandwidth,
// fixed overheads) default to figures fitted on published measurements and
// can be fitted from a real run on owned hardware (Calibrate). Every
// projected figure carries an error band (Band) and the provenance
// runrecord.Projected. Plan sizes a fleet and prices it with package tco.
package perfmodel

import (
	"fmt"

	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/tco"
)

// GiB is 2^30 bytes. Accelerator memory sizes are binary: an "80 GB"
// H100 reports 81,559 MiB, and a "141 GB" H200 143,771 MiB.
const GiB = 1 << 30

// Device kinds.
const (
	KindGPU = "gpu" // an accelerator (GPU or other) with its own memory
	KindCPU = "cpu" // the node's CPU cores and DRAM
)

// Device is one compute device of a node as the model sees it: peaks per
// precision, memory and bandwidths, in SI units (FLOP/s, bytes, bytes/s).
type Device struct {
	Name string
	Kind string
	// PerNode is how many devices a node has (1 for a CPU node).
	PerNode int
	// PeakFLOPS by compute precision: "bf16", "fp8", "fp4", "f32". A zero
	// or missing entry means the device lacks it (a slower one is used).
	PeakFLOPS map[string]float64
	MemBytes  float64
	// MemBW is the device memory bandwidth.
	MemBW float64
	// LinkBW is the device-to-device bandwidth per direction (0: none).
	LinkBW float64
}

// Peak returns the compute peak for weights (or a KV cache) at p: the
// device's FP8 or FP4 rate when it has one, else BF16 (weight-only
// quantised formats dequantise to BF16), F32 for f32 on a CPU.
func (d *Device) Peak(p modelarch.Precision) float64 {
	order := []string{"bf16"}
	switch p {
	case modelarch.FP8, modelarch.INT8:
		order = []string{"fp8", "bf16"}
	case modelarch.FP4, modelarch.MXFP4:
		order = []string{"fp4", "fp8", "bf16"}
	case modelarch.F32:
		order = []string{"f32", "bf16"}
	}
	for _, k := range order {
		if v := d.PeakFLOPS[k]; v > 0 {
			return v
		}
	}
	for _, v := range d.PeakFLOPS {
		if v > 0 {
			return v
		}
	}
	return 0
}

// DeviceFromProfile reads a hardware profile's performance figures; the
// error names the profile and the first missing field.
func DeviceFromProfile(h *tco.Hardware) (Device, error) {
	get := func(field string, scale float64, errp *error) float64 {
		if *errp != nil {
			return 0
		}
		v, err := h.PerfFigure(field)
		*errp = err
		return v * scale
	}
	var err error
	n := int(h.AcceleratorsPerNode.V())
	if n == 0 {
		d := Device{Name: h.Name + " CPU", Kind: KindCPU, PerNode: 1}
		peak := get("cpu_peak_fp32_tflops", 1e12, &err)
		d.PeakFLOPS = map[string]float64{"f32": peak, "bf16": peak}
		d.MemBW = get("cpu_memory_bandwidth_gb_per_s", 1e9, &err)
		d.MemBytes = get("host_memory_gb", GiB, &err)
		return d, err
	}
	d := Device{Name: h.AcceleratorModel, Kind: KindGPU, PerNode: n, MemBytes: h.AcceleratorMemoryGB.V() * GiB}
	d.PeakFLOPS = map[string]float64{"bf16": get("accelerator_bf16_dense_tflops", 1e12, &err), "fp8": get("accelerator_fp8_dense_tflops", 1e12, &err)}
	d.MemBW = get("accelerator_memory_bandwidth_gb_per_s", 1e9, &err)
	d.LinkBW = get("accelerator_link_bandwidth_gb_per_s", 1e9/2, &err)
	if err == nil && d.MemBytes <= 0 {
		err = fmt.Errorf("hardware profile %s: accelerator_memory_gb is 0", h.Name)
	}
	return d, err
}
