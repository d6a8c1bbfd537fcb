package energy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Defaults of the accounting, with their sources.
const (
	// DefaultMinWindow: energy stabilises from 5 s windows on (ML.ENERGY,
	// "thermally stable profiling"; SC'24 "part-time power" protocol).
	DefaultMinWindow = 5 * time.Second
	// DefaultCrossCheckPct is the counter/power-integral tolerance.
	DefaultCrossCheckPct = 5.0
	// DefaultNodeFactor is node power per GPU power: DGX H100 10.2 kW / 8 GPUs / 0.7 kW.
	DefaultNodeFactor = 1.82
	// DefaultNodeFactorSource credits DefaultNodeFactor.
	DefaultNodeFactorSource = "default: DGX H100 10.2 kW / 8 GPUs / 0.7 kW (NVIDIA datasheet via Epoch AI)"
	// DefaultPUE is the industry-average data-centre PUE (Uptime Institute, 2023).
	DefaultPUE = 1.58
	// DefaultPUESource credits DefaultPUE.
	DefaultPUESource = "default: industry average 1.58 (Uptime Institute 2023 survey)"
)

// Config holds the accounting's settings.
type Config struct {
	// MinWindow is the shortest window whose energy is reported as reliable.
	MinWindow time.Duration
	// CrossCheckPct is the largest acceptable counter/power-integral gap, in %.
	CrossCheckPct float64
	// Idle is the idle-baseline span on the run clock (zero: none taken).
	Idle runrecord.Window
	// NodeFactor multiplies GPU energy to get node energy; NodeFactorSet says
	// the user gave it (provenance Configured) rather than the default (Assumed).
	NodeFactor    float64
	NodeFactorSet bool
	// PUE multiplies node energy to get facility energy; PUESet as above.
	PUE    float64
	PUESet bool
	// NotMeasuredReason explains a missing GPU energy source (for example
	// "no NVIDIA driver: NVML library not found").
	NotMeasuredReason string
	// CPUEnergyNote explains a missing RAPL reading.
	CPUEnergyNote string
	// GPUInfo gives identity (name, UUID, architecture...) by GPU key.
	GPUInfo map[string]runrecord.GPUEnergy
	// DriverVersion and NVMLVersion are copied into the result.
	DriverVersion, NVMLVersion string
}

func (c *Config) defaults() {
	if c.MinWindow <= 0 {
		c.MinWindow = DefaultMinWindow
	}
	if c.CrossCheckPct <= 0 {
		c.CrossCheckPct = DefaultCrossCheckPct
	}
	if c.NodeFactor <= 0 {
		c.NodeFactor, c.NodeFactorSet = DefaultNodeFactor, false
	}
	if c.PUE <= 0 {
		c.PUE, c.PUESet = DefaultPUE, false
	}
}

// Account computes the energy of run from its attempts and telemetry samples.
// It never fails: what cannot be measured is reported as not measured, with
// the reason.
func Account(run *runrecord.Run, attempts []runrecord.Attempt, samples []runrecord.Sample, cfg Config) *runrecord.Energy {
	cfg.defaults()
	e := &runrecord.Energy{MinWindowS: cfg.MinWindow.Seconds(), DriverVersion: cfg.DriverVersion, NVMLVersion: cfg.NVMLVersion}
	e.Window = runrecord.MeasurementWindow(run, attempts)
	e.WindowS = e.Window.Seconds()
	countWork(e, attempts)
	cpuEnergy(e, samples, cfg.CPUEnergyNote)
	gpus := groupGPUs(samples)
	if len(gpus) == 0 {
		e.Reason = cfg.NotMeasuredReason
		if e.Reason == "" {
			e.Reason = "no GPU energy source: no energy counter or power reading was taken"
		}
		return e
	}
	if e.WindowS <= 0 {
		e.Reason = "no measurement window (no measured requests)"
		return e
	}
	e.Measured = true
	e.Reliable = true
	gpus = oneSourcePerGPU(e, gpus)
	e.Source = sources(gpus)
	timelines := measureGPUs(e, gpus, cfg)
	idle(e, gpus, cfg)
	intensities(e)
	shares(e, attempts, timelines)
	boundaries(e, cfg)
	if e.WindowS < cfg.MinWindow.Seconds() {
		e.Reliable = false
		e.Warnings = append(e.Warnings, fmt.Sprintf("energy window %.1f s is shorter than the %.0f s minimum: energy figures are unreliable", e.WindowS, cfg.MinWindow.Seconds()))
	}
	return e
}

// countWork fills the denominators: measured attempts that completed OK.
func countWork(e *runrecord.Energy, attempts []runrecord.Attempt) {
	tasks := map[string]bool{}
	for i := range attempts {
		a := &attempts[i]
		if a.Phase != runrecord.PhaseMeasure || !a.OK {
			continue
		}
		e.Requests++
		e.OutputTokens += a.Tokens.Output
		tasks[a.TaskID] = true
	}
	e.Tasks = len(tasks)
}

// measureGPUs fills per-GPU and total energy, the power cross-check, and
// returns each GPU's cumulative-energy timeline (J) for the shares.
func measureGPUs(e *runrecord.Energy, gpus []*gpuSeries, cfg Config) [][]point {
	var timelines [][]point
	var powerSources, energySources []string
	var counterJ, counterIntegralJ float64
	for _, g := range gpus {
		ge, timeline, src, ok := measureGPU(e, g, cfg)
		if !ok {
			continue
		}
		if src != "" {
			powerSources = append(powerSources, src)
		}
		energySources = append(energySources, ge.EnergySource)
		if ge.EnergySource == sourceCounter && ge.PowerIntegralJ != 0 {
			counterJ += ge.EnergyJ
			counterIntegralJ += ge.PowerIntegralJ
		}
		e.GPUEnergyJ += ge.EnergyJ
		e.PowerIntegralJ += ge.PowerIntegralJ
		e.GPUs = append(e.GPUs, ge)
		timelines = append(timelines, timeline)
	}
	e.AvgGPUPowerW = e.GPUEnergyJ / e.WindowS
	e.PowerSource = strings.Join(uniq(powerSources), ",")
	e.EnergySource = strings.Join(uniq(energySources), "+")
	crossCheck(e, counterJ, counterIntegralJ, cfg)
	return timelines
}

// How a GPU's energy was obtained (runrecord.GPUEnergy.EnergySource).
const (
	sourceCounter       = "counter"
	sourcePowerIntegral = "power_integral"
)

// measureGPU is one GPU's energy over the window: the counter's increase,
// else the power integral (named so, without a cross-check). It returns
// the GPU's cumulative-energy timeline and the power reading it integrated
// ("" when none); ok is false when it has too few readings.
func measureGPU(e *runrecord.Energy, g *gpuSeries, cfg Config) (ge runrecord.GPUEnergy, timeline []point, powerSrc string, ok bool) {
	a, b := e.Window.StartNS, e.Window.EndNS
	ge = identity(g, cfg)
	if g.migInstances > 0 {
		ge.MIGEnabled = true
		ge.MIGInstances = max(ge.MIGInstances, g.migInstances)
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: %d MIG instances publish this GPU's energy counter; it is counted once", g.key, g.migInstances))
	}
	migWarning(e, ge)
	cum, resets := cumulative(g.energy)
	resets = max(resets, g.resets)
	power, src := g.instant, "instant"
	if len(power) == 0 {
		power, src = g.avg1s, "average_1s"
	}
	pint := integral(power)
	var covered bool
	switch {
	case len(cum) >= 2:
		ge.EnergySource, timeline = sourceCounter, cum
		if len(pint) > 1 {
			timeline = preferFiner(cum, pint)
			ge.PowerIntegralJ, _ = between(pint, a, b)
			powerSrc = src
		}
		ge.EnergyJ, covered = between(cum, a, b)
	case len(pint) >= 2:
		ge.EnergySource, timeline, powerSrc = sourcePowerIntegral, pint, src
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: no energy counter; energy is the integral of %s power (less accurate), and there is no cross-check", g.key, src))
		ge.EnergyJ, covered = between(pint, a, b)
	default:
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: too few readings to measure energy", g.key))
		return ge, nil, "", false
	}
	if !covered {
		e.Reliable = false
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: readings do not cover the whole energy window; energy is for the covered part only, and unreliable", g.key))
	}
	if resets > 0 {
		ge.CounterResets = resets
		e.Reliable = false
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: energy counter went backwards %d time(s) (driver reload?): energy is unreliable", g.key, resets))
	}
	ge.AvgPowerW = ge.EnergyJ / e.WindowS
	clockEvents(e, &ge, g.reasons)
	return ge, timeline, powerSrc, true
}

// clockEvents records the clock-event reasons read during the window and
// flags throttling.
func clockEvents(e *runrecord.Energy, ge *runrecord.GPUEnergy, reasons []point) {
	var mask uint64
	for _, p := range reasons {
		if p.t >= e.Window.StartNS && p.t <= e.Window.EndNS {
			mask |= uint64(p.v)
		}
	}
	ge.ClockEventReasons, ge.Throttled = collectors.ClockEventReasons(mask)
	if ge.Throttled {
		e.Throttled = true
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: clocks were throttled during the window (%s): throughput and energy are those of the throttled clocks", ge.Key, strings.Join(ge.ClockEventReasons, ", ")))
	}
}

// preferFiner returns the power-integral timeline rescaled piecewise to the
// counter's increments: the counter gives the totals, the power samples give
// their shape within each counter interval. With one counter interval or a
// zero power integral the counter timeline is used as is.
func preferFiner(cum, pint []point) []point {
	if len(pint) <= len(cum) {
		return cum
	}
	out := make([]point, 0, len(pint)+len(cum))
	for i := 1; i < len(cum); i++ {
		t0, t1 := cum[i-1].t, cum[i].t
		p0, _ := at(pint, t0)
		p1, _ := at(pint, t1)
		dE, dP := cum[i].v-cum[i-1].v, p1-p0
		out = append(out, cum[i-1])
		if dP <= 0 {
			continue
		}
		for _, p := range pint {
			if p.t > t0 && p.t < t1 {
				out = append(out, point{p.t, cum[i-1].v + (p.v-p0)/dP*dE})
			}
		}
	}
	return append(out, cum[len(cum)-1])
}

func identity(g *gpuSeries, cfg Config) runrecord.GPUEnergy {
	ge := cfg.GPUInfo[g.key]
	ge.Key = g.key
	if ge.UUID == "" {
		ge.UUID = g.labels[collectors.LabelUUID]
	}
	if ge.Node == "" {
		ge.Node = g.labels[collectors.LabelNode]
	}
	if i, err := strconv.Atoi(g.labels[collectors.LabelGPU]); err == nil && ge.Index == 0 {
		ge.Index = i
	}
	return ge
}

// migWarning says what a GPU in MIG mode measures: the counter is the whole
// physical GPU's. Selected through MIG devices (the run used slices), the
// energy cannot be the run's alone, so it is unreliable.
func migWarning(e *runrecord.Energy, ge runrecord.GPUEnergy) {
	if !ge.MIGEnabled {
		return
	}
	e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s is in MIG mode: its energy is the whole physical GPU's, every MIG instance's work included", ge.Key))
	if n := len(ge.MIGDevices); n > 0 {
		e.Reliable = false
		e.Warnings = append(e.Warnings, fmt.Sprintf("GPU %s: the run used %d MIG device(s) of it, but NVML measures no MIG instance on its own: energy is unreliable", ge.Key, n))
	}
}

// crossCheck compares the counter energy of the GPUs that have a counter
// with their power integral.
func crossCheck(e *runrecord.Energy, counterJ, integralJ float64, cfg Config) {
	if integralJ <= 0 || counterJ <= 0 {
		return
	}
	e.CrossCheckDiffPct = math.Abs(integralJ-counterJ) / counterJ * 100
	if e.CrossCheckDiffPct > cfg.CrossCheckPct {
		e.Warnings = append(e.Warnings, fmt.Sprintf("energy counter (%.1f J) and power integral (%.1f J) differ by %.1f%% (more than %.0f%%)", counterJ, integralJ, e.CrossCheckDiffPct, cfg.CrossCheckPct))
	}
}

func uniq(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
