package rundata

import (
	"fmt"

	"github.com/tcobench/tcobench/runrecord"
)

// runrecord.Figure names.
const (
	FigTTFTP50       = "ttft_p50"
	FigTTFTP99       = "ttft_p99"
	FigE2EP50        = "e2e_p50"
	FigE2EP99        = "e2e_p99"
	FigTPOTP50       = "tpot_p50"
	FigTPOTP99       = "tpot_p99"
	FigITLP99        = "itl_p99"
	FigOutputTokS    = "output_tok_s"
	FigRequestsS     = "requests_s"
	FigErrorRate     = "error_rate"
	FigEnergyJ       = "energy_j"
	FigJPerToken     = "j_per_token"
	FigAvgPowerW     = "avg_power_w"
	FigCostPerTask   = "cost_per_task_usd"
	FigCostPerMTok   = "cost_per_mtok_usd"
	FigMeasuredCount = "measured_requests"
	// FigPassRate is the share of tasks passing the workload's checks;
	// FigCostPerSuccessfulTask the on-prem cost per successful task.
	FigPassRate              = "pass_rate"
	FigCostPerSuccessfulTask = "cost_per_successful_task_usd"
)

// FigureNames lists every figure name Figures can give, in its order: the
// names the results store keeps and history and compare take.
var FigureNames = []string{FigTTFTP50, FigTTFTP99, FigE2EP50, FigE2EP99, FigTPOTP50, FigTPOTP99, FigITLP99,
	FigOutputTokS, FigRequestsS, FigErrorRate, FigMeasuredCount,
	FigTasks, FigTasksS, FigTokensPerTask, FigGoodputTasksS, FigGoodputFraction, FigTaskLatencyP50, FigTaskLatencyP99,
	FigEnergyJ, FigAvgPowerW, FigJPerToken, FigCostPerTask, FigCostPerMTok,
	FigMarginalPerTask, FigProjectionSaving, FigRecordedAPI, FigPassRate, FigCostPerSuccessfulTask}

// Window is the run's measurement window; when run.json has none, the span
// of the measured attempts.
func (d *Data) Window() runrecord.Window {
	return runrecord.MeasurementWindow(d.Run, d.Attempts)
}

// Counts returns the measured attempts and how many of them failed.
func (d *Data) Counts() (measured, failed int) {
	for i := range d.Attempts {
		a := &d.Attempts[i]
		if !Measured(a) {
			continue
		}
		measured++
		if !a.OK {
			failed++
		}
	}
	return measured, failed
}

// OutputTokens sums the output tokens of measured, successful attempts.
func (d *Data) OutputTokens() float64 {
	var s float64
	for _, v := range d.samples[SampleOutputTokens] {
		s += v
	}
	return s
}

// Figures returns the run's headline figures. A figure the run did not
// measure is absent, never zero.
func (d *Data) Figures() []runrecord.Figure {
	var out []runrecord.Figure
	stall := d.Run.Summary != nil && d.Run.Summary.TCPStall != nil && d.Run.Summary.TCPStall.Detected
	q := func(name, label, sample string, p float64) {
		s := d.Sorted(sample)
		if len(s) == 0 {
			return
		}
		src := fmt.Sprintf("%d requests", len(s))
		if sample == SampleITL {
			src = fmt.Sprintf("%d gaps between streamed chunks", len(s))
		}
		if stall {
			label += " (includes a TCP stall)"
			src += "; includes a TCP stall (Nagle's algorithm meeting the client's delayed ACK), see warnings"
		}
		out = append(out, runrecord.Figure{Name: name, Label: label, Value: Quantile(s, p), Unit: "ms",
			Provenance: runrecord.Measured, Source: src, Sample: sample, Quantile: p})
	}
	q(FigTTFTP50, "TTFT p50", SampleTTFT, 0.50)
	q(FigTTFTP99, "TTFT p99", SampleTTFT, 0.99)
	q(FigE2EP50, "E2E latency p50", SampleE2E, 0.50)
	q(FigE2EP99, "E2E latency p99", SampleE2E, 0.99)
	q(FigTPOTP50, "TPOT p50", SampleTPOT, 0.50)
	q(FigTPOTP99, "TPOT p99", SampleTPOT, 0.99)
	q(FigITLP99, "ITL p99", SampleITL, 0.99)
	out = append(out, d.rateFigures()...)
	out = append(out, d.summaryFigures()...)
	out = append(out, d.energyFigures()...)
	out = append(out, d.costFigures()...)
	out = append(out, d.costDetailFigures()...)
	out = append(out, d.outcomeFigures()...)
	return out
}

func (d *Data) rateFigures() []runrecord.Figure {
	var out []runrecord.Figure
	n, failed := d.Counts()
	if n == 0 {
		return nil
	}
	out = append(out, runrecord.Figure{Name: FigMeasuredCount, Label: "Measured requests", Value: float64(n), Unit: "requests", Provenance: runrecord.Measured, Source: "requests.jsonl"})
	out = append(out, runrecord.Figure{Name: FigErrorRate, Label: "Error rate", Value: float64(failed) / float64(n), Unit: "fraction", Provenance: runrecord.Measured, Source: fmt.Sprintf("%d of %d failed", failed, n)})
	ws := d.Window().Seconds()
	if ws <= 0 {
		return out
	}
	src := fmt.Sprintf("over the %.1f s measurement window", ws)
	out = append(out, runrecord.Figure{Name: FigOutputTokS, Label: "Output throughput", Value: d.OutputTokens() / ws, Unit: "tokens/s", Provenance: runrecord.Measured, Source: src, Sample: SampleOutputTokens})
	out = append(out, runrecord.Figure{Name: FigRequestsS, Label: "Request throughput", Value: float64(len(d.samples[SampleE2E])) / ws, Unit: "requests/s", Provenance: runrecord.Measured, Source: src})
	return out
}

func (d *Data) energyFigures() []runrecord.Figure {
	if e := d.Run.Energy; e != nil && e.Measured && e.GPUEnergyJ > 0 {
		src := energySource(e)
		if !e.Reliable {
			src += "; flagged unreliable, see warnings"
		}
		if e.Throttled {
			src += "; GPU clocks throttled during the window"
		}
		out := []runrecord.Figure{
			{Name: FigEnergyJ, Label: "GPU energy in window", Value: e.GPUEnergyJ, Unit: "J", Provenance: runrecord.Measured, Source: src},
			{Name: FigAvgPowerW, Label: "Average GPU power", Value: e.AvgGPUPowerW, Unit: "W", Provenance: runrecord.Measured, Source: src},
		}
		if e.Fleet.JPerOutputToken > 0 {
			out = append(out, runrecord.Figure{Name: FigJPerToken, Label: "GPU energy per output token", Value: e.Fleet.JPerOutputToken, Unit: "J/token", Provenance: runrecord.Measured, Source: src + ", idle included"})
		}
		return out
	}
	j, how, ok := d.EnergyJ()
	if !ok {
		return nil
	}
	out := []runrecord.Figure{{Name: FigEnergyJ, Label: "Energy in window", Value: j, Unit: "J", Provenance: runrecord.Measured, Source: how}}
	if ws := d.Window().Seconds(); ws > 0 {
		out = append(out, runrecord.Figure{Name: FigAvgPowerW, Label: "Average power", Value: j / ws, Unit: "W", Provenance: runrecord.Measured, Source: how})
	}
	if tok := d.OutputTokens(); tok > 0 {
		out = append(out, runrecord.Figure{Name: FigJPerToken, Label: "Energy per output token", Value: j / tok, Unit: "J/token", Provenance: runrecord.Measured, Source: how})
	}
	return out
}

func (d *Data) costFigures() []runrecord.Figure {
	c := d.Cost
	if c == nil || !c.HasOnPrem {
		return nil
	}
	src := "cost model: measured throughput and energy × configured prices"
	if _, _, ok := d.EnergyJ(); !ok && (d.Run.Energy == nil || !d.Run.Energy.Measured) {
		src = "cost model: measured throughput × profile prices; energy not measured, from the hardware profile's power model"
	}
	out := []runrecord.Figure{{Name: FigCostPerTask, Label: "On-prem cost per task", Value: c.OnPremPerTaskUSD, Unit: "USD/task", Provenance: c.OnPremProvenance, Source: src}}
	if f := c.OnPremPerSuccessfulTask; f != nil {
		out = append(out, runrecord.Figure{Name: FigCostPerSuccessfulTask, Label: "On-prem cost per successful task", Value: f.Value, Unit: "USD/task", Provenance: f.Provenance, Source: f.Source})
	}
	if c.OnPremPerMTokUSD > 0 {
		out = append(out, runrecord.Figure{Name: FigCostPerMTok, Label: "On-prem cost per million output tokens", Value: c.OnPremPerMTokUSD, Unit: "USD/Mtok", Provenance: c.OnPremProvenance, Source: "cost model"})
	}
	return out
}

// outcomeFigures is the pass rate, when the workload's checks judged the tasks.
func (d *Data) outcomeFigures() []runrecord.Figure {
	if d.Run.Summary == nil || d.Run.Summary.Outcomes == nil || d.Run.Summary.Outcomes.Basis != runrecord.OutcomeChecked || d.Run.Summary.Outcomes.Tasks == 0 {
		return nil
	}
	o := d.Run.Summary.Outcomes
	return []runrecord.Figure{{Name: FigPassRate, Label: "Pass rate", Value: o.PassRate, Unit: "fraction", Provenance: runrecord.Measured,
		Source: fmt.Sprintf("%d of %d tasks passed the workload's checks (95 %% interval %.3f–%.3f)", o.Passed, o.Tasks, o.PassRateLow, o.PassRateHigh)}}
}

// FigureMap indexes figures by name.
func FigureMap(fs []runrecord.Figure) map[string]runrecord.Figure {
	m := make(map[string]runrecord.Figure, len(fs))
	for _, f := range fs {
		m[f.Name] = f
	}
	return m
}

// orDerived is the cost model's own provenance label, or runrecord.Derived for older
// records that did not carry one.
func orDerived(p runrecord.Provenance) runrecord.Provenance {
	if p == "" {
		return runrecord.Derived
	}
	return p
}

// energySource says how the GPU energy was read: the counter, or the
// sampled power integrated where no counter was read.
func energySource(e *runrecord.Energy) string {
	switch e.EnergySource {
	case "power_integral":
		return "GPU sampled power integrated, no energy counter (" + e.Source + ")"
	case "counter+power_integral":
		return "GPU energy counter, sampled power where a GPU had none (" + e.Source + ")"
	}
	return "GPU energy counter (" + e.Source + ")"
}
