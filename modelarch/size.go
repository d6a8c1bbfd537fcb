package modelarch

// Sizes derived from the shapes. They count the weights of matrices
// (norms and biases are negligible and left out).

// attnParams is one layer's attention weights.
func (a *Arch) attnParams() float64 {
	h := float64(a.Hidden)
	if a.KVLoRARank > 0 { // multi-head latent attention
		nh := float64(a.Heads)
		qk := float64(a.QKNopeDim + a.QKRopeDim)
		q := h * nh * qk
		if a.QLoRARank > 0 {
			q = h*float64(a.QLoRARank) + float64(a.QLoRARank)*nh*qk
		}
		kv := h*float64(a.KVLoRARank+a.QKRopeDim) + float64(a.KVLoRARank)*nh*float64(a.QKNopeDim+a.VHeadDim)
		return q + kv + nh*float64(a.VHeadDim)*h
	}
	q := float64(a.Heads * a.HeadDim)
	kv := float64(a.KVHeads * a.HeadDim)
	return h*q + 2*h*kv + q*h
}

func (a *Arch) mats() float64 {
	if a.NonGatedFFN {
		return 2
	}
	return 3
}

// denseFFNParams is one dense layer's MLP weights.
func (a *Arch) denseFFNParams() float64 { return a.mats() * float64(a.Hidden) * float64(a.FFN) }

// expertParams is one expert's weights.
func (a *Arch) expertParams() float64 { return a.mats() * float64(a.Hidden) * float64(a.ExpertFFN) }

// embedParams is the embedding plus the output projection.
func (a *Arch) embedParams() float64 {
	e := float64(a.Vocab) * float64(a.Hidden)
	if a.TiedEmbeddings {
		return e
	}
	return 2 * e
}

// LayerShape is what one step of the performance model needs per token.
type LayerShape struct {
	// DenseLinear is the weights every token multiplies (attention, dense
	// MLPs, shared experts, the output projection), summed over layers.
	DenseLinear float64
	// ExpertParams is one routed expert's weights; MoELayers how many layers have them.
	ExpertParams float64
	MoELayers    int
}

// Shape returns the per-token weight counts of the model.
func (a *Arch) Shape() LayerShape {
	nMoE := a.moeLayers()
	dense := float64(a.Layers) * a.attnParams()
	dense += float64(a.Layers-nMoE) * a.denseFFNParams()
	dense += float64(nMoE) * float64(a.SharedExperts) * a.expertParams()
	dense += float64(nMoE) * float64(a.Hidden) * float64(a.Experts) // routers
	dense += float64(a.Vocab) * float64(a.Hidden)                   // output projection
	return LayerShape{DenseLinear: dense, ExpertParams: a.expertParams(), MoELayers: nMoE}
}

// ComputedParams is the total and the per-token active parameter count
// computed from the shapes, to check the published ones. The total counts
// the embedding table; active leaves it out (a lookup multiplies nothing),
// as OpenAI counts gpt-oss's active parameters.
func (a *Arch) ComputedParams() (total, active float64) {
	s := a.Shape()
	base := s.DenseLinear - float64(a.Vocab)*float64(a.Hidden) + a.embedParams()
	total = base + float64(s.MoELayers)*float64(a.Experts)*s.ExpertParams
	active = s.DenseLinear + float64(s.MoELayers)*float64(a.ExpertsActive)*s.ExpertParams
	return total, active
}

// WeightBytes is the memory the weights take: stated (a GGUF file), else
// the computed parameters at their precisions.
func (a *Arch) WeightBytes() float64 {
	if a.WeightBytesStated > 0 {
		return a.WeightBytesStated
	}
	total, _ := a.ComputedParams()
	wb, _ := a.Weights.Bytes()
	if a.ExpertWeights == "" || !a.MoE() {
		return total * wb
	}
	eb, _ := a.ExpertWeights.Bytes()
	experts := float64(a.moeLayers()) * float64(a.Experts) * a.expertParams()
	return (total-experts)*wb + experts*eb
}

// ExpertBytes is one routed expert's weights in memory.
func (a *Arch) ExpertBytes() float64 {
	p := a.ExpertWeights
	if p == "" {
		p = a.Weights
	}
	b, _ := p.Bytes()
	if a.WeightBytesStated > 0 {
		total, _ := a.ComputedParams()
		b = a.WeightBytesStated / total
	}
	return a.expertParams() * b
}

// DenseBytes is the weights every step reads whatever the routing.
func (a *Arch) DenseBytes() float64 {
	return a.WeightBytes() - float64(a.moeLayers())*float64(a.Experts)*a.ExpertBytes()
}

// KVValuesPerToken is the number of cached values per token over all
// layers of full attention (a sliding layer caches at most its window).
func (a *Arch) KVValuesPerToken() (full, sliding float64) {
	per := float64(2 * a.KVHeads * a.HeadDim)
	if a.KVLoRARank > 0 {
		per = float64(a.KVLoRARank + a.QKRopeDim)
	}
	return per * float64(a.Layers-a.SlidingLayers), per * float64(a.SlidingLayers)
}

// KVBytesPerToken is the KV cache one token of context takes (sliding
// layers counted in full: an upper bound for contexts beyond the window).
func (a *Arch) KVBytesPerToken() float64 {
	full, sliding := a.KVValuesPerToken()
	b, _ := a.KVCache.Bytes()
	return (full + sliding) * b
}

// AttnDims is the per-head width attention multiplies by per context
// token: query-key plus value dimensions (MLA: the latent widths).
func (a *Arch) AttnDims() float64 {
	if a.KVLoRARank > 0 {
		return float64(2*a.KVLoRARank + a.QKRopeDim)
	}
	return float64(2 * a.HeadDim)
}
