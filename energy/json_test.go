package energy

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/runrecord"
)

// TestJSONNotMeasured: an unmeasured run's energy carries no zero figures.
func TestJSONNotMeasured(t *testing.T) {
	e := Account(&runrecord.Run{}, sequential(2, 1), nil, Config{NotMeasuredReason: "GPU energy not measured: no NVIDIA driver: NVML library not found"})
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	want := `{"measured":false,"reason":"GPU energy not measured: no NVIDIA driver: NVML library not found","cpu_energy_note":"CPU package energy not measured (no RAPL readings)"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	var back runrecord.Energy
	if err := json.Unmarshal(b, &back); err != nil || back.Measured || back.Reason == "" {
		t.Errorf("round trip: %+v %v", back, err)
	}
	m := Account(&runrecord.Run{Window: runrecord.Window{EndNS: 20 * sec}}, sequential(10, 2), trace("GPU-a", 0, 20, step, 1), Config{})
	b, _ = json.Marshal(m)
	if !strings.Contains(string(b), `"gpu_energy_j":6000`) || !strings.Contains(string(b), `"boundaries":[`) {
		t.Errorf("measured JSON lacks figures: %s", b)
	}
}
