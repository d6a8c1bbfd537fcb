package suite

import (
	"github.com/tcobench/tcobench/runrecord"

	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Suite is a suite file.
type Suite struct {
	// Name names the suite (and its directory by default).
	Name        string `yaml:"name" json:"name"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Defaults apply to every run unless the target, load point or run says otherwise.
	Defaults Settings `yaml:"defaults,omitempty" json:"defaults"`
	// Workloads × Targets × Loads is the matrix of runs.
	Workloads []string `yaml:"workloads,omitempty" json:"workloads,omitempty"`
	Targets   []Target `yaml:"targets" json:"targets"`
	Loads     []Load   `yaml:"loads,omitempty" json:"loads,omitempty"`
	// Runs are extra runs outside the matrix.
	Runs []ExtraRun `yaml:"runs,omitempty" json:"runs,omitempty"`
	// Gate, when set, is how the suite's runs are judged against the store
	// (for nightly runs): a thresholds file for compare, and whether to
	// compare against the last good run.
	Gate *Gate `yaml:"gate,omitempty" json:"gate,omitempty"`

	path string
}

// Settings are run settings that defaults, targets, load points and runs can each give.
type Settings struct {
	Backend        string                        `yaml:"backend,omitempty" json:"backend,omitempty"`
	Model          string                        `yaml:"model,omitempty" json:"model,omitempty"`
	Duration       runrecord.Duration            `yaml:"duration,omitempty" json:"duration,omitempty"`
	Count          int                           `yaml:"count,omitempty" json:"count,omitempty"`
	Warmup         runrecord.Duration            `yaml:"warmup,omitempty" json:"warmup,omitempty"`
	Cooldown       runrecord.Duration            `yaml:"cooldown,omitempty" json:"cooldown,omitempty"`
	RequestTimeout runrecord.Duration            `yaml:"request_timeout,omitempty" json:"request_timeout,omitempty"`
	Seed           uint64                        `yaml:"seed,omitempty" json:"seed,omitempty"`
	Hardware       string                        `yaml:"hardware,omitempty" json:"hardware,omitempty"`
	Site           string                        `yaml:"site,omitempty" json:"site,omitempty"`
	Prices         string                        `yaml:"prices,omitempty" json:"prices,omitempty"`
	SLOs           map[string]runrecord.Duration `yaml:"slos,omitempty" json:"slos,omitempty"`
	// Flags are further `tcobench run` flags, by name, passed as given.
	Flags map[string]string `yaml:"flags,omitempty" json:"flags,omitempty"`
}

// Target is a model server to run against.
type Target struct {
	Name     string `yaml:"name" json:"name"`
	URL      string `yaml:"url" json:"url"`
	Settings `yaml:",inline" json:",inline"`
}

// Load is one load point.
type Load struct {
	// Mode is closed (default when Concurrency is set), constant, poisson or gamma.
	Mode        string             `yaml:"mode,omitempty" json:"mode,omitempty"`
	Concurrency int                `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	Rate        float64            `yaml:"rate,omitempty" json:"rate,omitempty"`
	GammaShape  float64            `yaml:"gamma_shape,omitempty" json:"gamma_shape,omitempty"`
	ThinkTime   runrecord.Duration `yaml:"think_time,omitempty" json:"think_time,omitempty"`
	Settings    `yaml:",inline" json:",inline"`
}

// ExtraRun is one run outside the matrix.
type ExtraRun struct {
	Name     string `yaml:"name,omitempty" json:"name,omitempty"`
	Workload string `yaml:"workload" json:"workload"`
	// Target names one of the suite's targets.
	Target   string `yaml:"target" json:"target"`
	Load     Load   `yaml:"load" json:"load"`
	Settings `yaml:",inline" json:",inline"`
}

// Gate configures the nightly regression gate.
type Gate struct {
	// Thresholds is a compare thresholds file, relative to the suite file.
	Thresholds string `yaml:"thresholds,omitempty" json:"thresholds,omitempty"`
	// Baseline is "last-good" (the latest stored run that passed) or a run directory.
	Baseline string `yaml:"baseline,omitempty" json:"baseline,omitempty"`
}

// Load reads and validates a suite file.
func LoadFile(path string) (*Suite, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("suite: %w", err)
	}
	return Parse(b, path)
}

// Parse reads and validates a suite from YAML; name is used in messages.
func Parse(b []byte, name string) (*Suite, error) {
	var s Suite
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, yamlError(name, err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(b, &root)
	s.path = name
	if err := s.validate(&root); err != nil {
		return nil, err
	}
	return &s, nil
}

// Path is the file the suite was read from.
func (s *Suite) Path() string { return s.path }

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

// unknownFieldRE matches the decoder's "field x not found in type suite.T",
// whose Go type name means nothing to the suite's author.
var unknownFieldRE = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlError turns the YAML decoder's message into "file:line: message" lines.
func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n")
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		l = unknownFieldRE.ReplaceAllString(strings.TrimSpace(l), `unknown field "$1"`)
		if m := yamlLineRE.FindStringSubmatchIndex(l); m != nil && m[0] == 0 {
			out = append(out, name+":"+l[m[2]:m[3]]+": "+l[m[1]:])
		} else if l != "" {
			out = append(out, name+": "+l)
		}
	}
	return errors.New(strings.Join(out, "; "))
}
