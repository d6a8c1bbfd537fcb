package suite

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// RunSpec is one run of a suite, with every setting resolved.
type RunSpec struct {
	// Index is the run's position in the suite, from 0; Name is its directory name
	// inside the suite directory ("01-tier1-support-ticket-local-c4").
	Index    int    `json:"index"`
	Name     string `json:"name"`
	Workload string `json:"workload"`
	// Target is the target's name; URL its address.
	Target string `json:"target"`
	URL    string `json:"url"`
	Load   Load   `json:"load"`
	// Settings are the merged settings: defaults, then target, then load point, then run.
	Settings
}

// Expand lists the suite's runs in order: for each workload, each target,
// each load point; then the extra runs.
func (s *Suite) Expand() []RunSpec {
	var out []RunSpec
	for _, w := range s.Workloads {
		for _, t := range s.Targets {
			for _, l := range s.Loads {
				sp := RunSpec{Workload: w, Target: t.Name, URL: t.URL, Load: l,
					Settings: merge(s.Defaults, t.Settings, l.Settings)}
				sp.Name = fmt.Sprintf("%s-%s-%s", w, t.Name, loadTag(l))
				out = append(out, sp)
			}
		}
	}
	for _, r := range s.Runs {
		t := s.target(r.Target)
		sp := RunSpec{Workload: r.Workload, Target: t.Name, URL: t.URL, Load: r.Load,
			Settings: merge(s.Defaults, t.Settings, r.Load.Settings, r.Settings)}
		sp.Name = r.Name
		if sp.Name == "" {
			sp.Name = fmt.Sprintf("%s-%s-%s", r.Workload, t.Name, loadTag(r.Load))
		}
		out = append(out, sp)
	}
	width := len(strconv.Itoa(len(out)))
	if width < 2 {
		width = 2
	}
	for i := range out {
		out[i].Index = i
		out[i].Name = fmt.Sprintf("%0*d-%s", width, i+1, safe(out[i].Name))
	}
	return out
}

func (s *Suite) target(name string) Target {
	for _, t := range s.Targets {
		if t.Name == name {
			return t
		}
	}
	return Target{Name: name}
}

func loadTag(l Load) string {
	switch {
	case l.Rate > 0:
		return fmt.Sprintf("%s%gps", orStr(l.Mode, "rate"), l.Rate)
	default:
		return "c" + strconv.Itoa(l.Concurrency)
	}
}

func safe(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

func orStr(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// merge overlays settings, later ones winning field by field.
func merge(layers ...Settings) Settings {
	var m Settings
	for _, l := range layers {
		m.Backend = orStr(l.Backend, m.Backend)
		m.Model = orStr(l.Model, m.Model)
		m.Hardware = orStr(l.Hardware, m.Hardware)
		m.Site = orStr(l.Site, m.Site)
		m.Prices = orStr(l.Prices, m.Prices)
		if l.Duration != 0 {
			m.Duration = l.Duration
		}
		if l.Count != 0 {
			m.Count = l.Count
		}
		if l.Warmup != 0 {
			m.Warmup = l.Warmup
		}
		if l.Cooldown != 0 {
			m.Cooldown = l.Cooldown
		}
		if l.RequestTimeout != 0 {
			m.RequestTimeout = l.RequestTimeout
		}
		if l.Seed != 0 {
			m.Seed = l.Seed
		}
		m.SLOs = mergeMap(m.SLOs, l.SLOs)
		m.Flags = mergeMap(m.Flags, l.Flags)
	}
	return m
}

func mergeMap[V any](a, b map[string]V) map[string]V {
	if len(b) == 0 {
		return a
	}
	out := make(map[string]V, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// Args returns the `tcobench run` flags this spec stands for (without --out).
// Flag names follow the run command; Settings.Flags are appended as given.
func (sp RunSpec) Args() []string {
	var a []string
	add := func(flag, v string) {
		if v != "" && v != "0" && v != "0s" {
			a = append(a, "--"+flag, v)
		}
	}
	add("workload", sp.Workload)
	add("target", sp.URL)
	add("backend", sp.Backend)
	add("model", sp.Model)
	mode := sp.Load.Mode
	if mode == "" && sp.Load.Rate == 0 {
		mode = "closed"
	} else if mode == "" {
		mode = "poisson"
	}
	add("arrival", mode)
	add("concurrency", strconv.Itoa(sp.Load.Concurrency))
	add("rate", strconv.FormatFloat(sp.Load.Rate, 'g', -1, 64))
	add("gamma-shape", strconv.FormatFloat(sp.Load.GammaShape, 'g', -1, 64))
	add("think-time", sp.Load.ThinkTime.D().String())
	add("duration", sp.Duration.D().String())
	add("count", strconv.Itoa(sp.Count))
	add("warmup", sp.Warmup.D().String())
	add("cooldown", sp.Cooldown.D().String())
	add("request-timeout", sp.RequestTimeout.D().String())
	add("seed", strconv.FormatUint(sp.Seed, 10))
	add("hardware", sp.Hardware)
	add("site", sp.Site)
	add("prices", sp.Prices)
	for _, k := range sortedKeys(sp.SLOs) {
		a = append(a, "--slo", k+"="+sp.SLOs[k].D().String())
	}
	for _, k := range sortedKeys(sp.Flags) {
		a = append(a, "--"+k, sp.Flags[k])
	}
	return a
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
