package doctor

import (
	"fmt"
	"io"
	"strings"

	"github.com/tcobench/tcobench/modelapi"
)

// WriteText prints the report as plain lines.
func WriteText(w io.Writer, r Report) error {
	var b strings.Builder
	writeGPU(&b, r.GPU)
	writeHost(&b, r.Host)
	if r.Target != nil {
		writeTarget(&b, *r.Target)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeGPU(b *strings.Builder, g GPUReport) {
	if !g.Available || g.Inventory == nil {
		fmt.Fprintf(b, "GPU:     none usable (%s)\n", g.Reason)
		return
	}
	inv := g.Inventory
	fmt.Fprintf(b, "GPU:     NVIDIA driver %s, NVML %s", inv.DriverVersion, inv.NVMLVersion)
	if inv.CUDAVersion != "" {
		fmt.Fprintf(b, ", CUDA %s", inv.CUDAVersion)
	}
	fmt.Fprintf(b, ", %d GPU(s) (from NVML)\n", len(inv.GPUs))
	for _, d := range inv.GPUs {
		if d.Unreachable != "" {
			fmt.Fprintf(b, "  GPU %d: unreachable (%s)\n", d.Index, d.Unreachable)
			continue
		}
		fmt.Fprintf(b, "  GPU %d: %s, %s memory", d.Index, d.Name, gib(d.MemoryBytes))
		if d.PowerLimitW > 0 {
			fmt.Fprintf(b, ", power limit %.0f W", d.PowerLimitW)
		}
		mig := "off"
		if d.MIG {
			mig = "on"
		}
		fmt.Fprintf(b, ", MIG %s, %s\n", mig, d.UUID)
	}
	for _, n := range inv.Notes {
		fmt.Fprintf(b, "  note: %s\n", n)
	}
}

func writeHost(b *strings.Builder, h HostReport) {
	platform := h.OS
	if h.Platform != "" {
		platform = h.Platform
	}
	fmt.Fprintf(b, "host:    %s, %s, kernel %s", platform, h.Arch, orUnknown(h.Kernel))
	if h.Hostname != "" {
		fmt.Fprintf(b, ", hostname %s", h.Hostname)
	}
	b.WriteString(" (from the OS)\n")
	fmt.Fprintf(b, "CPU:     %s, %d physical cores, %d logical CPUs (from the OS)\n", orUnknown(h.CPUModel), h.PhysicalCores, h.LogicalCPUs)
	if h.MemTotalBytes > 0 {
		fmt.Fprintf(b, "memory:  %s total, %s available (from the OS)\n", gib(h.MemTotalBytes), gib(h.MemAvailBytes))
	}
	for _, e := range h.Errors {
		fmt.Fprintf(b, "  could not read %s\n", e)
	}
}

func writeTarget(b *strings.Builder, t modelapi.TargetReport) {
	if !t.Answers {
		fmt.Fprintf(b, "target:  %s does not answer: %s\n", t.URL, t.Error)
		return
	}
	names := map[string]string{"ollama": "Ollama native API", "openai": "OpenAI-compatible API"}
	var apis []string
	for _, a := range t.APIs {
		apis = append(apis, names[a])
	}
	fmt.Fprintf(b, "target:  %s answers: %s\n", t.URL, strings.Join(apis, ", "))
	if o := t.Ollama; o != nil {
		fmt.Fprintf(b, "  Ollama version %s, %d model(s)\n", o.Version, len(o.Models))
		for _, m := range o.Models {
			fmt.Fprintf(b, "  model %s: %s", m.Name, mib(m.SizeBytes))
			if m.Family != "" {
				fmt.Fprintf(b, ", family %s", m.Family)
			}
			if m.ParameterSize != "" {
				fmt.Fprintf(b, ", %s parameters", m.ParameterSize)
			}
			if m.Quantization != "" && m.Quantization != "unknown" {
				fmt.Fprintf(b, ", %s", m.Quantization)
			}
			b.WriteString(" (as the server reports)\n")
		}
	}
	if o := t.OpenAI; o != nil {
		fmt.Fprintf(b, "  OpenAI-compatible /v1/models: %s\n", orNone(strings.Join(o.Models, ", ")))
	}
}

func gib(n uint64) string { return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30)) }
func mib(n int64) string  { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
