//go:build cgo

package nvml

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Options configures the nvml collector.
type Options struct {
	// GPUs is --gpus: "" or "all", or indices / UUIDs (see Select).
	GPUs string
	// CUDAVisibleDevices is the CUDA_VISIBLE_DEVICES value; CUDAVisibleSet
	// says whether the variable was set at all. CUDADeviceOrder is
	// CUDA_DEVICE_ORDER (see Select; CUDAEnvFrom reads all three).
	CUDAVisibleDevices string
	CUDAVisibleSet     bool
	CUDADeviceOrder    string
	// PowerInterval is the instant-power sampling period (default 100 ms, 10 Hz).
	PowerInterval time.Duration
	// EnergyInterval is the energy-counter period (default 1 s).
	EnergyInterval time.Duration
	// ContextInterval is the period of utilisation, clocks, temperature... (default 1 s).
	ContextInterval time.Duration
	// Lib is the NVML library; nil means the system's.
	Lib Library
}

// Metric names of the context readings (units in the names).
const (
	metricGPUUtil     = "gpu_util_pct"
	metricMemUtil     = "mem_util_pct"
	metricMemUsed     = "mem_used_bytes"
	metricSMClock     = "sm_clock_mhz"
	metricMemClock    = "mem_clock_mhz"
	metricTemp        = "temp_c"
	metricPowerLimit  = "power_limit_w"
	metricClockEvents = collectors.MetricClockEventReasons
)

// Collector samples the selected GPUs.
type Collector struct {
	opts   Options
	lib    Library
	inv    *Inventory
	health collectors.Health
	// reasons reads the clock-event reasons (nil: the driver cannot).
	reasons func(Device) (uint64, gonvml.Return)

	mu   sync.Mutex // guards gpus' reading state (Run and Mark may race)
	gpus []*gpu
}

type gpu struct {
	info       GPUInfo
	dev        Device
	labels     map[string]string
	lastEnergy uint64
	haveEnergy bool
	noInstant  bool
	skip       map[string]bool
}

// New initialises NVML and selects the GPUs to sample. Without a driver it
// returns an error wrapping ErrUnavailable ("no NVIDIA driver: NVML library
// not found").
func New(o Options) (*Collector, error) {
	if o.Lib == nil {
		o.Lib = DefaultLibrary()
	}
	setDefault(&o.PowerInterval, 100*time.Millisecond)
	setDefault(&o.EnergyInterval, time.Second)
	setDefault(&o.ContextInterval, time.Second)
	if err := initLib(o.Lib); err != nil {
		return nil, err
	}
	sym := newSymbols(o.Lib)
	inv, devs, err := inventory(o.Lib, sym)
	if err != nil {
		o.Lib.Shutdown()
		return nil, err
	}
	sel, err := Select(inv.GPUs, o.GPUs, o.cudaEnv())
	if err != nil {
		o.Lib.Shutdown()
		return nil, err
	}
	c := &Collector{opts: o, lib: o.Lib, inv: inv}
	sel, err = c.reachable(sel, !selectsAll(o.GPUs))
	if err != nil {
		o.Lib.Shutdown()
		return nil, err
	}
	for _, g := range sel {
		c.gpus = append(c.gpus, &gpu{
			info:   g,
			dev:    devs[g.Index],
			labels: map[string]string{collectors.LabelGPU: strconv.Itoa(g.Index), collectors.LabelUUID: g.UUID},
			skip:   map[string]bool{},
		})
	}
	if len(c.gpus) == 0 {
		c.health.Note("no GPU selected (CUDA_VISIBLE_DEVICES or --gpus hides them all)")
	}
	for _, g := range sel {
		if g.MIG {
			c.health.Note(MIGNote(g))
		}
	}
	c.checkSymbols(sym)
	return c, nil
}

// checkSymbols stops the readings whose NVML entry point the driver lacks:
// they are listed as unsupported, never called.
func (c *Collector) checkSymbols(sym *symbols) {
	for _, m := range metricSymbols {
		if !sym.has(m.symbol) {
			c.disable(m.metric, missing(m.metric, m.symbol))
		}
	}
	var note string
	c.reasons, note = reasonsReader(sym)
	if c.reasons == nil {
		c.disable(metricClockEvents, note)
	} else if note != "" {
		c.health.Note(note)
	}
}

// disable marks metric unsupported on every GPU, with a note.
func (c *Collector) disable(metric, note string) {
	c.health.Unsupported(metric)
	c.health.Note(note)
	for _, g := range c.gpus {
		g.skip[metric] = true
		if metric == collectors.MetricPowerInstantW {
			g.noInstant = true
		}
	}
}

// reachable drops the selected GPUs NVML could not open, noting each in the
// health. A GPU named explicitly, or none left, is an error wrapping
// ErrUnavailable: the run goes on without GPU energy.
func (c *Collector) reachable(sel []GPUInfo, explicit bool) ([]GPUInfo, error) {
	var ok []GPUInfo
	var lost []string
	for _, g := range sel {
		if g.Unreachable == "" {
			ok = append(ok, g)
			continue
		}
		lost = append(lost, fmt.Sprintf("GPU %d unreachable (%s)", g.Index, g.Unreachable))
	}
	if len(lost) > 0 && (explicit || len(ok) == 0) {
		return nil, errors.Join(ErrUnavailable, errors.New(strings.Join(lost, "; ")))
	}
	for _, l := range lost {
		c.health.Error(l + ": not measured")
	}
	return ok, nil
}

func (o Options) cudaEnv() CUDAEnv {
	return CUDAEnv{VisibleDevices: o.CUDAVisibleDevices, VisibleSet: o.CUDAVisibleSet, DeviceOrder: o.CUDADeviceOrder}
}

// SetCUDAEnv sets the CUDA fields from env (see CUDAEnvFrom).
func (o *Options) SetCUDAEnv(env CUDAEnv) {
	o.CUDAVisibleDevices, o.CUDAVisibleSet, o.CUDADeviceOrder = env.VisibleDevices, env.VisibleSet, env.DeviceOrder
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d <= 0 {
		*d = v
	}
}

// Name is "nvml".
func (c *Collector) Name() string { return Name }

// Inventory is every GPU of the node with the driver versions.
func (c *Collector) Inventory() *Inventory { return c.inv }

// Selected lists the GPUs being sampled.
func (c *Collector) Selected() []GPUInfo {
	out := make([]GPUInfo, len(c.gpus))
	for i, g := range c.gpus {
		out[i] = g.info
	}
	return out
}

// Health reports samples, errors and unsupported fields.
func (c *Collector) Health() runrecord.CollectorHealth { return c.health.Report(Name) }

// Close shuts NVML down.
func (c *Collector) Close() { c.lib.Shutdown() }

// Run samples until ctx is done, reading the energy counters once more on the way out.
func (c *Collector) Run(ctx context.Context, sink collectors.Sink) error {
	power := time.NewTicker(c.opts.PowerInterval)
	energy := time.NewTicker(c.opts.EnergyInterval)
	ctxt := time.NewTicker(c.opts.ContextInterval)
	defer power.Stop()
	defer energy.Stop()
	defer ctxt.Stop()
	c.ReadEnergy(sink)
	c.readPower(sink)
	c.readContext(sink)
	for {
		select {
		case <-ctx.Done():
			c.ReadEnergy(sink)
			return nil
		case <-power.C:
			c.readPower(sink)
		case <-energy.C:
			c.ReadEnergy(sink)
		case <-ctxt.C:
			c.readContext(sink)
		}
	}
}

// Mark reads the energy counters now (a window boundary).
func (c *Collector) Mark(sink collectors.Sink) { c.ReadEnergy(sink) }

// ReadEnergy reads every selected GPU's energy counter once, flagging a
// counter that went backwards.
func (c *Collector) ReadEnergy(sink collectors.Sink) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range c.gpus {
		if g.skip[collectors.MetricEnergyMJ] {
			continue
		}
		v, ret := g.dev.GetTotalEnergyConsumption()
		now := time.Now()
		if !c.ok(g, collectors.MetricEnergyMJ, ret) {
			continue
		}
		if g.haveEnergy && v < g.lastEnergy {
			sink.Add(collectors.Reading{At: now, Metric: collectors.MetricCounterReset, Labels: g.labels, Value: 1})
			c.health.Error(fmt.Sprintf("GPU %d: energy counter went backwards (%d mJ -> %d mJ): driver reloaded?", g.info.Index, g.lastEnergy, v))
		}
		g.lastEnergy, g.haveEnergy = v, true
		c.emit(sink, g, now, collectors.MetricEnergyMJ, float64(v))
	}
}

func (c *Collector) readPower(sink collectors.Sink) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range c.gpus {
		if !g.noInstant {
			w, ret := c.instantPower(g)
			switch {
			case ret == gonvml.SUCCESS:
				c.emit(sink, g, time.Now(), collectors.MetricPowerInstantW, w)
				continue
			case !lasting(ret):
				// One failed read loses this reading only: switching to the
				// 1-second average would change the source for the rest of the run.
				c.health.Error(fmt.Sprintf("GPU %d %s: %s", g.info.Index, collectors.MetricPowerInstantW, ret.Error()))
				continue
			}
			g.noInstant = true
			c.health.Unsupported(collectors.MetricPowerInstantW)
			c.health.Note(fmt.Sprintf("GPU %d: instant power unavailable (%s); using GetPowerUsage, a 1-second average", g.info.Index, ret.Error()))
		}
		if g.skip[collectors.MetricPowerAvg1sW] {
			continue
		}
		mw, ret := g.dev.GetPowerUsage()
		if c.ok(g, collectors.MetricPowerAvg1sW, ret) {
			c.emit(sink, g, time.Now(), collectors.MetricPowerAvg1sW, float64(mw)/1000)
		}
	}
}

// lasting says whether a return code will not change on a retry: the field
// is not supported, not found, or not permitted.
func lasting(ret gonvml.Return) bool {
	switch ret {
	case gonvml.ERROR_NOT_SUPPORTED, gonvml.ERROR_FUNCTION_NOT_FOUND, gonvml.ERROR_NO_PERMISSION, gonvml.ERROR_INVALID_ARGUMENT:
		return true
	}
	return false
}

// instantPower reads FI_DEV_POWER_INSTANT (GPU scope) in W. A value of a
// type it cannot decode counts as not supported.
func (c *Collector) instantPower(g *gpu) (float64, gonvml.Return) {
	fv := []gonvml.FieldValue{{FieldId: gonvml.FI_DEV_POWER_INSTANT, ScopeId: gonvml.POWER_SCOPE_GPU}}
	ret := g.dev.GetFieldValues(fv)
	if ret == gonvml.SUCCESS {
		ret = gonvml.Return(fv[0].NvmlReturn)
	}
	if ret != gonvml.SUCCESS {
		return 0, ret
	}
	v, ok := fieldValue(fv[0])
	if !ok {
		return 0, gonvml.ERROR_NOT_SUPPORTED
	}
	return v / 1000, gonvml.SUCCESS // mW -> W
}

// fieldValue decodes a field value by its type (little-endian union).
func fieldValue(f gonvml.FieldValue) (float64, bool) {
	b := f.Value[:]
	switch gonvml.ValueType(f.ValueType) {
	case gonvml.VALUE_TYPE_DOUBLE:
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), true
	case gonvml.VALUE_TYPE_UNSIGNED_INT:
		return float64(binary.LittleEndian.Uint32(b)), true
	case gonvml.VALUE_TYPE_UNSIGNED_LONG, gonvml.VALUE_TYPE_UNSIGNED_LONG_LONG:
		return float64(binary.LittleEndian.Uint64(b)), true
	case gonvml.VALUE_TYPE_SIGNED_LONG_LONG:
		return float64(int64(binary.LittleEndian.Uint64(b))), true
	case gonvml.VALUE_TYPE_SIGNED_INT:
		return float64(int32(binary.LittleEndian.Uint32(b))), true
	}
	return 0, false
}

func (c *Collector) readContext(sink collectors.Sink) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range c.gpus {
		d := g.dev
		c.readUtil(sink, g)
		c.read(sink, g, metricMemUsed, func() (float64, gonvml.Return) {
			m, r := d.GetMemoryInfo()
			return float64(m.Used), r
		})
		c.read(sink, g, metricSMClock, u32(func() (uint32, gonvml.Return) { return d.GetClockInfo(gonvml.CLOCK_SM) }))
		c.read(sink, g, metricMemClock, u32(func() (uint32, gonvml.Return) { return d.GetClockInfo(gonvml.CLOCK_MEM) }))
		c.read(sink, g, metricTemp, u32(func() (uint32, gonvml.Return) { return d.GetTemperature(gonvml.TEMPERATURE_GPU) }))
		c.read(sink, g, metricPowerLimit, func() (float64, gonvml.Return) {
			v, r := d.GetEnforcedPowerLimit()
			return float64(v) / 1000, r
		})
		if c.reasons != nil {
			c.read(sink, g, metricClockEvents, func() (float64, gonvml.Return) {
				v, r := c.reasons(d)
				return float64(v), r
			})
		}
	}
}

func (c *Collector) readUtil(sink collectors.Sink, g *gpu) {
	if g.skip[metricGPUUtil] {
		return
	}
	u, ret := g.dev.GetUtilizationRates()
	now := time.Now()
	if !c.ok(g, metricGPUUtil, ret) {
		if ret == gonvml.ERROR_NOT_SUPPORTED {
			c.health.Unsupported(metricMemUtil)
		}
		return
	}
	c.emit(sink, g, now, metricGPUUtil, float64(u.Gpu))
	c.emit(sink, g, now, metricMemUtil, float64(u.Memory))
}

func u32(f func() (uint32, gonvml.Return)) func() (float64, gonvml.Return) {
	return func() (float64, gonvml.Return) {
		v, r := f()
		return float64(v), r
	}
}

func (c *Collector) read(sink collectors.Sink, g *gpu, metric string, f func() (float64, gonvml.Return)) {
	if g.skip[metric] {
		return
	}
	v, ret := f()
	if c.ok(g, metric, ret) {
		c.emit(sink, g, time.Now(), metric, v)
	}
}

// ok sorts a return code: success, unsupported (recorded once, field no
// longer polled on that GPU), not permitted (likewise, with a note: a
// container given one MIG slice may not query its parent GPU) or an error
// (counted).
func (c *Collector) ok(g *gpu, metric string, ret gonvml.Return) bool {
	switch ret {
	case gonvml.SUCCESS:
		return true
	case gonvml.ERROR_NOT_SUPPORTED, gonvml.ERROR_FUNCTION_NOT_FOUND:
		g.skip[metric] = true
		c.health.Unsupported(metric)
	case gonvml.ERROR_NO_PERMISSION:
		g.skip[metric] = true
		c.health.Unsupported(metric)
		c.health.Note(fmt.Sprintf("GPU %d %s: no permission (%s); not read again", g.info.Index, metric, ret.Error()))
	default:
		c.health.Error(fmt.Sprintf("GPU %d %s: %s", g.info.Index, metric, ret.Error()))
	}
	return false
}

func (c *Collector) emit(sink collectors.Sink, g *gpu, at time.Time, metric string, v float64) {
	sink.Add(collectors.Reading{At: at, Metric: metric, Labels: g.labels, Value: v})
	c.health.Sample(1)
}
