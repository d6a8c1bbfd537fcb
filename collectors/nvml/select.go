package nvml

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Select picks the GPUs to measure from all GPUs of the node (in NVML
// index order), honouring CUDA_VISIBLE_DEVICES semantics:
//
//   - visible (when cudaVisibleSet) is the CUDA_VISIBLE_DEVICES value: a
//     comma-separated list of NVML indices or UUIDs (unique UUID prefixes
//     allowed). An empty value hides every GPU; an entry that matches no GPU
//     ends the list, as CUDA does. A MIG device (MIG-…) selects the GPU
//     that holds it, noted in GPUInfo.SelectedMIG: NVML measures whole GPUs.
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
	for _, item := range splitList(spec) {
		g, err := pick(vis, item)
		if err != nil {
			return nil, fmt.Errorf("--gpus %q: %w", spec, err)
		}
		out = addGPU(out, g)
	}
	return out, nil
}

// addGPU appends g to list unless it is there already (two MIG devices of
// one GPU), merging the MIG devices it was selected through.
func addGPU(list []GPUInfo, g GPUInfo) []GPUInfo {
	for i := range list {
		if list[i].Index == g.Index {
			for _, m := range g.SelectedMIG {
				if !slices.Contains(list[i].SelectedMIG, m) {
					list[i].SelectedMIG = append(list[i].SelectedMIG, m)
				}
			}
			return list
		}
	}
	return append(list, g)
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
		out = addGPU(out, g)
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
// within gpus), a unique UUID prefix, or a MIG device (its GPU is returned).
func match(gpus []GPUInfo, item string, byNVMLIndex bool) (GPUInfo, bool) {
	if n, err := strconv.Atoi(item); err == nil {
		for i, g := range gpus {
			if (byNVMLIndex && g.Index == n) || (!byNVMLIndex && i == n) {
				return g, true
			}
		}
		return GPUInfo{}, false
	}
	if len(item) > 4 && strings.EqualFold(item[:4], "MIG-") {
		return matchMIG(gpus, item)
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

// matchMIG finds the GPU holding the MIG device item names: "MIG-<uuid>"
// (a unique prefix allowed), or the format of drivers before R470,
// "MIG-GPU-<GPU uuid>/<GPU instance>/<compute instance>".
func matchMIG(gpus []GPUInfo, item string) (GPUInfo, bool) {
	if parts := strings.Split(item[4:], "/"); len(parts) == 3 {
		for _, g := range gpus {
			if strings.EqualFold(g.UUID, parts[0]) {
				return withMIG(g, item), true // NVML measures the GPU, whichever instance
			}
		}
		return GPUInfo{}, false
	}
	var found []GPUInfo
	for _, g := range gpus {
		for _, m := range g.MIGDevices {
			if strings.HasPrefix(strings.ToLower(m.UUID), strings.ToLower(item)) {
				found = append(found, withMIG(g, m.UUID))
			}
		}
	}
	if len(found) != 1 {
		return GPUInfo{}, false
	}
	return found[0], true
}

func withMIG(g GPUInfo, mig string) GPUInfo {
	g.SelectedMIG = append(slices.Clone(g.SelectedMIG), mig)
	return g
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
