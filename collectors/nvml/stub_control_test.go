//go:build cgo

package nvml

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func init() {
	stubScenarios["control"] = scenarioControl
	stubScenarios["control-no-permission"] = scenarioControlNoPermission
}

// stubLog is what the stub recorded of the setting calls that succeeded.
func stubLog(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(os.Getenv("STUB_LOG"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

func clearStubLog(t *testing.T) {
	t.Helper()
	if err := os.Remove(os.Getenv("STUB_LOG")); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
}

// scenarioControl: a power-limit sweep sets the limits in the given order
// on every GPU; interrupted at its second point (Ctrl-C while the load
// runs), it restores the limits found at once, once; a clock sweep ended by
// an error restores too.
func scenarioControl(t *testing.T, lib Library) {
	ctl, err := NewControl(ControlOptions{Lib: lib})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	if g := ctl.GPUs(); len(g) != 2 || g[1].OriginalPowerLimitW != 700 || g[1].EnforcedPowerLimitW != 700 {
		t.Fatalf("GPUs %+v", g)
	}
	if err := ctl.Check(Settings([]float64{800}, nil)); err == nil || !strings.Contains(err.Error(), "power limit 800 W is outside what it accepts (200-700 W)") {
		t.Errorf("800 W: err %v", err)
	}
	clearStubLog(t)

	limits, _ := ParsePowerLimits("300W,450W,600W")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var points []Point
	err = ctl.Sweep(ctx, Settings(limits, nil), func(ctx context.Context, p Point) error {
		points = append(points, p)
		if p.Index < 1 {
			return nil
		}
		cancel() // Ctrl-C during the second point's load
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if g := ctl.GPUs(); g[0].EnforcedPowerLimitW == 700 && g[1].EnforcedPowerLimitW == 700 {
				return ctx.Err() // restored while the point was still running
			}
		}
		t.Error("limits not restored on cancellation while the point ran")
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("sweep err %v, want context.Canceled", err)
	}
	want := []string{
		"gpu 0 power_limit_mw 700000", "gpu 1 power_limit_mw 700000", // permission check: no change
		"gpu 0 power_limit_mw 300000", "gpu 1 power_limit_mw 300000",
		"gpu 0 power_limit_mw 450000", "gpu 1 power_limit_mw 450000",
		"gpu 0 power_limit_mw 700000", "gpu 1 power_limit_mw 700000", // restored, once
	}
	if got := stubLog(t); !slices.Equal(got, want) {
		t.Errorf("setting calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(points) != 2 || points[0].GPUs[1].PowerLimitW != 300 || points[0].GPUs[1].EnforcedPowerLimitW != 300 || points[1].GPUs[0].OriginalPowerLimitW != 700 {
		t.Errorf("points %+v", points)
	}
	if err := ctl.Restore(); err != nil || len(stubLog(t)) != len(want) {
		t.Errorf("a second Restore: %v, calls %d (want none)", err, len(stubLog(t))-len(want))
	}

	clearStubLog(t)
	clocks, _ := ParseClockLocks("1200-1410,1410")
	boom := errors.New("the model server went away")
	err = ctl.Sweep(context.Background(), Settings([]float64{300}, clocks), func(_ context.Context, p Point) error {
		if p.Index == 1 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Errorf("sweep err %v", err)
	}
	got := stubLog(t)
	tail := []string{"gpu 0 power_limit_mw 700000", "gpu 0 reset_locked_clocks", "gpu 1 power_limit_mw 700000", "gpu 1 reset_locked_clocks"}
	if len(got) < len(tail) || !slices.Equal(got[len(got)-len(tail):], tail) || !slices.Contains(got, "gpu 1 locked_clocks_mhz 1410-1410") {
		t.Errorf("setting calls of the clock sweep:\n%s", strings.Join(got, "\n"))
	}
}

// scenarioControlNoPermission: without root, the sweep stops before any
// point with one line saying why, and changes nothing.
func scenarioControlNoPermission(t *testing.T, lib Library) {
	ctl, err := NewControl(ControlOptions{Lib: lib, GPUs: "1"})
	if err != nil {
		t.Fatal(err)
	}
	defer ctl.Close()
	called := false
	err = ctl.Sweep(context.Background(), Settings([]float64{300, 450}, nil), func(context.Context, Point) error {
		called = true
		return nil
	})
	if !errors.Is(err, ErrNoPermission) || called || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err %v (point called: %v)", err, called)
	}
	if !strings.Contains(err.Error(), "GPU 1: setting the power limit: Insufficient Permissions") {
		t.Errorf("err %q", err)
	}
	if got := stubLog(t); len(got) != 0 {
		t.Errorf("settings changed without permission: %q", got)
	}
}
