package harness

import (
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/load"
)

// LoadPoint is one load of a sweep or a capacity search: an open-loop rate
// or a closed-loop user count.
type LoadPoint struct {
	Rate        float64
	Concurrency int
}

// Load is the run's load at this point: a concurrency point is a closed
// loop of that many users, a rate point the run's open loop at that rate.
func (p LoadPoint) Load(ls load.LoadSettings) load.LoadSettings {
	if p.Concurrency > 0 {
		ls.Concurrency, ls.Rate = p.Concurrency, 0
	} else {
		ls.Rate = p.Rate
	}
	return ls
}

// ParseLoadPoints reads the rates or the concurrencies (exactly one given),
// comma-separated.
func ParseLoadPoints(rates, concs string) ([]LoadPoint, error) {
	if (rates == "") == (concs == "") {
		return nil, badinput.Errorf("give exactly one of --rates or --concurrencies")
	}
	var out []LoadPoint
	for _, s := range strings.Split(rates+concs, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if concs != "" {
			c, err := strconv.Atoi(s)
			if err != nil || c <= 0 {
				return nil, badinput.Field("concurrencies", s, "is not a positive whole number")
			}
			out = append(out, LoadPoint{Concurrency: c})
			continue
		}
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			return nil, badinput.Field("rates", s, "is not a positive number of tasks per second")
		}
		out = append(out, LoadPoint{Rate: r})
	}
	return out, nil
}

// SearchBetween is the capacity search of a sweep between its two points
// (LOW,HIGH), each probe the sweep's run at its own load.
func SearchBetween(ss SweepSpec, pts []LoadPoint, ls load.LoadSettings, tolerance float64) (CapacitySpec, error) {
	if len(pts) != 2 {
		return CapacitySpec{}, badinput.Errorf("a capacity search takes two load points, LOW,HIGH (got %d)", len(pts))
	}
	conc := pts[0].Concurrency > 0
	cs := CapacitySpec{Base: ss.Base, Dir: ss.Dir, MinGoodput: ss.MinGoodput, MaxErrors: ss.MaxErrors, Tolerance: tolerance,
		Low: pts[0].Rate + float64(pts[0].Concurrency), High: pts[1].Rate + float64(pts[1].Concurrency), Concurrency: conc,
		Point: func(v float64) (load.Schedule, error) {
			p := LoadPoint{Rate: v}
			if conc {
				p = LoadPoint{Concurrency: int(v)}
			}
			return p.Load(ls).Schedule(ss.Base.Load.Plan.Arrival)
		}}
	return cs, cs.Validate()
}
