//go:build cgo

package nvml

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	gonvml "github.com/NVIDIA/go-nvml/pkg/nvml"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock"
	"github.com/NVIDIA/go-nvml/pkg/nvml/mock/server"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/collectors/nvml/nvmlfake"
	"github.com/tcobench/tcobench/energy"
	"github.com/tcobench/tcobench/runrecord"
)

func newServer(t *testing.T, powerW ...float64) (*server.Server, []*nvmlfake.GPU) {
	t.Helper()
	return nvmlfake.NewDGXH100(powerW...)
}

// clockSink stamps readings with a test-controlled clock.
type clockSink struct {
	mu   sync.Mutex
	base time.Time
	now  time.Duration
	got  []collectors.Reading
}

func (c *clockSink) Add(r collectors.Reading) {
	c.mu.Lock()
	r.At = c.base.Add(c.now)
	r.Collector = Name
	c.got = append(c.got, r)
	c.mu.Unlock()
}

func (c *clockSink) samples() []runrecord.Sample {
	var out []runrecord.Sample
	for _, r := range c.got {
		out = append(out, runrecord.Sample{TNS: r.At.Sub(c.base).Nanoseconds(), Collector: r.Collector, Metric: r.Metric, Labels: r.Labels, Value: r.Value})
	}
	return out
}

// drive steps the clock by 100 ms for d, reading power every step and the
// counter every second, as Run does.
func drive(c *Collector, sink *clockSink, fakes []*nvmlfake.GPU, d time.Duration, powerW func(i int) float64) {
	for step := time.Duration(0); step < d; step += 100 * time.Millisecond {
		for i, f := range fakes {
			f.SetPower(powerW(i))
			f.Advance(100 * time.Millisecond)
		}
		sink.now += 100 * time.Millisecond
		c.readPower(sink)
		if sink.now%time.Second == 0 {
			c.ReadEnergy(sink)
		}
	}
}

func TestEnergyOverWindowAndCrossCheck(t *testing.T) {
	srv, fakes := newServer(t)
	c, err := New(Options{Lib: srv, GPUs: "0,1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sink := &clockSink{base: time.Now()}
	c.ReadEnergy(sink)
	c.readPower(sink)
	drive(c, sink, fakes[:2], 10*time.Second, func(i int) float64 { return 100 }) // idle: [0, 10 s]
	drive(c, sink, fakes[:2], 20*time.Second, func(i int) float64 { return 300 + 100*float64(i) })
	run := &runrecord.Run{Window: runrecord.Window{StartNS: int64(10 * time.Second), EndNS: int64(30 * time.Second)}}
	var att []runrecord.Attempt
	for i := 0; i < 20; i++ {
		s := int64(10*time.Second) + int64(i)*int64(time.Second)
		att = append(att, runrecord.Attempt{TaskID: "t", Phase: runrecord.PhaseMeasure, SentNS: s, EndNS: s + int64(time.Second), OK: true, Tokens: runrecord.Tokens{Output: 50}})
	}
	e := energy.Account(run, att, sink.samples(), energy.Config{Idle: runrecord.Window{StartNS: 0, EndNS: int64(10 * time.Second)}})
	if !e.Measured || len(e.GPUs) != 2 {
		t.Fatalf("measured=%v gpus=%d reason=%q", e.Measured, len(e.GPUs), e.Reason)
	}
	// GPU0 300 W + GPU1 400 W for 20 s = 14,000 J; idle 2 × 100 W.
	if got := e.GPUEnergyJ; got < 13990 || got > 14010 {
		t.Errorf("GPUEnergyJ = %.1f, want 14000", got)
	}
	if e.Idle == nil || e.Idle.GPUPowerW < 199 || e.Idle.GPUPowerW > 201 {
		t.Errorf("idle = %+v, want 200 W", e.Idle)
	}
	if e.CrossCheckDiffPct > 5 || e.PowerSource != "instant" {
		t.Errorf("cross-check %.2f%% source %q", e.CrossCheckDiffPct, e.PowerSource)
	}
	if got := e.Fleet.JPerOutputToken; got < 13.9 || got > 14.1 {
		t.Errorf("J/token = %.2f, want 14", got)
	}

	// Now make the instant power read 20% high: the cross-check must warn.
	for _, d := range srv.Devices[:2] {
		d := d.(*server.Device)
		inner := d.GetFieldValuesFunc
		d.GetFieldValuesFunc = func(v []gonvml.FieldValue) gonvml.Return {
			r := inner(v)
			binary.LittleEndian.PutUint32(v[0].Value[:], binary.LittleEndian.Uint32(v[0].Value[:])*12/10)
			return r
		}
	}
	drive(c, sink, fakes[:2], 10*time.Second, func(i int) float64 { return 300 })
	run.Window = runrecord.Window{StartNS: int64(31 * time.Second), EndNS: int64(40 * time.Second)}
	e = energy.Account(run, att, sink.samples(), energy.Config{})
	if !strings.Contains(strings.Join(e.Warnings, ";"), "differ by 20.0%") {
		t.Errorf("warnings %q lack the 20%% cross-check gap", e.Warnings)
	}
}

// TestThrottleFlag: the clock-event reasons the collector reads during the
// window flag the run as throttled in its energy record.
func TestThrottleFlag(t *testing.T) {
	srv, fakes := newServer(t)
	d := srv.Devices[0].(*server.Device)
	d.GetCurrentClocksEventReasonsFunc = func() (uint64, gonvml.Return) { return gonvml.ClocksEventReasonSwPowerCap, gonvml.SUCCESS }
	c, err := New(Options{Lib: srv, GPUs: "0"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &clockSink{base: time.Now()}
	c.ReadEnergy(sink)
	for i := 0; i < 60; i++ {
		drive(c, sink, fakes[:1], 100*time.Millisecond, func(int) float64 { return 450 })
		if i%10 == 0 {
			c.readContext(sink)
		}
	}
	e := energy.Account(&runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: int64(6 * time.Second)}}, nil, sink.samples(), energy.Config{})
	if !e.Throttled || !slices.Equal(e.GPUs[0].ClockEventReasons, []string{"sw_power_cap"}) {
		t.Errorf("throttled %v reasons %v", e.Throttled, e.GPUs[0].ClockEventReasons)
	}
}

func TestCounterReset(t *testing.T) {
	srv, fakes := newServer(t)
	c, err := New(Options{Lib: srv, GPUs: "0"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &clockSink{base: time.Now()}
	c.ReadEnergy(sink)
	drive(c, sink, fakes[:1], 3*time.Second, func(int) float64 { return 200 })
	fakes[0].ResetCounter() // driver reload
	drive(c, sink, fakes[:1], 3*time.Second, func(int) float64 { return 200 })
	h := c.Health()
	if h.Errors != 1 || !strings.Contains(h.Message, "went backwards") {
		t.Errorf("health = %+v", h)
	}
	resets := 0
	for _, r := range sink.got {
		if r.Metric == collectors.MetricCounterReset {
			resets++
		}
	}
	if resets != 1 {
		t.Errorf("%d reset readings, want 1", resets)
	}
	e := energy.Account(&runrecord.Run{Window: runrecord.Window{StartNS: 0, EndNS: int64(6 * time.Second)}}, nil, sink.samples(), energy.Config{})
	if e.Reliable || e.GPUs[0].CounterResets != 1 {
		t.Errorf("reliable=%v resets=%d", e.Reliable, e.GPUs[0].CounterResets)
	}
}

func TestUnsupportedFields(t *testing.T) {
	srv, _ := newServer(t)
	d := srv.Devices[0].(*server.Device)
	d.GetFieldValuesFunc = func([]gonvml.FieldValue) gonvml.Return { return gonvml.ERROR_NOT_SUPPORTED }
	d.GetUtilizationRatesFunc = func() (gonvml.Utilization, gonvml.Return) { return gonvml.Utilization{}, gonvml.ERROR_NOT_SUPPORTED }
	d.GetCurrentClocksEventReasonsFunc = func() (uint64, gonvml.Return) { return 0, gonvml.ERROR_NOT_SUPPORTED }
	c, err := New(Options{Lib: srv, GPUs: "0"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &clockSink{base: time.Now()}
	for i := 0; i < 3; i++ {
		c.readPower(sink)
		c.readContext(sink)
	}
	h := c.Health()
	for _, f := range []string{"power_instant_w", "gpu_util_pct", "mem_util_pct", "clocks_event_reasons"} {
		if !slices.Contains(h.Unsupported, f) {
			t.Errorf("unsupported %v lacks %s", h.Unsupported, f)
		}
	}
	counts := map[string]int{}
	for _, r := range sink.got {
		counts[r.Metric]++
	}
	if counts["gpu_util_pct"] != 0 || counts[collectors.MetricPowerInstantW] != 0 || counts["clocks_event_reasons"] != 0 {
		t.Errorf("unsupported fields were recorded as values: %v", counts)
	}
	if counts[collectors.MetricPowerAvg1sW] != 3 || counts["temp_c"] != 3 {
		t.Errorf("fallback/supported readings: %v", counts)
	}
	if h.Errors != 0 || !h.OK {
		t.Errorf("unsupported fields counted as errors: %+v", h)
	}
}

// TestMissingSymbols: a reading whose entry point the driver lacks is listed
// as unsupported and never called (calling it would end the process).
func TestMissingSymbols(t *testing.T) {
	srv, _ := newServer(t)
	srv.LookupSymbolFunc = func(name string) error {
		if name == symEnergy || name == symEventReasons || name == symThrottleReasons {
			return errors.New("undefined symbol")
		}
		return nil
	}
	for _, d := range srv.Devices {
		d := d.(*server.Device)
		d.GetTotalEnergyConsumptionFunc = func() (uint64, gonvml.Return) { panic("energy counter called") }
		d.GetCurrentClocksEventReasonsFunc = func() (uint64, gonvml.Return) { panic("event reasons called") }
	}
	c, err := New(Options{Lib: srv, GPUs: "0"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &clockSink{base: time.Now()}
	c.ReadEnergy(sink)
	c.readPower(sink)
	c.readContext(sink)
	h := c.Health()
	if !slices.Contains(h.Unsupported, collectors.MetricEnergyMJ) || !slices.Contains(h.Unsupported, "clocks_event_reasons") || h.Errors != 0 {
		t.Errorf("health %+v", h)
	}
	if !strings.Contains(h.Message, symEnergy) {
		t.Errorf("message %q does not name the missing entry point", h.Message)
	}
	if n := len(c.Inventory().Notes); n != 2 {
		t.Errorf("inventory notes %q, want 2", c.Inventory().Notes)
	}
}

// TestTransientInstantPowerFailure: one failed instant-power read is an
// error for that reading, not a switch to the 1-second average for the
// rest of the run.
func TestTransientInstantPowerFailure(t *testing.T) {
	srv, _ := newServer(t, 200)
	d := srv.Devices[0].(*server.Device)
	inner, failed := d.GetFieldValuesFunc, false
	d.GetFieldValuesFunc = func(v []gonvml.FieldValue) gonvml.Return {
		if !failed {
			failed = true
			return gonvml.ERROR_UNKNOWN
		}
		return inner(v)
	}
	c, err := New(Options{Lib: srv, GPUs: "0"})
	if err != nil {
		t.Fatal(err)
	}
	sink := &clockSink{base: time.Now()}
	for i := 0; i < 5; i++ {
		c.readPower(sink)
	}
	got := map[string]int{}
	for _, r := range sink.got {
		got[r.Metric]++
	}
	if got[collectors.MetricPowerInstantW] != 4 || got[collectors.MetricPowerAvg1sW] != 0 {
		t.Errorf("readings %v: want 4 instant readings after one transient failure, no fallback", got)
	}
	if h := c.Health(); h.Errors != 1 || slices.Contains(h.Unsupported, collectors.MetricPowerInstantW) {
		t.Errorf("health %+v", h)
	}
}

func TestSelection(t *testing.T) {
	srv, _ := newServer(t)
	uuid5 := srv.Devices[5].(*server.Device).UUID
	tests := []struct {
		name, gpus, visible string
		set                 bool
		want                []int
		err                 string
	}{
		{"all", "", "", false, []int{0, 1, 2, 3, 4, 5, 6, 7}, ""},
		{"indices", "1,3", "", false, []int{1, 3}, ""},
		{"uuid prefix", uuid5[:12], "", false, []int{5}, ""},
		{"visible ordinals", "1", "2,6,5", true, []int{6}, ""},
		{"visible all", "all", "2," + uuid5, true, []int{2, 5}, ""},
		{"visible stops at bad entry", "", "3,99,4", true, []int{3}, ""},
		{"visible empty hides all", "", "", true, nil, ""},
		{"hidden uuid", uuid5, "0,1", true, nil, "no visible GPU has this UUID"},
		{"out of range", "9", "", false, nil, "no such GPU (8 visible)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(Options{Lib: srv, GPUs: tc.gpus, CUDAVisibleDevices: tc.visible, CUDAVisibleSet: tc.set})
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, g := range c.Selected() {
				got = append(got, g.Index)
			}
			if len(got) != len(tc.want) || !slices.Equal(got, tc.want) {
				t.Errorf("selected %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIdentityAndRun(t *testing.T) {
	srv, _ := newServer(t, 250)
	c, err := New(Options{Lib: srv, GPUs: "0", PowerInterval: 10 * time.Millisecond, EnergyInterval: 50 * time.Millisecond, ContextInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	inv := c.Inventory()
	g := inv.GPUs[0]
	if inv.DriverVersion != "550.54.15" || g.Architecture != "hopper" || !strings.Contains(g.Name, "H100") || g.PowerLimitW != 700 || g.MIG {
		t.Errorf("inventory = %+v, gpu = %+v", inv, g)
	}
	reg := collectors.NewRegistry()
	if err := reg.Register(c); err != nil {
		t.Fatal(err)
	}
	s := reg.Start(context.Background())
	time.Sleep(120 * time.Millisecond)
	s.Stop(context.Background())
	metrics := map[string]bool{}
	for _, x := range s.Samples(s.Started()) {
		metrics[x.Metric] = true
		if x.Collector != Name {
			t.Fatalf("sample collector %q", x.Collector)
		}
	}
	for _, m := range []string{"energy_mj", "power_instant_w", "gpu_util_pct", "mem_used_bytes", "sm_clock_mhz", "mem_clock_mhz", "temp_c", "power_limit_w", "clocks_event_reasons"} {
		if !metrics[m] {
			t.Errorf("no %s sample", m)
		}
	}
	if h := s.Health(); len(h) != 1 || !h[0].OK || h[0].Samples == 0 {
		t.Errorf("health = %+v", h)
	}
}

func TestMissingDriver(t *testing.T) {
	lib := &mock.Interface{InitFunc: func() gonvml.Return { return gonvml.ERROR_LIBRARY_NOT_FOUND }}
	_, err := New(Options{Lib: lib})
	if !errors.Is(err, ErrUnavailable) || err.Error() != "no NVIDIA driver: NVML library not found" {
		t.Fatalf("err = %v", err)
	}
	if _, err := ProbeLibrary(lib); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("probe err = %v", err)
	}
}

// TestSystemLibrary checks the real library on this machine: without a
// driver it must say so in one line, with one it must list GPUs.
func TestSystemLibrary(t *testing.T) {
	inv, err := Probe()
	if errors.Is(err, ErrUnavailable) {
		t.Logf("no GPU here: %v", err)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("driver %s, %d GPU(s)", inv.DriverVersion, len(inv.GPUs))
}
