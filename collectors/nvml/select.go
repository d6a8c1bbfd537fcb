package nvml

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// CUDAEnv is the CUDA environment that decides which GPUs a CUDA process
// sees, and in which order.
type CUDAEnv struct {
	// VisibleDevices is CUDA_VISIBLE_DEVICES; VisibleSet says whether the
	// variable was set at all (set and empty hides every GPU).
	VisibleDevices string
	VisibleSet     bool
	// DeviceOrder is CUDA_DEVICE_ORDER: "PCI_BUS_ID" (NVML's order) or
	// FASTEST_FIRST, CUDA's default when unset.
	DeviceOrder string
}

// CUDAEnvFrom reads the CUDA environment through lookup (os.LookupEnv).
func CUDAEnvFrom(lookup func(string) (string, bool)) CUDAEnv {
	var e CUDAEnv
	e.VisibleDevices, e.VisibleSet = lookup("CUDA_VISIBLE_DEVICES")
	e.DeviceOrder, _ = lookup("CUDA_DEVICE_ORDER")
	return e
}

// Select picks the GPUs to measure from all GPUs of the node (in NVML
// index order), honouring CUDA's semantics (env):
//
//   - env.VisibleDevices (when set) is a comma-separated list of indices or
//     UUIDs (unique UUID prefixes allowed). An empty value hides every GPU;
//     an entry that matches no GPU ends the list, as CUDA does. A MIG
//     device (MIG-…) selects the GPU that holds it, noted in
//     GPUInfo.SelectedMIG: NVML measures whole GPUs.
//   - spec is --gpus: "" or "all" for every visible GPU, else a
//     comma-separated list of ordinals within the visible list, or UUIDs
//     (prefixes allowed) that must be visible.
//
// Indices in CUDA_VISIBLE_DEVICES are CUDA's: NVML's (PCI bus) order with
// CUDA_DEVICE_ORDER=PCI_BUS_ID, else fastest first. On a node of one GPU
// model both orders agree; on a mixed node without PCI_BUS_ID an index
// could name another GPU than the model's, so Select refuses it. A GPU NVML
// could not open (GPUInfo.Unreachable) keeps its index and is selected
// like the others; New then leaves it out, or refuses it when named.
func Select(all []GPUInfo, spec string, env CUDAEnv) ([]GPUInfo, error) {
	vis := all
	if env.VisibleSet {
		if err := checkOrder(all, env); err != nil {
			return nil, err
		}
		vis = visibleGPUs(all, env.VisibleDevices)
	}
	if selectsAll(spec) {
		return vis, nil
	}
	spec = strings.TrimSpace(spec)
	var out []GPUInfo
	for _, item := range splitList(spec) {
		g, err := pick(vis, item)
		if err != nil {
			return nil, fmt.Errorf("gpus %q: %w", spec, err)
		}
		out = addGPU(out, g)
	}
	return out, nil
}

// checkOrder refuses CUDA_VISIBLE_DEVICES indices that CUDA would read in
// another order than NVML's (fastest first, on a node of mixed GPUs).
func checkOrder(all []GPUInfo, env CUDAEnv) error {
	if strings.EqualFold(strings.TrimSpace(env.DeviceOrder), "PCI_BUS_ID") {
		return nil
	}
	numeric := false
	for _, item := range splitList(env.VisibleDevices) {
		if _, err := strconv.Atoi(item); err == nil {
			numeric = true
		}
	}
	var models []string
	for _, g := range all {
		if g.Unreachable == "" && !slices.Contains(models, g.Name) {
			models = append(models, g.Name)
		}
	}
	if !numeric || len(models) < 2 {
		return nil
	}
	order := "unset, so FASTEST_FIRST"
	if env.DeviceOrder != "" {
		order = env.DeviceOrder
	}
	return fmt.Errorf("CUDA_VISIBLE_DEVICES=%s names GPUs by CUDA index, and with CUDA_DEVICE_ORDER %s CUDA's indices on this node of mixed GPUs (%s) need not be NVML's: set CUDA_DEVICE_ORDER=PCI_BUS_ID or name the GPUs by UUID",
		env.VisibleDevices, order, strings.Join(models, ", "))
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
