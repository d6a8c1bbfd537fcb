//go:build !cgo

package perf

import (
	"context"
	"errors"
	"time"
)

// NVMLCPU needs cgo (go-nvml); without it the figure is not measured.
func NVMLCPU(ctx context.Context, hz float64, d time.Duration) (float64, int, error) {
	return 0, 0, errors.New("built without cgo: the nvml collector is unavailable")
}
