//go:build cgo

package perf

import (
	"context"
	"time"

	"github.com/tcobench/tcobench/collectors/nvml"
	"github.com/tcobench/tcobench/collectors/nvml/nvmlfake"
)

// NVMLCPU measures the nvml collector sampling power at hz on go-nvml's
// DGX H100 mock (8 GPUs) with telemetry functions set. The mock answers
// in nanoseconds, so this is tcobench's own cost per sample, not the
// driver's.
func NVMLCPU(ctx context.Context, hz float64, d time.Duration) (float64, int, error) {
	s, _ := nvmlfake.NewDGXH100(700, 700, 700, 700, 700, 700, 700, 700)
	c, err := nvml.New(nvml.Options{Lib: s, PowerInterval: time.Duration(float64(time.Second) / hz)})
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	return CPUShare(ctx, c, d)
}
