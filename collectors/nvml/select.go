package nvml

import (
	"fmt"
	"strconv"
	"strings"
)

// Select picks the GPUs to measure from all GPUs of the node (in NVML
// index order), honouring CUDA_VISIBLE_DEVICES semantics:
//
//   - visible (when cudaVisibleSet) is the CUDA_VISIBLE_DEVICES value: a
//     comma-separated list of NVML indices or UUIDs (unique UUID prefixes
//     allowed). An empty value hides every GPU; an entry that matches no GPU
//     ends the list, as CUDA does.
//   - spec is --gpus: "" or "all" for every visible GPU, else a
//     comma-separated list of ordinals within the visible list, or UUIDs
//     (prefixes allowed) that must be visible.
//
// Indices assume CUDA_DEVICE_ORDER=PCI_BUS_ID (NVML's order). A GPU NVML
// could not open (GPUInfo.Unreachable) keeps its index and is selected
// like the others; New then leaves it out, or refuses it when named.
func Select(all []GPUInfo, spec, visible string, cudaVisibleSet bool) ([]GPUInfo, error) {
	vis := all
	if cudaVisibleSet {
		vis = visibleGPUs(all, visible)
	}
	if selectsAll(spec) {
		return vis, nil
	}
	spec = strings.TrimSpace(spec)
	var out []GPUInfo
	seen := map[string]bool{}
	for _, item := range splitList(spec) {
		g, err := pick(vis, item)
		if err != nil {
			return nil, fmt.Errorf("--gpus %q: %w", spec, err)
		}
		if !seen[g.UUID] {
			seen[g.UUID] = true
			out = append(out, g)
		}
	}
	return out, nil
}

// selectsAll says whether spec (--gpus) asks for every visible GPU.
func selectsAll(spec string) bool {
	spec = strings.TrimSpace(spec)
	return spec == "" || strings.EqualFold(spec, "all")
}

func visibleGPUs(all []GPUInfo, visible string) []GPUInfo {
	var out []GPUInfo
	for _, item := range splitList(visible) {
		g, ok := match(all, item, true)
		if !ok {
			break // CUDA ignores this entry and every one after it
		}
		out = append(out, g)
	}
	return out
}

func pick(vis []GPUInfo, item string) (GPUInfo, error) {
	if g, ok := match(vis, item, false); ok {
		return g, nil
	}
	if _, err := strconv.Atoi(item); err == nil {
		return GPUInfo{}, fmt.Errorf("GPU %s: no such GPU (%d visible)", item, len(vis))
	}
	return GPUInfo{}, fmt.Errorf("GPU %s: no visible GPU has this UUID", item)
}

// match finds item as an index (NVML index when byNVMLIndex, else ordinal
// within gpus) or a unique UUID prefix.
func match(gpus []GPUInfo, item string, byNVMLIndex bool) (GPUInfo, bool) {
	if n, err := strconv.Atoi(item); err == nil {
		for i, g := range gpus {
			if (byNVMLIndex && g.Index == n) || (!byNVMLIndex && i == n) {
				return g, true
			}
		}
		return GPUInfo{}, false
	}
	var found []GPUInfo
	for _, g := range gpus {
		if strings.HasPrefix(strings.ToLower(g.UUID), strings.ToLower(item)) {
			found = append(found, g)
		}
	}
	if len(found) != 1 {
		return GPUInfo{}, false
	}
	return found[0], true
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
