package load

import (
	"context"
	"os"
	"runtime"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/tcobench/tcobench/runrecord"
)

// HostInfo describes the machine running tcobench, best effort.
func HostInfo(ctx context.Context) runrecord.HostInfo {
	h := runrecord.HostInfo{OS: runtime.GOOS, Arch: runtime.GOARCH, CPUCores: runtime.NumCPU()}
	h.Hostname, _ = os.Hostname()
	if hi, err := host.InfoWithContext(ctx); err == nil {
		h.OS = hi.OS + " " + hi.Platform + " " + hi.PlatformVersion + " (kernel " + hi.KernelVersion + ")"
	}
	if ci, err := cpu.InfoWithContext(ctx); err == nil && len(ci) > 0 {
		h.CPUModel = ci[0].ModelName
	}
	if n, err := cpu.CountsWithContext(ctx, true); err == nil && n > 0 {
		h.CPUCores = n
	}
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		h.MemoryBytes = vm.Total
	}
	return h
}
