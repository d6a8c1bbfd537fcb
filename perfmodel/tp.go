package perfmodel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/modelarch"
)

// NoFitError says that a model fits a device's memory at no tensor-parallel size.
type NoFitError struct {
	Model, Hardware string
	Sizes           []int
	Reasons         []string
}

func (e *NoFitError) Error() string {
	sizes := make([]string, len(e.Sizes))
	for i, s := range e.Sizes {
		sizes[i] = strconv.Itoa(s)
	}
	return fmt.Sprintf("model %s fits the memory of %s at no tensor-parallel size (tried %s): %s",
		e.Model, e.Hardware, strings.Join(sizes, ", "), e.Reasons[len(e.Reasons)-1])
}

// tpSizes are the tensor-parallel sizes of a node: powers of two dividing its device count.
func tpSizes(perNode int) []int {
	var out []int
	for t := 1; t <= perNode; t *= 2 {
		if perNode%t == 0 {
			out = append(out, t)
		}
	}
	return out
}

// fits reports why arch does not fit tp devices with engine e, holding one
// request of maxCtx tokens, or nil.
func fits(a *modelarch.Arch, dev Device, tp int, e Engine, maxCtx int) error {
	r := NewReplica(a, dev, tp, Factors{})
	kv := e.kvCapacity(r)
	weights := a.WeightBytes() / float64(tp) / 1e9
	usable := (e.MemFraction*dev.MemBytes - e.ReserveBytes) / 1e9
	switch {
	case kv <= 0:
		return fmt.Errorf("at TP%d each device would hold %.1f GB of weights and %.1f GB is usable", tp, weights, usable)
	case kv < r.KVBytes(maxCtx):
		return fmt.Errorf("at TP%d %.1f GB of KV cache is left per device, less than one %d-token request needs (%.2f GB)", tp, kv/1e9, maxCtx, r.KVBytes(maxCtx)/1e9)
	}
	return nil
}

// FittingSizes lists the tensor-parallel sizes at which arch fits, or a
// NoFitError. want > 0 asks for that size alone.
func FittingSizes(a *modelarch.Arch, dev Device, hw string, e Engine, maxCtx, want int) ([]int, error) {
	sizes := tpSizes(dev.PerNode)
	if want > 0 {
		if dev.PerNode%want != 0 || want > dev.PerNode {
			return nil, fmt.Errorf("tensor-parallel size %d: %s has %d devices per node (want one of %v)", want, hw, dev.PerNode, sizes)
		}
		sizes = []int{want}
	}
	nf := &NoFitError{Model: a.Name, Hardware: hw, Sizes: sizes}
	var ok []int
	for _, t := range sizes {
		if err := fits(a, dev, t, e, maxCtx); err != nil {
			nf.Reasons = append(nf.Reasons, err.Error())
			continue
		}
		ok = append(ok, t)
	}
	if len(ok) == 0 {
		return nil, nf
	}
	return ok, nil
}
