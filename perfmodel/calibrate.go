package perfmodel

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/tcobench/tcobench/modelarch"
	"github.com/tcobench/tcobench/runrecord"
)

// Observed are the figures a calibration matches: output tokens per second
// over the run (first send to last end), mean TTFT and mean TPOT, in s.
type Observed struct {
	OutputTokensPerS float64 `json:"output_tokens_per_s"`
	TTFTS            float64 `json:"ttft_mean_s"`
	TPOTS            float64 `json:"tpot_mean_s"`
}

// observe computes the figures from OK attempts of the given phase ("" any).
func observe(atts []runrecord.Attempt, phase string) Observed {
	var out int64
	var first, last int64 = math.MaxInt64, 0
	var ttft, tpot float64
	n, nt := 0, 0
	for _, a := range atts {
		if !a.OK || (phase != "" && a.Phase != phase) || a.FirstTokenNS == 0 {
			continue
		}
		out += int64(a.Tokens.Output)
		first, last = min(first, a.SentNS), max(last, a.EndNS)
		ttft += float64(a.FirstTokenNS-a.SentNS) / 1e9
		n++
		if a.Tokens.Output > 1 {
			tpot += float64(a.EndNS-a.FirstTokenNS) / 1e9 / float64(a.Tokens.Output-1)
			nt++
		}
	}
	var o Observed
	if n == 0 || last <= first {
		return o
	}
	o.OutputTokensPerS = float64(out) / (float64(last-first) / 1e9)
	o.TTFTS = ttft / float64(n)
	if nt > 0 {
		o.TPOTS = tpot / float64(nt)
	}
	return o
}

// Calibration is a set of efficiency factors fitted to a real run on owned hardware.
type Calibration struct {
	// Hardware is the profile the run was measured on; Kind its device kind.
	Hardware string `json:"hardware"`
	Kind     string `json:"kind"`
	RunID    string `json:"run_id"`
	Engine   string `json:"engine"`
	// Factors are the fitted factors; Scale each one over its default
	// (what a projection on other hardware of the same kind applies).
	Factors Factors            `json:"factors"`
	Scale   map[string]float64 `json:"scale"`
	// Observed are the run's figures, Simulated the model's after the fit;
	// ErrorBand is the largest relative difference between them.
	Observed  Observed `json:"observed"`
	Simulated Observed `json:"simulated"`
	ErrorBand float64  `json:"error_band"`
}

// Describe says in a few words what the calibration is.
func (c *Calibration) Describe() string {
	return fmt.Sprintf("run %s on %s (%s): fit within %.0f %% of its throughput, TTFT and TPOT", c.RunID, c.Hardware, c.Engine, 100*c.ErrorBand)
}

// transfer applies the calibration's scale to another device's defaults.
func (c *Calibration) transfer(def Factors) Factors {
	f := def
	for _, p := range calibParams(c.Kind) {
		if s, ok := c.Scale[p.name]; ok {
			*p.field(&f) *= s
		}
	}
	f.ComputeEff, f.BandwidthEff = math.Min(f.ComputeEff, 1), math.Min(f.BandwidthEff, 1)
	f.Source = "defaults scaled by the calibration on " + c.Hardware
	return f
}

// calibParams are the factors a calibration fits: compute efficiency and
// the step overhead (a small model on a CPU is bound by per-step costs that
// batching amortises, as measured on the local Ollama), and on an
// accelerator the bandwidth efficiency too.
func calibParams(kind string) []fitParam {
	if kind == KindCPU {
		return []fitParam{pCompute, pStep}
	}
	return []fitParam{pCompute, pBandwidth, pStep}
}

// CalibrateRequest is a run to fit factors to.
type CalibrateRequest struct {
	Run      *runrecord.Run
	Attempts []runrecord.Attempt
	Model    *modelarch.Arch
	// Hardware names the profile of the machine the run was measured on.
	Hardware string
	Device   Device
	Engine   Engine
}

// replayLoad is the load the run applied: its closed-loop users, or its
// tasks' recorded arrivals.
func replayLoad(run *runrecord.Run) Load {
	l := run.Config.Load
	if l.Mode == runrecord.ArrivalClosed {
		return Load{Mode: runrecord.ArrivalClosed, Users: max(l.Concurrency, 1), ThinkNS: int64(l.ThinkTime), Seed: run.Config.Seed}
	}
	return Load{Mode: runrecord.ArrivalTrace, TimeScale: 1}
}

// Calibrate fits the efficiency factors so that replaying the run's own
// requests (token counts, task order and load) in the simulation matches
// its measured throughput, TTFT and TPOT.
func Calibrate(ctx context.Context, req CalibrateRequest) (*Calibration, error) {
	if req.Run == nil || req.Model == nil {
		return nil, errors.New("calibrate: a run and a model are required")
	}
	obs := observe(req.Attempts, runrecord.PhaseMeasure)
	if obs.OutputTokensPerS <= 0 || obs.TPOTS <= 0 {
		return nil, fmt.Errorf("calibrate: run %s has no measured request with output tokens to fit", req.Run.ID)
	}
	var measured []runrecord.Attempt
	for _, a := range req.Attempts {
		if a.Phase == runrecord.PhaseMeasure {
			measured = append(measured, a)
		}
	}
	w := FromAttempts(req.Run.Workload.Name, measured)
	l := replayLoad(req.Run)
	simulate := func(f Factors) (Observed, error) {
		r := NewReplica(req.Model, req.Device, 1, f)
		res, err := Simulate(r, req.Engine, w, l, SimOptions{Tasks: w.Len, WarmupFraction: -1})
		if err != nil {
			return Observed{}, err
		}
		return observe(res.Attempts, ""), nil
	}
	if _, err := simulate(DefaultFactors(req.Device)); err != nil {
		return nil, fmt.Errorf("calibrate: %w", err)
	}
	loss := func(f Factors) float64 {
		if ctx.Err() != nil {
			return math.Inf(1)
		}
		s, err := simulate(f)
		if err != nil {
			return math.Inf(1)
		}
		return logLoss([]float64{s.OutputTokensPerS, s.TTFTS, s.TPOTS}, []float64{obs.OutputTokensPerS, obs.TTFTS, obs.TPOTS})
	}
	def := DefaultFactors(req.Device)
	f, _ := fit(def, calibParams(req.Device.Kind), loss, 40)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f.Source = fmt.Sprintf("calibrated on run %s (%s)", req.Run.ID, req.Hardware)
	sim, _ := simulate(f)
	c := &Calibration{Hardware: req.Hardware, Kind: req.Device.Kind, RunID: req.Run.ID, Engine: req.Engine.Name, Factors: f,
		Scale: map[string]float64{}, Observed: obs, Simulated: sim}
	for _, p := range calibParams(req.Device.Kind) {
		c.Scale[p.name] = *p.field(&f) / *p.field(&def)
	}
	c.ErrorBand = math.Max(math.Abs(sim.OutputTokensPerS/obs.OutputTokensPerS-1),
		math.Max(math.Abs(sim.TTFTS/obs.TTFTS-1), math.Abs(sim.TPOTS/obs.TPOTS-1)))
	return c, nil
}
