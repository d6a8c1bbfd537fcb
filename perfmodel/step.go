package perfmodel

import (
	"math"

	"github.com/tcobench/tcobench/modelarch"
)

// Factors are the efficiency factors of the step cost: what fraction of the
// device's peaks a serving engine achieves, and its fixed costs.
type Factors struct {
	// ComputeEff is the achieved fraction of the dense compute peak (GEMMs, attention).
	ComputeEff float64 `json:"compute_efficiency"`
	// BandwidthEff is the achieved fraction of the memory bandwidth.
	BandwidthEff float64 `json:"bandwidth_efficiency"`
	// StepOverheadS is the fixed time of one engine step (scheduling);
	// LayerOverheadS the time per layer of a step (kernel launches and
	// synchronisation, which grow with depth).
	StepOverheadS  float64 `json:"step_overhead_s"`
	LayerOverheadS float64 `json:"layer_overhead_s"`
	// SeqOverheadS is the time per sequence in a step (sampling, detokenising, streaming).
	SeqOverheadS float64 `json:"seq_overhead_s"`
	// MoEEff scales both efficiencies for the routed experts' weights
	// (grouped GEMMs, routing imbalance, expert-parallel exchange); 1 for dense models.
	MoEEff float64 `json:"moe_efficiency"`
	// CommLatencyS is the latency of one all-reduce; LinkEff the achieved
	// fraction of the device-to-device bandwidth.
	CommLatencyS float64 `json:"comm_latency_s"`
	LinkEff      float64 `json:"link_efficiency"`
	// Source says where the factors came from (published fit, a calibration run).
	Source string `json:"source"`
}

// Replica is one model server: tp devices holding one copy of the model.
type Replica struct {
	Arch    *modelarch.Arch
	Dev     Device
	TP      int
	F       Factors
	linear  float64 // dense linear weights per token (logits excluded)
	logits  float64 // output projection weights
	expert  float64 // one expert's weights, parameters
	kvFull  float64 // KV bytes per token, full-attention layers
	kvSlide float64 // KV bytes per token, sliding layers
	kvShard float64 // fraction of a token's KV one device holds
	moeL    float64 // MoE layers
	dense   float64 // bytes every step reads
	expertB float64 // bytes of one expert
}

// NewReplica prepares the step cost of arch on tp devices of dev.
func NewReplica(a *modelarch.Arch, dev Device, tp int, f Factors) *Replica {
	s := a.Shape()
	r := &Replica{Arch: a, Dev: dev, TP: tp, F: f, logits: float64(a.Vocab) * float64(a.Hidden), expert: s.ExpertParams}
	r.linear = s.DenseLinear - r.logits
	r.moeL, r.dense, r.expertB = float64(s.MoELayers), a.DenseBytes(), a.ExpertBytes()
	full, slide := a.KVValuesPerToken()
	b, _ := a.KVCache.Bytes()
	r.kvFull, r.kvSlide = full*b, slide*b
	r.kvShard = 1 / float64(tp)
	switch {
	case a.KVLoRARank > 0:
		r.kvShard = 1 // the latent cache is replicated on every device
	case tp > a.KVHeads:
		r.kvShard = 1 / float64(a.KVHeads) // a KV head per device, replicated
	}
	return r
}

// KVBytes is the KV cache a sequence of ctx tokens holds on one device.
func (r *Replica) KVBytes(ctx int) float64 {
	w := ctx
	if r.Arch.SlidingWindow > 0 {
		w = min(ctx, r.Arch.SlidingWindow)
	}
	return (r.kvFull*float64(ctx) + r.kvSlide*float64(w)) * r.kvShard
}

// Batch is what one engine step computes.
type Batch struct {
	// Decodes is the number of sequences generating one token; DecodeCtx
	// the sum of their context lengths, DecodeCtxWin the same capped at the
	// sliding window.
	Decodes      int
	DecodeCtx    float64
	DecodeCtxWin float64
	// PrefillTokens are prompt tokens computed this step; PrefillAttn the
	// sum over them of the context each attends to (PrefillAttnWin capped
	// at the window); PrefillKVRead the prefix tokens their chunks read;
	// PrefillDone the sequences whose prompt completes (they emit a token).
	PrefillTokens  int
	PrefillAttn    float64
	PrefillAttnWin float64
	PrefillKVRead  float64
	PrefillDone    int
	// Seqs is the number of sequences in the step.
	Seqs int
}

// chunkAttn is the attention work of prefilling k tokens after p cached ones.
func chunkAttn(p, k, window int) (full, win float64) {
	fp, fk := float64(p), float64(k)
	full = fk*fp + fk*(fk+1)/2
	if window <= 0 || p+k <= window {
		return full, full
	}
	// Tokens beyond the window attend to window tokens each.
	inside := max(0, window-p)
	fi := float64(inside)
	win = fi*fp + fi*(fi+1)/2 + float64(k-inside)*float64(window)
	return full, win
}

// StepTime is the duration of one engine step, in seconds.
func (r *Replica) StepTime(b Batch) float64 {
	a, d, f := r.Arch, &r.Dev, r.F
	t := float64(r.TP)
	tokens := float64(b.Decodes + b.PrefillTokens)
	if tokens == 0 {
		return 0
	}
	logitRows := float64(b.Decodes + b.PrefillDone)
	// Linear layers: weights read once per step, FLOPs per token.
	expertsPerTok := 0.0
	expertsRead := 0.0
	if a.MoE() {
		e, k := float64(a.Experts), float64(a.ExpertsActive)
		expertsPerTok = k * r.moeL
		expertsRead = r.moeL * e * (1 - math.Pow(1-k/e, tokens))
	}
	peak := d.Peak(a.Weights)
	lin := math.Max(2*(tokens*r.linear+logitRows*r.logits)/t/(f.ComputeEff*peak), r.dense/t/(f.BandwidthEff*d.MemBW))
	if expertsRead > 0 {
		moe := f.MoEEff
		if moe <= 0 {
			moe = 1
		}
		lin += math.Max(2*tokens*expertsPerTok*r.expert/t/(f.ComputeEff*moe*peak), expertsRead*r.expertB/t/(f.BandwidthEff*moe*d.MemBW))
	}
	// Attention: FLOPs per attended token pair, KV cache read and written.
	fullL, slideL := float64(a.Layers-a.SlidingLayers), float64(a.SlidingLayers)
	pairs := fullL*(b.DecodeCtx+b.PrefillAttn) + slideL*(b.DecodeCtxWin+b.PrefillAttnWin)
	attnFLOPs := 2 * float64(a.Heads) * a.AttnDims() * pairs / t
	perLayerKV := (r.kvFull + r.kvSlide) / float64(a.Layers) * r.kvShard
	kvRead := perLayerKV * (fullL*(b.DecodeCtx+b.PrefillKVRead) + slideL*(b.DecodeCtxWin+math.Min(b.PrefillKVRead, float64(a.SlidingWindow)*float64(max(b.Seqs, 1)))))
	kvBytes := kvRead + tokens*(r.kvFull+r.kvSlide)*r.kvShard
	attn := math.Max(attnFLOPs/(f.ComputeEff*d.Peak(a.KVCache)), kvBytes/(f.BandwidthEff*d.MemBW))
	return lin + attn + r.commTime(tokens) + f.StepOverheadS + f.LayerOverheadS*float64(a.Layers) + f.SeqOverheadS*float64(b.Seqs)
}

// commTime is the tensor-parallel all-reduces of one step: two per layer
// (after attention and after the MLP) of the step's activations, ring
// algorithm.
func (r *Replica) commTime(tokens float64) float64 {
	if r.TP <= 1 {
		return 0
	}
	t := float64(r.TP)
	bytes := tokens * float64(r.Arch.Hidden) * 2
	bw := r.Dev.LinkBW * r.F.LinkEff
	per := r.F.CommLatencyS
	if bw > 0 {
		per += 2 * (t - 1) / t * bytes / bw
	}
	return 2 * float64(r.Arch.Layers) * per
}
