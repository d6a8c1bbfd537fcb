package doctor

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/tcobench/tcobench/modelapi"

	"github.com/tcobench/tcobench/collectors/nvml"
)

// Report is everything doctor found. Target is nil when no URL was given.
type Report struct {
	GPU    GPUReport              `json:"gpu"`
	Host   HostReport             `json:"host"`
	Target *modelapi.TargetReport `json:"target,omitempty"`
}

// GPUReport is the NVML inventory, or why there is none.
type GPUReport struct {
	Available bool            `json:"available"`
	Reason    string          `json:"reason,omitempty"` // why NVML could not be used
	Inventory *nvml.Inventory `json:"inventory,omitempty"`
}

// Options selects what Run probes.
type Options struct {
	Target string       // model server base URL; "" skips the target check
	Client *http.Client // for the target; nil means a client with a 5 s timeout
	// StallTimeout bounds each request of the TCP stall probe (0: 30 s).
	StallTimeout time.Duration
}

// Run probes the GPUs, the host and, when asked, the target: which APIs
// it speaks and, with a model listed, whether its streams show a TCP stall
// (a few small streamed requests on one connection).
func Run(ctx context.Context, opts Options) Report {
	r := Report{GPU: ProbeGPU(), Host: ProbeHost(ctx)}
	if opts.Target != "" {
		t := modelapi.ProbeTarget(ctx, opts.Target, opts.Client)
		if tgt, ok := t.ProbeTarget(); ok && t.Answers {
			timeout := opts.StallTimeout
			if timeout <= 0 {
				timeout = 30 * time.Second
			}
			p := modelapi.ProbeStall(ctx, tgt, timeout)
			t.Stall = &p
		}
		r.Target = &t
	}
	return r
}

// ProbeGPU asks NVML for the driver and GPUs.
func ProbeGPU() GPUReport {
	inv, err := nvml.Probe()
	if err != nil {
		return GPUReport{Reason: gpuReason(err)}
	}
	return GPUReport{Available: true, Inventory: inv}
}

// gpuReason folds NVML's error onto one line and drops the generic
// "NVML unavailable" prefix when a more specific reason follows.
func gpuReason(err error) string {
	msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
	for _, p := range []string{nvml.ErrUnavailable.Error() + "; ", nvml.ErrUnavailable.Error() + ": "} {
		if rest, ok := strings.CutPrefix(msg, p); ok && rest != "" {
			return rest
		}
	}
	return msg
}
