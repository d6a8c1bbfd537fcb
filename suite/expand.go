package suite

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// Expand lists the suite's runs in order: for each workload, each target,
// each load point; then the extra runs.
func (s *Suite) Expand() []runrecord.SuiteRunSpec {
	var out []runrecord.SuiteRunSpec
	for _, w := range s.Workloads {
		for _, t := range s.Targets {
			for _, l := range s.Loads {
				sp := runrecord.SuiteRunSpec{Workload: w, Target: t.Name, URL: t.URL, Load: l,
					SuiteSettings: merge(s.Defaults, t.SuiteSettings, l.SuiteSettings)}
				sp.Name = fmt.Sprintf("%s-%s-%s", w, t.Name, loadTag(l))
				out = append(out, sp)
			}
		}
	}
	for _, r := range s.Runs {
		t := s.target(r.Target)
		sp := runrecord.SuiteRunSpec{Workload: r.Workload, Target: t.Name, URL: t.URL, Load: r.Load,
			SuiteSettings: merge(s.Defaults, t.SuiteSettings, r.Load.SuiteSettings, r.SuiteSettings)}
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

func (s *Suite) target(name string) runrecord.SuiteTarget {
	for _, t := range s.Targets {
		if t.Name == name {
			return t
		}
	}
	return runrecord.SuiteTarget{Name: name}
}

func loadTag(l runrecord.SuiteLoad) string {
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
func merge(layers ...runrecord.SuiteSettings) runrecord.SuiteSettings {
	var m runrecord.SuiteSettings
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

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
