//go:build cgo

package nvml

import (
	"context"
	"errors"
	"fmt"
	"sync"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/tcobench/tcobench/runrecord"
)

// NVML entry points of GPU control.
const (
	symLimitGet         = "nvmlDeviceGetPowerManagementLimit"
	symLimitConstraints = "nvmlDeviceGetPowerManagementLimitConstraints"
	symLimitSet         = "nvmlDeviceSetPowerManagementLimit"
	symClocksLock       = "nvmlDeviceSetGpuLockedClocks"
	symClocksReset      = "nvmlDeviceResetGpuLockedClocks"
	symMaxClock         = "nvmlDeviceGetMaxClockInfo"
)

// ControlOptions selects the GPUs a Control changes, as Options does for
// the collector.
type ControlOptions struct {
	// GPUs is "" or "all", or indices / UUIDs (see Select).
	GPUs string
	// CUDA is the CUDA environment (CUDAEnvFrom(os.LookupEnv)).
	CUDA CUDAEnv
	// Lib is the NVML library; nil means the system's.
	Lib Library
}

// Control sets power limits and SM clock locks on the selected GPUs for a
// sweep, and puts back what it found. Check before any load, Apply per
// point, and defer Restore (safe to call more than once, and from
// RestoreOnCancel's goroutine); or let Sweep do all of it.
type Control struct {
	lib  Library
	sym  *symbols
	mu   sync.Mutex
	gpus []*controlled
}

// controlled is one GPU's state: what was found and what was changed.
type controlled struct {
	info         GPUInfo
	dev          Device
	origLimitMW  uint32
	minMW, maxMW uint32
	maxSMClock   uint32
	limitChanged bool // the limit differs from origLimitMW: Restore sets it back
	clocksLocked bool // Restore resets the lock
	clocks       *ClockLock
	limitW       float64
}

// NewControl initialises NVML, selects the GPUs and reads their power
// limits and clock range. A GPU that cannot be opened is an error wrapping
// ErrUnavailable, as for the collector.
func NewControl(o ControlOptions) (*Control, error) {
	if o.Lib == nil {
		o.Lib = DefaultLibrary()
	}
	if err := initLib(o.Lib); err != nil {
		return nil, err
	}
	c := &Control{lib: o.Lib, sym: newSymbols(o.Lib)}
	if err := c.selectGPUs(o); err != nil {
		o.Lib.Shutdown()
		return nil, err
	}
	return c, nil
}

func (c *Control) selectGPUs(o ControlOptions) error {
	inv, devs, err := inventory(c.lib, c.sym)
	if err != nil {
		return err
	}
	sel, err := Select(inv.GPUs, o.GPUs, o.CUDA)
	if err != nil {
		return err
	}
	var lost []error
	for _, g := range sel {
		if g.Unreachable != "" {
			lost = append(lost, fmt.Errorf("GPU %d unreachable (%s)", g.Index, g.Unreachable))
			continue
		}
		c.gpus = append(c.gpus, c.read(g, devs[g.Index]))
	}
	if len(lost) > 0 || len(c.gpus) == 0 {
		lost = append([]error{ErrUnavailable}, lost...)
		if len(c.gpus) == 0 {
			lost = append(lost, errors.New("no GPU selected to control"))
		}
		return errors.Join(lost...)
	}
	return nil
}

// read records what a GPU has before anything is changed.
func (c *Control) read(g GPUInfo, d Device) *controlled {
	x := &controlled{info: g, dev: d}
	if c.sym.has(symLimitGet) {
		x.origLimitMW, _ = d.GetPowerManagementLimit()
	}
	if c.sym.has(symLimitConstraints) {
		x.minMW, x.maxMW, _ = d.GetPowerManagementLimitConstraints()
	}
	if c.sym.has(symMaxClock) {
		x.maxSMClock, _ = d.GetMaxClockInfo(gonvml.CLOCK_SM)
	}
	return x
}

// GPUs is what each controlled GPU has now, with what was found before.
func (c *Control) GPUs() []runrecord.GPUControl {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]runrecord.GPUControl, len(c.gpus))
	for i, g := range c.gpus {
		out[i] = g.record(c.sym)
	}
	return out
}

func (g *controlled) record(sym *symbols) runrecord.GPUControl {
	r := runrecord.GPUControl{Index: g.info.Index, UUID: g.info.UUID, OriginalPowerLimitW: mw(g.origLimitMW), PowerLimitW: g.limitW}
	if sym.has(symEnforcedLimit) {
		if v, ret := g.dev.GetEnforcedPowerLimit(); ret == gonvml.SUCCESS {
			r.EnforcedPowerLimitW = mw(v)
		}
	}
	if g.clocks != nil {
		r.SMClockMinMHz, r.SMClockMaxMHz = g.clocks.MinMHz, g.clocks.MaxMHz
	}
	return r
}

func mw(v uint32) float64 { return float64(v) / 1000 }

// Check validates settings against every GPU's accepted range and, before
// any load, makes sure this process may change them: it sets each power
// limit to the value it has (no change) and, when a setting locks clocks,
// resets the clock lock (NVML cannot read a lock back, so a lock set before
// the sweep is lost either way). Without permission the error wraps
// ErrNoPermission, where the GPU cannot ErrNotSupported.
func (c *Control) Check(settings []Setting) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var limits, clocks bool
	for _, s := range settings {
		limits = limits || s.PowerLimitW > 0
		clocks = clocks || s.Clocks != nil
		for _, g := range c.gpus {
			if err := g.validate(s); err != nil {
				return err
			}
		}
	}
	for _, g := range c.gpus {
		if limits {
			if err := c.probeLimit(g); err != nil {
				return err
			}
		}
		if clocks {
			if err := c.need(g, "lock the SM clocks", symClocksLock, symClocksReset); err != nil {
				return err
			}
			if err := controlErr(g, "resetting the SM clock lock", g.dev.ResetGpuLockedClocks()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *controlled) validate(s Setting) error {
	if w := s.PowerLimitW; w > 0 && g.maxMW > 0 && (w*1000 < float64(g.minMW) || w*1000 > float64(g.maxMW)) {
		return fmt.Errorf("GPU %d: power limit %g W is outside what it accepts (%g-%g W)", g.info.Index, w, mw(g.minMW), mw(g.maxMW))
	}
	if cl := s.Clocks; cl != nil && g.maxSMClock > 0 && cl.MaxMHz > int(g.maxSMClock) {
		return fmt.Errorf("GPU %d: SM clock %d MHz is above its maximum (%d MHz)", g.info.Index, cl.MaxMHz, g.maxSMClock)
	}
	return nil
}

// probeLimit sets the limit the GPU already has: NVML answers
// NO_PERMISSION or NOT_SUPPORTED without changing anything.
func (c *Control) probeLimit(g *controlled) error {
	if err := c.need(g, "set the power limit", symLimitGet, symLimitSet); err != nil {
		return err
	}
	if g.origLimitMW == 0 {
		return fmt.Errorf("%w: GPU %d: its power limit cannot be read", ErrNotSupported, g.info.Index)
	}
	return controlErr(g, "setting the power limit", g.dev.SetPowerManagementLimit(g.origLimitMW))
}

func (c *Control) need(g *controlled, what string, syms ...string) error {
	for _, s := range syms {
		if !c.sym.has(s) {
			return fmt.Errorf("%w: GPU %d: cannot %s: the NVIDIA driver lacks %s", ErrNotSupported, g.info.Index, what, s)
		}
	}
	return nil
}

// controlErr turns an NVML return code of a setting call into an error.
func controlErr(g *controlled, what string, ret gonvml.Return) error {
	switch ret {
	case gonvml.SUCCESS:
		return nil
	case gonvml.ERROR_NO_PERMISSION:
		return fmt.Errorf("%w: GPU %d: %s: %s; power limits and clocks need root (or the NVIDIA admin capability in a container)", ErrNoPermission, g.info.Index, what, ret.Error())
	case gonvml.ERROR_NOT_SUPPORTED:
		return fmt.Errorf("%w: GPU %d: %s: %s", ErrNotSupported, g.info.Index, what, ret.Error())
	}
	return fmt.Errorf("GPU %d: %s: %s", g.info.Index, what, ret.Error())
}

// Apply sets s on every GPU, in GPU order (power limit, then clocks), and
// returns what each GPU has then. A failure leaves the GPUs before it
// changed: Restore puts them back. A zero field leaves that setting as
// found (a limit set by an earlier point stays; use the original limit to
// go back).
func (c *Control) Apply(s Setting) ([]runrecord.GPUControl, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]runrecord.GPUControl, 0, len(c.gpus))
	for _, g := range c.gpus {
		if err := g.apply(s); err != nil {
			return nil, err
		}
		out = append(out, g.record(c.sym))
	}
	return out, nil
}

func (g *controlled) apply(s Setting) error {
	if s.PowerLimitW > 0 {
		v := uint32(s.PowerLimitW*1000 + 0.5)
		g.limitChanged = g.limitChanged || v != g.origLimitMW
		if err := controlErr(g, fmt.Sprintf("setting the power limit to %g W", s.PowerLimitW), g.dev.SetPowerManagementLimit(v)); err != nil {
			return err
		}
		g.limitW = s.PowerLimitW
	}
	if cl := s.Clocks; cl != nil {
		g.clocksLocked = true
		what := fmt.Sprintf("locking the SM clocks to %d-%d MHz", cl.MinMHz, cl.MaxMHz)
		if err := controlErr(g, what, g.dev.SetGpuLockedClocks(uint32(cl.MinMHz), uint32(cl.MaxMHz))); err != nil {
			return err
		}
		lock := *cl
		g.clocks = &lock
	}
	return nil
}

// Restore puts back the power limits found and resets the clock locks set,
// on every GPU it changed; a GPU it did not change is not touched. It tries
// every GPU whatever fails, and is safe to call again (then it does
// nothing) and concurrently.
func (c *Control) Restore() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for _, g := range c.gpus {
		if g.limitChanged {
			if err := controlErr(g, "restoring the power limit", g.dev.SetPowerManagementLimit(g.origLimitMW)); err != nil {
				errs = append(errs, err)
			} else {
				g.limitChanged, g.limitW = false, 0
			}
		}
		if g.clocksLocked {
			if err := controlErr(g, "resetting the SM clock lock", g.dev.ResetGpuLockedClocks()); err != nil {
				errs = append(errs, err)
			} else {
				g.clocksLocked, g.clocks = false, nil
			}
		}
	}
	return errors.Join(errs...)
}

// RestoreOnCancel restores as soon as ctx is done (Ctrl-C), while the
// caller may still be busy; stop ends the watch. Defer Restore as well:
// this covers the interruption, the deferred call every other exit.
func (c *Control) RestoreOnCancel(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	var once sync.Once
	go func() {
		select {
		case <-ctx.Done():
			_ = c.Restore()
		case <-done:
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

// Sweep checks settings, then for each in order applies it and calls point,
// and restores the GPUs on every way out: the end, an error of point or of
// a setting, and ctx's cancellation (at once, even while point runs). It
// stops at the first error or at cancellation, and returns it joined with
// any error restoring.
func (c *Control) Sweep(ctx context.Context, settings []Setting, point func(context.Context, Point) error) (err error) {
	if err := c.Check(settings); err != nil {
		return err
	}
	stop := c.RestoreOnCancel(ctx)
	defer func() {
		stop()
		err = errors.Join(err, c.Restore())
	}()
	for i, s := range settings {
		if err := ctx.Err(); err != nil {
			return err
		}
		gpus, err := c.Apply(s)
		if err != nil {
			return err
		}
		if err := point(ctx, Point{Index: i, Setting: s, GPUs: gpus}); err != nil {
			return err
		}
	}
	return nil
}

// Close restores the GPUs and shuts NVML down.
func (c *Control) Close() error {
	err := c.Restore()
	c.lib.Shutdown()
	return err
}
