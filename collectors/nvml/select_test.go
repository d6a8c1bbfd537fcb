package nvml

import (
	"slices"
	"strings"
	"testing"
)

// TestSelectMIG: CUDA_VISIBLE_DEVICES may name MIG devices, in the current
// form (MIG-<uuid>) or the one of drivers before R470
// (MIG-GPU-<uuid>/<gi>/<ci>); each selects the GPU that holds it, once.
func TestSelectMIG(t *testing.T) {
	all := []GPUInfo{
		{Index: 0, UUID: "GPU-aaaa"},
		{Index: 1, UUID: "GPU-bbbb", MIG: true, MIGDevices: []MIGDevice{
			{UUID: "MIG-1111", GPUInstanceID: 1}, {UUID: "MIG-2222", GPUInstanceID: 2},
		}},
	}
	tests := []struct {
		name, gpus, visible string
		want                []int
		wantMIG             []string
	}{
		{"one slice", "", "MIG-1111", []int{1}, []string{"MIG-1111"}},
		{"prefix", "", "MIG-22", []int{1}, []string{"MIG-2222"}},
		{"two slices, one GPU", "", "MIG-1111,MIG-2222", []int{1}, []string{"MIG-1111", "MIG-2222"}},
		{"old form", "", "MIG-GPU-bbbb/1/0", []int{1}, []string{"MIG-GPU-bbbb/1/0"}},
		{"GPU then slice", "", "0,MIG-2222", []int{0, 1}, []string{"MIG-2222"}},
		{"unknown slice ends the list", "", "0,MIG-9999,1", []int{0}, nil},
		{"--gpus names a slice", "MIG-1111", "", []int{1}, []string{"MIG-1111"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Select(all, tc.gpus, CUDAEnv{VisibleDevices: tc.visible, VisibleSet: tc.visible != ""})
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			var mig []string
			for _, g := range sel {
				got = append(got, g.Index)
				mig = append(mig, g.SelectedMIG...)
			}
			if !slices.Equal(got, tc.want) || !slices.Equal(mig, tc.wantMIG) {
				t.Errorf("selected %v via %v, want %v via %v", got, mig, tc.want, tc.wantMIG)
			}
		})
	}
	if all[1].SelectedMIG != nil {
		t.Errorf("Select changed its input: %+v", all[1])
	}
}

// TestSelectDeviceOrder: CUDA numbers devices fastest first unless
// CUDA_DEVICE_ORDER=PCI_BUS_ID, so on a node of mixed GPUs an index in
// CUDA_VISIBLE_DEVICES may not be NVML's: tcobench refuses to guess.
func TestSelectDeviceOrder(t *testing.T) {
	mixed := []GPUInfo{{Index: 0, UUID: "GPU-a", Name: "NVIDIA A100-SXM4-80GB"}, {Index: 1, UUID: "GPU-h", Name: "NVIDIA H100 80GB HBM3"}}
	same := []GPUInfo{{Index: 0, UUID: "GPU-a", Name: "NVIDIA H100 80GB HBM3"}, {Index: 1, UUID: "GPU-b", Name: "NVIDIA H100 80GB HBM3"}}
	tests := []struct {
		name    string
		all     []GPUInfo
		env     CUDAEnv
		want    []int
		wantErr string
	}{
		{"mixed, order unset", mixed, CUDAEnv{VisibleDevices: "0", VisibleSet: true}, nil, "CUDA_DEVICE_ORDER"},
		{"mixed, fastest first", mixed, CUDAEnv{VisibleDevices: "1", VisibleSet: true, DeviceOrder: "FASTEST_FIRST"}, nil, "CUDA_DEVICE_ORDER"},
		{"mixed, PCI order", mixed, CUDAEnv{VisibleDevices: "1", VisibleSet: true, DeviceOrder: "PCI_BUS_ID"}, []int{1}, ""},
		{"mixed, by UUID", mixed, CUDAEnv{VisibleDevices: "GPU-h", VisibleSet: true}, []int{1}, ""},
		{"mixed, not set", mixed, CUDAEnv{}, []int{0, 1}, ""},
		{"one model, order unset", same, CUDAEnv{VisibleDevices: "1", VisibleSet: true}, []int{1}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sel, err := Select(tc.all, "", tc.env)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, g := range sel {
				got = append(got, g.Index)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("selected %v, want %v", got, tc.want)
			}
		})
	}
}
