package portfolio

import (
	"fmt"
	"math"
	"sort"

	"github.com/tcobench/tcobench/runrecord"
)

// Criteria are what an option must meet, and the volumes priced.
type Criteria struct {
	// MinPassRate is the pass-rate threshold, 0 to 1.
	MinPassRate float64
	// Frontier names the option standing for "the frontier model for
	// everything" (an option's whole name; FrontierName resolves a part of
	// one); "": the API or configured option with the highest pass rate.
	Frontier string
	// Volumes are successful tasks per day by workflow; Volume for the
	// others (0: DefaultVolume, labelled assumed).
	Volumes map[string]float64
	Volume  float64
}

// DefaultVolume is the daily volume priced when none is stated.
const DefaultVolume = 1000

// Result is the portfolio: per workflow the choice, and in total the
// savings at the stated volumes.
type Result struct {
	MinPassRate float64    `json:"min_pass_rate"`
	Workflows   []Workflow `json:"workflows"`
	// Frontier and BestSingle name the baselines ("" when there is none).
	Frontier   string `json:"frontier"`
	BestSingle string `json:"best_single,omitempty"`
	// Daily costs in USD of the chosen portfolio, of the frontier model for
	// everything, of the best single option and of the oracle, at the volumes.
	ChosenUSDPerDay     float64  `json:"chosen_usd_per_day"`
	FrontierUSDPerDay   float64  `json:"frontier_usd_per_day"`
	BestSingleUSDPerDay float64  `json:"best_single_usd_per_day,omitempty"`
	OracleUSDPerDay     *float64 `json:"oracle_usd_per_day,omitempty"`
	// Savings against the frontier for everything and the best single option.
	SavingVsFrontierUSDPerDay   float64  `json:"saving_vs_frontier_usd_per_day"`
	SavingVsBestSingleUSDPerDay float64  `json:"saving_vs_best_single_usd_per_day"`
	Notes                       []string `json:"notes,omitempty"`
}

// Workflow is one workflow's options and choice.
type Workflow struct {
	Name   string           `json:"name"`
	Volume runrecord.Figure `json:"volume_successful_tasks_per_day"`
	// Options sorted by cost per successful task, cheapest first.
	Options []Option `json:"options"`
	// Chosen is the index in Options of the choice, -1 when none is eligible.
	Chosen int `json:"chosen"`
	// ChosenUSDPerDay and FrontierUSDPerDay price the volume (0 when absent).
	ChosenUSDPerDay   float64 `json:"chosen_usd_per_day"`
	FrontierUSDPerDay float64 `json:"frontier_usd_per_day"`
	// Oracle: each task instance on the option cheapest per success for it
	// (cost per task / its pass rate on that instance), over the instances
	// some option meeting the SLOs solved (Coverage of those seen).
	OracleUSDPerSuccessfulTask *float64 `json:"oracle_usd_per_successful_task,omitempty"`
	OracleCoverage             float64  `json:"oracle_coverage,omitempty"`
	OracleUSDPerDay            *float64 `json:"oracle_usd_per_day,omitempty"`
}

// Choose builds the portfolio from the options.
func Choose(opts []Option, c Criteria) *Result {
	res := &Result{MinPassRate: c.MinPassRate}
	by := map[string][]Option{}
	for _, o := range opts {
		o.perSuccessful()
		judge(&o, c.MinPassRate)
		by[o.Workflow] = append(by[o.Workflow], o)
	}
	res.Frontier = frontier(opts, c.Frontier)
	if res.Frontier == "" {
		res.Notes = append(res.Notes, "no frontier option: give --frontier NAME (an option's name), or an API or configured option")
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Strings(names)
	oracleAll := true
	for _, n := range names {
		w := workflow(n, by[n], c, res.Frontier)
		if w.Chosen >= 0 {
			res.ChosenUSDPerDay += w.ChosenUSDPerDay
			res.FrontierUSDPerDay += w.FrontierUSDPerDay
		}
		if res.Frontier != "" && w.FrontierUSDPerDay == 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("workflow %s: the frontier option %s has no cost per successful task there: the saving against it leaves this workflow out", n, res.Frontier))
		}
		if w.OracleUSDPerDay == nil {
			oracleAll = false
		} else {
			res.OracleUSDPerDay = addPtr(res.OracleUSDPerDay, *w.OracleUSDPerDay)
		}
		if w.Chosen < 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("workflow %s: no option meets the SLOs and a %.0f %% pass rate: it is left out of the totals", n, 100*c.MinPassRate))
		}
		res.Workflows = append(res.Workflows, w)
	}
	if !oracleAll {
		res.OracleUSDPerDay = nil
		res.Notes = append(res.Notes, "no oracle bound: it needs, in every workflow, per-instance outcomes (runs with checks, or recorded traces) with some instance solved by an option meeting the SLOs")
	}
	res.SavingVsFrontierUSDPerDay = res.FrontierUSDPerDay - res.ChosenUSDPerDay
	res.bestSingle(c)
	return res
}

// judge decides whether an option is eligible.
func judge(o *Option, minPass float64) {
	switch {
	case !o.MeetsSLOs:
		o.Why = "does not meet the SLOs (" + o.SLOs + ")"
	case o.PassRate.Value < minPass:
		o.Why = fmt.Sprintf("pass rate %.1f %% below %.0f %%", 100*o.PassRate.Value, 100*minPass)
	case o.USDPerSuccessfulTask == nil:
		o.Why = "no task succeeded"
	default:
		o.Eligible = true
	}
}

// frontier names the frontier option: want (an option's whole name, see
// FrontierName), else the API or configured option with the highest pass rate.
func frontier(opts []Option, want string) string {
	best, rate := "", -1.0
	for _, o := range opts {
		switch {
		case want != "" && o.Name == want:
			return o.Name
		case want == "" && (o.Kind == KindAPI || o.Kind == KindConfigured) && o.PassRate.Value > rate:
			best, rate = o.Name, o.PassRate.Value
		}
	}
	return best
}

func workflow(name string, opts []Option, c Criteria, front string) Workflow {
	sort.SliceStable(opts, func(i, j int) bool { return cost(opts[i]) < cost(opts[j]) })
	w := Workflow{Name: name, Options: opts, Chosen: -1, Volume: volume(name, c)}
	for i, o := range opts {
		if o.Eligible && w.Chosen < 0 {
			w.Chosen = i
			w.ChosenUSDPerDay = w.Volume.Value * o.USDPerSuccessfulTask.Value
		}
		if o.Name == front && o.USDPerSuccessfulTask != nil {
			w.FrontierUSDPerDay = w.Volume.Value * o.USDPerSuccessfulTask.Value
		}
	}
	if v, cov, ok := oracle(opts); ok {
		w.OracleUSDPerSuccessfulTask, w.OracleCoverage = &v, cov
		d := v * w.Volume.Value
		w.OracleUSDPerDay = &d
	}
	return w
}

// cost sorts options by cost per successful task (none: last).
func cost(o Option) float64 {
	if o.USDPerSuccessfulTask == nil {
		return math.Inf(1)
	}
	return o.USDPerSuccessfulTask.Value
}

func volume(name string, c Criteria) runrecord.Figure {
	if v, ok := c.Volumes[name]; ok && v > 0 {
		return runrecord.Figure{Value: v, Provenance: runrecord.Configured, Source: "stated volume of " + name}
	}
	if c.Volume > 0 {
		return runrecord.Figure{Value: c.Volume, Provenance: runrecord.Configured, Source: "stated volume"}
	}
	return runrecord.Figure{Value: DefaultVolume, Provenance: runrecord.Assumed, Source: "no volume stated: 1,000 successful tasks a day"}
}

// oracle sends each instance to the option (meeting the SLOs) cheapest per
// success on it: cost per task / its pass rate there; the mean over the
// instances some such option solved, and their share of those seen.
func oracle(opts []Option) (float64, float64, bool) {
	best := map[string]float64{}
	seen := map[string]bool{}
	for _, o := range opts {
		if !o.MeetsSLOs {
			continue
		}
		for k, n := range o.instances {
			seen[k] = true
			if n[1] == 0 {
				continue
			}
			c := o.USDPerTask.Value * float64(n[0]) / float64(n[1])
			if b, ok := best[k]; !ok || c < b {
				best[k] = c
			}
		}
	}
	if len(best) == 0 {
		return 0, 0, false
	}
	sum := 0.0
	for _, c := range best {
		sum += c
	}
	return sum / float64(len(best)), float64(len(best)) / float64(len(seen)), true
}

// bestSingle finds the one option that, used for every workflow, meets the
// criteria everywhere at the lowest total.
func (r *Result) bestSingle(c Criteria) {
	totals := map[string]float64{}
	count := map[string]int{}
	for _, w := range r.Workflows {
		for _, o := range w.Options {
			if o.Eligible {
				totals[o.Name] += w.Volume.Value * o.USDPerSuccessfulTask.Value
				count[o.Name]++
			}
		}
	}
	best := ""
	for n, t := range totals {
		if count[n] == len(r.Workflows) && (best == "" || t < totals[best] || t == totals[best] && n < best) {
			best = n
		}
	}
	if best == "" {
		r.Notes = append(r.Notes, "no single option meets the SLOs and the pass rate in every workflow")
		return
	}
	r.BestSingle, r.BestSingleUSDPerDay = best, totals[best]
	r.SavingVsBestSingleUSDPerDay = totals[best] - r.ChosenUSDPerDay
}

func addPtr(p *float64, v float64) *float64 {
	if p == nil {
		return &v
	}
	s := *p + v
	return &s
}
