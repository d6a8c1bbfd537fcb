package energy

import (
	"math"
	"sort"

	"github.com/tcobench/tcobench/runrecord"
)

// shares gives each request the energy sampled while it was in flight,
// split evenly across the requests in flight at each moment, with and
// without the idle power; it fills the share distributions and J per task
// by task name.
func shares(e *runrecord.Energy, attempts []Request, timelines [][]point) {
	total := sumTimelines(timelines)
	if len(total) < 2 {
		return
	}
	idleW := 0.0
	if e.Idle != nil {
		idleW = e.Idle.GPUPowerW
	}
	fleetAcc, margAcc := accumulate(attempts, total, idleW)
	var fleet, marg []float64
	type agg struct{ fleet, marg float64 }
	byTask := map[string]*agg{}
	taskName := map[string]string{}
	for i := range attempts {
		a := &attempts[i]
		if !a.Measured || !a.OK || !a.inFlight() {
			continue
		}
		f := valueAt(fleetAcc, a.EndNS) - valueAt(fleetAcc, a.SentNS)
		m := valueAt(margAcc, a.EndNS) - valueAt(margAcc, a.SentNS)
		fleet = append(fleet, f)
		marg = append(marg, m)
		t := byTask[a.TaskID]
		if t == nil {
			t = &agg{}
			byTask[a.TaskID] = t
			taskName[a.TaskID] = a.TaskName
		}
		t.fleet += f
		t.marg += m
	}
	if len(fleet) == 0 {
		return
	}
	e.RequestShareJ = dist(fleet)
	if e.Idle != nil {
		e.RequestShareMarginalJ = dist(marg)
	}
	e.ByTaskName = map[string]runrecord.TaskEnergy{}
	for id, t := range byTask {
		name := taskName[id]
		if name == "" {
			name = "(unnamed)"
		}
		te := e.ByTaskName[name]
		te.Tasks++
		te.JPerTask += t.fleet
		te.MarginalJPerTask += t.marg
		e.ByTaskName[name] = te
	}
	for name, te := range e.ByTaskName {
		te.JPerTask /= float64(te.Tasks)
		te.MarginalJPerTask /= float64(te.Tasks)
		if e.Idle == nil {
			te.MarginalJPerTask = 0
		}
		e.ByTaskName[name] = te
	}
}

// sumTimelines adds per-GPU cumulative-energy timelines on the union of their times.
func sumTimelines(ts [][]point) []point {
	var times []int64
	for _, t := range ts {
		for _, p := range t {
			times = append(times, p.t)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	var out []point
	for i, t := range times {
		if i > 0 && t == times[i-1] {
			continue
		}
		sum := 0.0
		for _, tl := range ts {
			v, _ := at(tl, t)
			sum += v
		}
		out = append(out, point{t, sum})
	}
	return out
}

// accumulate builds A(t) = ∫ P(t)/n(t) dt over the moments with n(t) > 0
// requests in flight (fleet), and the same with P − idle (marginal, not
// below zero). A request's share is then A(end) − A(start).
func accumulate(attempts []Request, total []point, idleW float64) (fleet, marg []point) {
	type ev struct {
		t int64
		d int
	}
	var evs []ev
	for i := range attempts {
		a := &attempts[i]
		if a.inFlight() {
			evs = append(evs, ev{a.SentNS, +1}, ev{a.EndNS, -1})
		}
	}
	for _, p := range total {
		evs = append(evs, ev{p.t, 0})
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].t < evs[j].t })
	inflight := 0
	var fa, ma float64
	var last int64
	for i, x := range evs {
		if i > 0 && x.t > last && inflight > 0 {
			ej := valueAt(total, x.t) - valueAt(total, last)
			fa += ej / float64(inflight)
			ma += math.Max(0, ej-idleW*float64(x.t-last)/1e9) / float64(inflight)
		}
		if i == 0 || x.t > last {
			fleet = append(fleet, point{x.t, fa})
			marg = append(marg, point{x.t, ma})
		} else {
			fleet[len(fleet)-1].v, marg[len(marg)-1].v = fa, ma
		}
		inflight += x.d
		last = x.t
	}
	return fleet, marg
}

func valueAt(cum []point, t int64) float64 {
	v, _ := at(cum, t)
	return v
}

// dist summarises values with exact percentiles (nearest rank).
func dist(v []float64) *runrecord.Dist {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	d := &runrecord.Dist{Count: n, Min: s[0], Max: s[n-1]}
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	d.Mean = sum / float64(n)
	ss := 0.0
	for _, x := range s {
		ss += (x - d.Mean) * (x - d.Mean)
	}
	if n > 1 {
		d.Stddev = math.Sqrt(ss / float64(n-1))
	}
	pct := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(n))) - 1
		return s[max(0, min(i, n-1))]
	}
	d.P50, d.P90, d.P95, d.P99, d.P999 = pct(50), pct(90), pct(95), pct(99), pct(99.9)
	return d
}
