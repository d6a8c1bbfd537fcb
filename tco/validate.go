package tco

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tcobench/tcobench/internal/yamlpath"

	"go.yaml.in/yaml/v3"
)

// FieldError is one problem in a data file: where it is and why it is wrong.
type FieldError struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	// Col is the column, for formats where one line holds much (JSON data).
	Col    int    `json:"col,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

func (e FieldError) Error() string {
	if e.Col > 0 && e.Line > 0 {
		return yamlpath.Format(fmt.Sprintf("%s:%d", e.File, e.Line), e.Col, e.Field, e.Reason)
	}
	return yamlpath.Format(e.File, e.Line, e.Field, e.Reason)
}

// InvalidError lists every problem found in one data file.
type InvalidError struct {
	Problems []FieldError
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.Error()
	}
	return strings.Join(parts, "; ")
}

// decodeStrict decodes YAML into v, rejecting unknown fields, and returns the
// node tree for line lookups. Syntax and type errors name file and line.
func decodeStrict(file string, data []byte, v any) (*yaml.Node, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, &InvalidError{Problems: yamlProblems(file, err)}
	}
	if root.Kind == 0 {
		return nil, &InvalidError{Problems: []FieldError{{File: file, Reason: "empty file"}}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return nil, &InvalidError{Problems: yamlProblems(file, err)}
	}
	return &root, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

var unknownField = regexp.MustCompile(`field (\S+) not found in type \S+`)

// yamlProblems turns a yaml error into FieldErrors with line numbers.
func yamlProblems(file string, err error) []FieldError {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	out := make([]FieldError, 0, len(msgs))
	for _, m := range msgs {
		m = unknownField.ReplaceAllString(m, "unknown field $1")
		fe := FieldError{File: file, Reason: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(strings.TrimSpace(m)); sm != nil {
			fe.Line, _ = strconv.Atoi(sm[1])
			fe.Reason = sm[2]
		}
		out = append(out, fe)
	}
	return out
}

// checker collects problems of one decoded file.
type checker struct {
	file  string
	root  *yaml.Node
	probs []FieldError
}

func (c *checker) add(path []string, format string, args ...any) {
	c.probs = append(c.probs, FieldError{File: c.file, Line: yamlpath.Line(c.root, path...), Field: yamlpath.Field(path...), Reason: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error {
	if len(c.probs) == 0 {
		return nil
	}
	return &InvalidError{Problems: c.probs}
}

// rng is an accepted range for a figure; outside it the value is absurd.
type rng struct {
	min, max float64
	unit     string
}

// number checks a required number against its range.
func (c *checker) number(path []string, v *float64, r rng) {
	switch {
	case v == nil:
		c.add(path, "missing (required; state 0 explicitly if it is zero)")
	case math.IsNaN(*v) || math.IsInf(*v, 0):
		c.add(path, "not a finite number")
	case *v < 0:
		c.add(path, "negative (%g %s)", *v, r.unit)
	case *v < r.min || *v > r.max:
		c.add(path, "absurd value %g %s (accepted %g to %g)", *v, r.unit, r.min, r.max)
	}
}

// sourced checks a profile figure: value, source, date and estimate flag.
func (c *checker) sourced(path []string, s Sourced, r rng) {
	if s.Value == nil && s.Source == "" && s.Date == "" && s.Estimate == nil {
		c.add(path, "missing (required: value, source, date, estimate)")
		return
	}
	c.number(sub(path, "value"), s.Value, r)
	if strings.TrimSpace(s.Source) == "" {
		c.add(sub(path, "source"), "missing source")
	}
	c.date(sub(path, "date"), s.Date)
	if s.Estimate == nil {
		c.add(sub(path, "estimate"), "missing (true for an estimate, false for a sourced figure)")
	}
}

// date checks a YYYY-MM-DD or YYYY-MM date.
func (c *checker) date(path []string, d string) {
	if d == "" {
		c.add(path, "missing date (YYYY-MM-DD or YYYY-MM)")
		return
	}
	if _, err := time.Parse("2006-01-02", d); err == nil {
		return
	}
	if _, err := time.Parse("2006-01", d); err == nil {
		return
	}
	c.add(path, "bad date %q (want YYYY-MM-DD or YYYY-MM)", d)
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

func (c *checker) name(n string) {
	switch {
	case n == "":
		c.add([]string{"name"}, "missing")
	case !nameRE.MatchString(n):
		c.add([]string{"name"}, "%q: use lower-case letters, digits, '.', '_' and '-'", n)
	}
}

func (c *checker) required(path []string, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(path, "missing")
	}
}

// sub returns a copy of path with more segments (never aliasing path).
func sub[S any](path []S, more ...S) []S {
	out := make([]S, 0, len(path)+len(more))
	return append(append(out, path...), more...)
}
