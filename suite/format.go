package suite

import (
	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/runrecord"

	"bytes"
	"errors"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Suite is a suite file as read: its content (the type suite.json records)
// and the file it came from.
type Suite struct {
	runrecord.SuiteFile `yaml:",inline"`

	path string
}

// Checks are the checks of a suite's settings that belong to the packages
// above this one: a run setting given by name under `flags:`.
type Checks struct {
	// Flag checks one named setting and its value (nil: any is accepted).
	Flag func(name, value string) error
}

// LoadFile reads and validates a suite file.
func LoadFile(path string, chk Checks) (*Suite, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, badinput.Errorf("suite: %w", err)
	}
	return Parse(b, path, chk)
}

// Parse reads and validates a suite from YAML; name is used in messages.
// Load points, SLOs and backends are checked by the validators a run uses,
// against each workload's own arrival, so a suite accepts and refuses what
// `tcobench run` does, with the same messages.
func Parse(b []byte, name string, chk Checks) (*Suite, error) {
	var s Suite
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, badinput.Wrap(yamlError(name, err))
	}
	var root yaml.Node
	_ = yaml.Unmarshal(b, &root)
	s.path = name
	if err := s.validate(&root, chk); err != nil {
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
