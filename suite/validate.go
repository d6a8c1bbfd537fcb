package suite

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/internal/yamlpath"
	"github.com/tcobench/tcobench/load"
	"github.com/tcobench/tcobench/modelapi"
	"github.com/tcobench/tcobench/runrecord"
	"github.com/tcobench/tcobench/workloads"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// loadKeys maps the run settings a load point gives to its YAML keys.
var loadKeys = map[string]string{"arrival": "mode", "concurrency": "concurrency", "rate": "rate",
	"gamma-shape": "gamma_shape", "think-time": "think_time"}

// errAt formats a validation error as file:line: field: message.
func (s *Suite) errAt(root *yaml.Node, msg string, path ...string) error {
	return badinput.Wrap(errors.New(yamlpath.Format(s.path, yamlpath.Line(root, path...), yamlpath.Field(path...), msg)))
}

// fieldAt is errAt for an error of a run's validators: a setting's error
// reads as its reason and the value given, the place naming the setting.
func (s *Suite) fieldAt(root *yaml.Node, err error, path ...string) error {
	var fe *badinput.FieldError
	if errors.As(err, &fe) {
		return s.errAt(root, fe.InPlace(), path...)
	}
	return s.errAt(root, err.Error(), path...)
}

func (s *Suite) validate(root *yaml.Node, chk Checks) error {
	if s.Name == "" || !nameRE.MatchString(s.Name) {
		return s.errAt(root, fmt.Sprintf("%q: give a name of letters, digits, '.', '_' or '-'", s.Name), "name")
	}
	if len(s.Targets) == 0 {
		return s.errAt(root, "at least one target is needed", "targets")
	}
	if err := s.checkTargets(root, chk); err != nil {
		return err
	}
	if err := s.checkSettings(root, s.Defaults, chk, "defaults"); err != nil {
		return err
	}
	if len(s.Workloads) > 0 && len(s.Loads) == 0 {
		return s.errAt(root, "workloads are given but no load points (loads: - concurrency: 4)", "workloads")
	}
	arrivals, err := s.arrivals(root)
	if err != nil {
		return err
	}
	for i, l := range s.Loads {
		for _, w := range s.Workloads {
			if err := s.checkLoad(root, l, arrivals[w], chk, "loads", strconv.Itoa(i)); err != nil {
				return err
			}
		}
	}
	if err := s.checkRuns(root, arrivals, chk); err != nil {
		return err
	}
	specs := s.Expand()
	if len(specs) == 0 {
		return s.errAt(root, "the suite has no runs: give workloads and loads, or runs", "workloads")
	}
	for _, sp := range specs {
		if sp.Duration == 0 && sp.Count == 0 {
			return badinput.Errorf("%s: run %s has neither a duration nor a count (set defaults.duration)", s.path, sp.Name)
		}
	}
	if s.Gate != nil && s.Gate.Baseline != "" && s.Gate.Baseline != "last-good" {
		return s.errAt(root, "baseline must be last-good (or leave it out)", "gate", "baseline")
	}
	return nil
}

func (s *Suite) checkTargets(root *yaml.Node, chk Checks) error {
	targets := map[string]bool{}
	for i, t := range s.Targets {
		at := []string{"targets", strconv.Itoa(i)}
		if !nameRE.MatchString(t.Name) {
			return s.errAt(root, fmt.Sprintf("name %q: give a name of letters, digits, '.', '_' or '-'", t.Name), append(at, "name")...)
		}
		if targets[t.Name] {
			return s.errAt(root, fmt.Sprintf("target %q is listed twice", t.Name), append(at, "name")...)
		}
		targets[t.Name] = true
		if u, err := url.Parse(t.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return s.errAt(root, fmt.Sprintf("%q is not an http(s) URL", t.URL), append(at, "url")...)
		}
		if err := s.checkSettings(root, t.SuiteSettings, chk, at...); err != nil {
			return err
		}
	}
	return nil
}

func (s *Suite) checkRuns(root *yaml.Node, arrivals map[string]workloads.Arrival, chk Checks) error {
	for i, r := range s.Runs {
		at := []string{"runs", strconv.Itoa(i)}
		if r.Workload == "" {
			return s.errAt(root, "workload is required", append(at, "workload")...)
		}
		if s.target(r.Target).URL == "" {
			return s.errAt(root, fmt.Sprintf("target %q is not one of the suite's targets", r.Target), append(at, "target")...)
		}
		if r.Name != "" && !nameRE.MatchString(r.Name) {
			return s.errAt(root, fmt.Sprintf("name %q: give a name of letters, digits, '.', '_' or '-'", r.Name), append(at, "name")...)
		}
		if err := s.checkLoad(root, r.Load, arrivals[r.Workload], chk, append(at, "load")...); err != nil {
			return err
		}
		if err := s.checkSettings(root, r.SuiteSettings, chk, at...); err != nil {
			return err
		}
	}
	return nil
}

// arrivals opens every workload the suite names, for its own arrival (a
// load point's defaults come from it, as they do for a run).
func (s *Suite) arrivals(root *yaml.Node) (map[string]workloads.Arrival, error) {
	out := map[string]workloads.Arrival{}
	open := func(w string, at ...string) error {
		if _, done := out[w]; done {
			return nil
		}
		if w == "" {
			return s.errAt(root, "empty workload name", at...)
		}
		p, err := workloads.Open(w, workloads.ResolveOptions{})
		if err != nil {
			return s.errAt(root, err.Error(), at...)
		}
		out[w] = p.Arrival
		return nil
	}
	for i, w := range s.Workloads {
		if err := open(w, "workloads", strconv.Itoa(i)); err != nil {
			return nil, err
		}
	}
	for i, r := range s.Runs {
		if r.Workload != "" {
			if err := open(r.Workload, "runs", strconv.Itoa(i), "workload"); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// LoadSettings is the run's load a suite load point stands for.
func LoadSettings(l runrecord.SuiteLoad) load.LoadSettings {
	return load.LoadSettings{Arrival: l.Mode, Concurrency: l.Concurrency, Rate: l.Rate, GammaShape: l.GammaShape,
		ThinkTime: l.ThinkTime.D()}
}

// checkLoad checks a load point as a run checks its load, against the
// workload's own arrival a.
func (s *Suite) checkLoad(root *yaml.Node, l runrecord.SuiteLoad, a workloads.Arrival, chk Checks, at ...string) error {
	if _, err := LoadSettings(l).Schedule(a); err != nil {
		var fe *badinput.FieldError
		if errors.As(err, &fe) {
			if key, ok := loadKeys[fe.Field]; ok {
				at = append(at, key)
			}
		}
		return s.fieldAt(root, err, at...)
	}
	return s.checkSettings(root, l.SuiteSettings, chk, at...)
}

func (s *Suite) checkSettings(root *yaml.Node, st runrecord.SuiteSettings, chk Checks, at ...string) error {
	for _, m := range sortedKeys(st.SLOs) {
		if _, err := runrecord.NewSLO(m, st.SLOs[m].D()); err != nil {
			return s.errAt(root, err.Error(), append(at, "slos", m)...)
		}
	}
	if st.Backend != "" {
		if err := modelapi.CheckKind(st.Backend); err != nil {
			return s.fieldAt(root, err, append(at, "backend")...)
		}
	}
	if st.Count < 0 {
		return s.errAt(root, "count must not be negative", append(at, "count")...)
	}
	if chk.Flag != nil {
		for _, k := range sortedKeys(st.Flags) {
			if err := chk.Flag(k, st.Flags[k]); err != nil {
				return s.fieldAt(root, err, append(at, "flags", k)...)
			}
		}
	}
	return nil
}
