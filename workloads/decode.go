package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/internal/yamlpath"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a workload or trace file.
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

// String renders "file:line: field: message".
func (p Problem) String() string { return yamlpath.Format(p.File, p.Line, p.Field, p.Msg) }

// ProblemsError carries every problem found in a file.
type ProblemsError struct{ Problems []Problem }

// Error lists every problem, one a line.
func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// unknownField matches the YAML decoder's "field x not found in type T",
// whose Go type name means nothing to the file's author.
var unknownField = regexp.MustCompile(`^field (\S+) not found in (?:type )?[\w.]+$`)

// Decode reads a YAML workload strictly (an unknown field is an error) and
// validates it, returning a *ProblemsError listing every problem found.
func Decode(name string, data []byte) (*File, error) {
	var f File
	var problems []Problem
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ProblemsError{[]Problem{{File: name, Msg: "empty workload file"}}}
		}
		problems = append(problems, yamlProblems(name, err)...)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(problems) > 0 && !hasTypeErrorOnly(problems) {
		return nil, &ProblemsError{problems}
	}
	problems = append(problems, Validate(name, &f, &root)...)
	if len(problems) > 0 {
		return nil, &ProblemsError{problems}
	}
	return &f, nil
}

func hasTypeErrorOnly(ps []Problem) bool {
	for _, p := range ps {
		if p.Line == 0 {
			return false
		}
	}
	return true
}

func yamlProblems(name string, err error) []Problem {
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	var out []Problem
	for _, m := range msgs {
		p := Problem{File: name, Msg: strings.TrimPrefix(m, "yaml: ")}
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Msg = sm[2]
		}
		p.Msg = strings.ReplaceAll(p.Msg, " in type workloads.", " in ")
		if sm := unknownField.FindStringSubmatch(p.Msg); sm != nil {
			p.Msg = fmt.Sprintf("unknown field %q (docs/workloads.md lists the fields)", sm[1])
		}
		out = append(out, p)
	}
	return out
}
