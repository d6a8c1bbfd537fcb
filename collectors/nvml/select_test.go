package nvml

import (
	"slices"
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
			sel, err := Select(all, tc.gpus, tc.visible, tc.visible != "")
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
