package doctor

import (
	"context"
	"runtime"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"
)

// HostReport describes the host as the OS reports it. Errors are kept as
// text, field by field, so one missing figure does not hide the others.
type HostReport struct {
	Hostname      string   `json:"hostname,omitempty"`
	OS            string   `json:"os"`
	Platform      string   `json:"platform,omitempty"` // distribution and version
	Kernel        string   `json:"kernel,omitempty"`
	Arch          string   `json:"arch"`
	CPUModel      string   `json:"cpu_model,omitempty"`
	PhysicalCores int      `json:"physical_cores,omitempty"`
	LogicalCPUs   int      `json:"logical_cpus,omitempty"`
	MemTotalBytes uint64   `json:"mem_total_bytes,omitempty"`
	MemAvailBytes uint64   `json:"mem_available_bytes,omitempty"`
	Errors        []string `json:"errors,omitempty"`
}

// ProbeHost reads the host's OS, CPU and memory through gopsutil.
func ProbeHost(ctx context.Context) HostReport {
	r := HostReport{OS: runtime.GOOS, Arch: runtime.GOARCH}
	if hi, err := host.InfoWithContext(ctx); err == nil {
		r.Hostname, r.Kernel = hi.Hostname, hi.KernelVersion
		r.Platform = joinNonEmpty(hi.Platform, hi.PlatformVersion)
		if hi.KernelArch != "" {
			r.Arch = hi.KernelArch
		}
	} else {
		r.Errors = append(r.Errors, "host info: "+err.Error())
	}
	if ci, err := cpu.InfoWithContext(ctx); err == nil && len(ci) > 0 {
		r.CPUModel = ci[0].ModelName
	}
	if n, err := cpu.CountsWithContext(ctx, false); err == nil {
		r.PhysicalCores = n
	}
	if n, err := cpu.CountsWithContext(ctx, true); err == nil {
		r.LogicalCPUs = n
	} else {
		r.Errors = append(r.Errors, "cpu count: "+err.Error())
	}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		r.MemTotalBytes, r.MemAvailBytes = vm.Total, vm.Available
	} else {
		r.Errors = append(r.Errors, "memory: "+err.Error())
	}
	return r
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
