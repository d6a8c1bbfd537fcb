package suite

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/internal/yamlpath"

	"go.yaml.in/yaml/v3"

	"github.com/tcobench/tcobench/modelapi"
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

var modes = map[string]bool{"": true, "closed": true, "constant": true, "poisson": true, "gamma": true}

var sloMetrics = map[string]bool{"ttft": true, "tpot": true, "e2e": true, "task_latency": true}

// errAt formats a validation error as file:line: field: message.
func (s *Suite) errAt(root *yaml.Node, msg string, path ...string) error {
	return errors.New(yamlpath.Format(s.path, yamlpath.Line(root, path...), yamlpath.Field(path...), msg))
}

func (s *Suite) validate(root *yaml.Node) error {
	if s.Name == "" || !nameRE.MatchString(s.Name) {
		return s.errAt(root, fmt.Sprintf("%q: give a name of letters, digits, '.', '_' or '-'", s.Name), "name")
	}
	if len(s.Targets) == 0 {
		return s.errAt(root, "at least one target is needed", "targets")
	}
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
		if err := s.checkSettings(root, t.Settings, at...); err != nil {
			return err
		}
	}
	if err := s.checkSettings(root, s.Defaults, "defaults"); err != nil {
		return err
	}
	if len(s.Workloads) > 0 && len(s.Loads) == 0 {
		return s.errAt(root, "workloads are given but no load points (loads: - concurrency: 4)", "workloads")
	}
	for i, w := range s.Workloads {
		if w == "" {
			return s.errAt(root, "empty workload name", "workloads", strconv.Itoa(i))
		}
	}
	for i, l := range s.Loads {
		if err := s.checkLoad(root, l, "loads", strconv.Itoa(i)); err != nil {
			return err
		}
	}
	for i, r := range s.Runs {
		at := []string{"runs", strconv.Itoa(i)}
		if r.Workload == "" {
			return s.errAt(root, "workload is required", append(at, "workload")...)
		}
		if !targets[r.Target] {
			return s.errAt(root, fmt.Sprintf("target %q is not one of the suite's targets", r.Target), append(at, "target")...)
		}
		if r.Name != "" && !nameRE.MatchString(r.Name) {
			return s.errAt(root, fmt.Sprintf("name %q: give a name of letters, digits, '.', '_' or '-'", r.Name), append(at, "name")...)
		}
		if err := s.checkLoad(root, r.Load, append(at, "load")...); err != nil {
			return err
		}
		if err := s.checkSettings(root, r.Settings, at...); err != nil {
			return err
		}
	}
	specs := s.Expand()
	if len(specs) == 0 {
		return s.errAt(root, "the suite has no runs: give workloads and loads, or runs", "workloads")
	}
	for _, sp := range specs {
		if sp.Duration == 0 && sp.Count == 0 {
			return fmt.Errorf("%s: run %s has neither a duration nor a count (set defaults.duration)", s.path, sp.Name)
		}
	}
	if s.Gate != nil && s.Gate.Baseline != "" && s.Gate.Baseline != "last-good" {
		return s.errAt(root, "baseline must be last-good (or leave it out)", "gate", "baseline")
	}
	return nil
}

func (s *Suite) checkLoad(root *yaml.Node, l Load, at ...string) error {
	if !modes[l.Mode] {
		return s.errAt(root, fmt.Sprintf("mode %q: want closed, constant, poisson or gamma", l.Mode), append(at, "mode")...)
	}
	closed := l.Mode == "closed" || l.Mode == "" && l.Rate == 0
	switch {
	case closed && l.Concurrency <= 0:
		return s.errAt(root, "a closed-loop load point needs concurrency > 0 (or give rate for an open loop)", at...)
	case !closed && l.Rate <= 0:
		return s.errAt(root, "an open-loop load point needs rate > 0 (tasks per second)", at...)
	case l.Mode == "gamma" && l.GammaShape <= 0:
		return s.errAt(root, "a gamma load point needs gamma_shape > 0", at...)
	}
	return s.checkSettings(root, l.Settings, at...)
}

func (s *Suite) checkSettings(root *yaml.Node, st Settings, at ...string) error {
	for m := range st.SLOs {
		if !sloMetrics[m] {
			return s.errAt(root, fmt.Sprintf("unknown SLO metric %q (want ttft, tpot, e2e or task_latency)", m), append(at, "slos", m)...)
		}
	}
	if st.Backend != "" && !slices.Contains(modelapi.Kinds, st.Backend) {
		return s.errAt(root, fmt.Sprintf("unknown backend %q (want one of %s)", st.Backend, strings.Join(modelapi.Kinds, ", ")), append(at, "backend")...)
	}
	if st.Count < 0 {
		return s.errAt(root, "count must not be negative", append(at, "count")...)
	}
	return nil
}
