package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// smiLayout is nvidia-smi's timestamp (local time, milliseconds).
const smiLayout = "2006/01/02 15:04:05.000"

// series is a power series: times and watts.
type series struct {
	at []time.Time
	w  []float64
}

func (s *series) add(at time.Time, w float64) {
	s.at = append(s.at, at)
	s.w = append(s.w, w)
}

// readSMI reads nvidia-smi's CSV (--format=csv,noheader,nounits):
// timestamp, power.draw[, power.draw.instant]. A value nvidia-smi could not
// read ("[N/A]") is skipped.
func readSMI(r io.Reader, loc *time.Location) (draw, instant series, err error) {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), ",")
		if len(f) < 2 {
			continue
		}
		at, err := time.ParseInLocation(smiLayout, strings.TrimSpace(f[0]), loc)
		if err != nil {
			return draw, instant, fmt.Errorf("nvidia-smi line %d: timestamp %q: %w", line, f[0], err)
		}
		if w, err := strconv.ParseFloat(strings.TrimSpace(f[1]), 64); err == nil {
			draw.add(at, w)
		}
		if len(f) > 2 {
			if w, err := strconv.ParseFloat(strings.TrimSpace(f[2]), 64); err == nil {
				instant.add(at, w)
			}
		}
	}
	return draw, instant, sc.Err()
}

// integral is the trapezoid integral of s over [a, b] in J, the series
// interpolated linearly at the bounds; covered says s spans [a, b].
func (s series) integral(a, b time.Time) (j float64, covered bool) {
	n := len(s.at)
	if n < 2 {
		return 0, false
	}
	for i := 1; i < n; i++ {
		t0, t1 := s.at[i-1], s.at[i]
		lo, hi := later(t0, a), earlier(t1, b)
		if !hi.After(lo) {
			continue
		}
		j += (s.value(i, lo) + s.value(i, hi)) / 2 * hi.Sub(lo).Seconds()
	}
	return j, !s.at[0].After(a) && !s.at[n-1].Before(b)
}

// value interpolates segment i (from point i-1 to i) at t.
func (s series) value(i int, t time.Time) float64 {
	d := s.at[i].Sub(s.at[i-1])
	if d <= 0 {
		return s.w[i]
	}
	f := float64(t.Sub(s.at[i-1])) / float64(d)
	return s.w[i-1] + f*(s.w[i]-s.w[i-1])
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// rate is the sampling rate (Hz) and largest gap of times within [a, b].
func rate(times []time.Time, a, b time.Time) (hz float64, gap time.Duration) {
	var in []time.Time
	for _, t := range times {
		if !t.Before(a) && !t.After(b) {
			in = append(in, t)
		}
	}
	if len(in) < 2 {
		return 0, 0
	}
	for i := 1; i < len(in); i++ {
		gap = max(gap, in[i].Sub(in[i-1]))
	}
	return float64(len(in)-1) / in[len(in)-1].Sub(in[0]).Seconds(), gap
}

// powerTimes are the times of tcobench's power readings of GPU gpu.
func powerTimes(dir string, zero time.Time, gpu int) ([]time.Time, error) {
	f, err := os.Open(filepath.Join(dir, runrecord.TelemetryFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []time.Time
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var s runrecord.Sample
		if json.Unmarshal(sc.Bytes(), &s) != nil || s.Labels[collectors.LabelGPU] != strconv.Itoa(gpu) {
			continue
		}
		if s.Metric == collectors.MetricPowerInstantW || s.Metric == collectors.MetricPowerAvg1sW {
			out = append(out, zero.Add(time.Duration(s.TNS)))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out, sc.Err()
}

func pct(v, ref float64) string {
	if ref == 0 {
		return "—"
	}
	return fmt.Sprintf("%+.1f %%", (v-ref)/ref*100)
}

// compare prints tcobench's energy of GPU gpu over the run's window beside
// nvidia-smi's power integrals, and the idle power beside nvidia-smi's mean.
func compare(out io.Writer, dir, smiPath string, gpu int, loadStartPath string) error {
	run, err := runrecord.ReadRun(dir)
	if err != nil {
		return err
	}
	e := run.Energy
	if e == nil || !e.Measured {
		reason := "no energy record"
		if e != nil {
			reason = e.Reason
		}
		return fmt.Errorf("the run measured no GPU energy: %s", reason)
	}
	var g *runrecord.GPUEnergy
	for i := range e.GPUs {
		if e.GPUs[i].Index == gpu {
			g = &e.GPUs[i]
		}
	}
	if g == nil {
		return fmt.Errorf("the run has no energy for GPU %d", gpu)
	}
	f, err := os.Open(smiPath)
	if err != nil {
		return err
	}
	defer f.Close()
	draw, instant, err := readSMI(f, time.Local)
	if err != nil {
		return err
	}
	zero := run.StartedAt
	a, b := zero.Add(time.Duration(e.Window.StartNS)), zero.Add(time.Duration(e.Window.EndNS))
	times, err := powerTimes(dir, zero, gpu)
	if err != nil {
		return err
	}
	r := report{e: e, g: g, draw: draw, instant: instant, a: a, b: b, zero: zero, times: times}
	r.print(out)
	return r.checkIdle(out, loadStartPath)
}

type report struct {
	e             *runrecord.Energy
	g             *runrecord.GPUEnergy
	draw, instant series
	a, b, zero    time.Time
	times         []time.Time
}

func (r report) print(out io.Writer) {
	e, g := r.e, r.g
	rel := "reliable"
	if !e.Reliable {
		rel = "flagged unreliable"
	}
	fmt.Fprintf(out, "gpu-check: GPU %d (%s, %s), driver %s; energy window %.1f s (%s), energy from the %s\n",
		g.Index, orDash(g.Name), orDash(g.UUID), orDash(e.DriverVersion), e.WindowS, rel, orDash(g.EnergySource))
	fmt.Fprintf(out, "\n  %-52s %12s  %s\n", "GPU energy over the window", "J", "vs counter")
	fmt.Fprintf(out, "  %-52s %12.1f  %s\n", "tcobench: NVML energy counter (measured)", g.EnergyJ, "—")
	fmt.Fprintf(out, "  %-52s %12.1f  %s\n", "tcobench: integral of "+orDash(e.PowerSource)+" power, sampled (measured)", g.PowerIntegralJ, pct(g.PowerIntegralJ, g.EnergyJ))
	for _, s := range []struct {
		name string
		s    series
	}{{"nvidia-smi: integral of power.draw, -lms 100", r.draw}, {"nvidia-smi: integral of power.draw.instant, -lms 100", r.instant}} {
		if len(s.s.at) < 2 {
			continue
		}
		j, covered := s.s.integral(r.a, r.b)
		note := ""
		if !covered {
			note = "  (samples do not cover the window)"
		}
		fmt.Fprintf(out, "  %-52s %12.1f  %s%s\n", s.name, j, pct(j, g.EnergyJ), note)
	}
	hz, gap := rate(r.times, r.a, r.b)
	smiHz, smiGap := rate(r.draw.at, r.a, r.b)
	fmt.Fprintf(out, "\n  power sampling in the window: tcobench %.1f Hz (largest gap %d ms), nvidia-smi %.1f Hz (largest gap %d ms)\n",
		hz, gap.Milliseconds(), smiHz, smiGap.Milliseconds())
	if e.Throttled {
		fmt.Fprintf(out, "  clocks throttled during the window: %s\n", strings.Join(g.ClockEventReasons, ", "))
	}
	for _, w := range e.Warnings {
		fmt.Fprintf(out, "  tcobench warning: %s\n", w)
	}
}

// checkIdle prints the idle power beside nvidia-smi's mean over the same
// span, and says when the load began before the idle span ended.
func (r report) checkIdle(out io.Writer, loadStartPath string) error {
	if r.e.Idle == nil {
		fmt.Fprintln(out, "\n  idle power: the run took no idle baseline")
		return nil
	}
	ia, ib := r.zero.Add(time.Duration(r.e.Idle.Window.StartNS)), r.zero.Add(time.Duration(r.e.Idle.Window.EndNS))
	j, _ := r.draw.integral(ia, ib)
	smiW := j / ib.Sub(ia).Seconds()
	fmt.Fprintf(out, "\n  idle power over %.1f s before the load: tcobench %.1f W, nvidia-smi power.draw %.1f W (%s)\n",
		r.e.Idle.WindowS, r.g.IdlePowerW, smiW, pct(smiW, r.g.IdlePowerW))
	if loadStartPath == "" {
		return nil
	}
	b, err := os.ReadFile(loadStartPath)
	if err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return errors.New("load start: not an RFC 3339 time: the load did not start")
	}
	if start.Before(ib) {
		fmt.Fprintf(out, "  WARNING: the load began %.1f s before the idle span ended: the idle figures include load (raise the load delay)\n", ib.Sub(start).Seconds())
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
