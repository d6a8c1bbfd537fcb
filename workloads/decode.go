package workloads

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

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
	return DecodeReader(name, bytes.NewReader(data))
}

// DecodeReader is Decode reading the YAML from r as it parses: the file is
// held once, as the parsed node tree whose strings the decoded workload
// shares, never also as a byte slice or a second tree.
func DecodeReader(name string, r io.Reader) (*File, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(r).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &ProblemsError{[]Problem{{File: name, Msg: "empty workload file"}}}
		}
		return nil, &ProblemsError{yamlProblems(name, err)}
	}
	var problems []Problem
	unknownFields(name, &root, reflect.TypeFor[File](), &problems)
	var f File
	if err := root.Decode(&f); err != nil {
		problems = append(problems, yamlProblems(name, err)...)
	}
	if len(problems) > 0 && !hasTypeErrorOnly(problems) {
		return nil, &ProblemsError{problems}
	}
	problems = append(problems, Validate(name, &f, &root)...)
	if len(problems) > 0 {
		return nil, &ProblemsError{problems}
	}
	return &f, nil
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// unknownFields reports every mapping key of n that names no field of t
// (by its yaml tag), walking into nested structs, maps and lists; a type
// that decodes itself (yaml.Unmarshaler) checks its own keys.
func unknownFields(name string, n *yaml.Node, t reflect.Type, out *[]Problem) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	switch {
	case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
		unknownFields(name, n.Content[0], t, out)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			ft, ok := fields[k.Value]
			if !ok {
				*out = append(*out, Problem{File: name, Line: k.Line,
					Msg: fmt.Sprintf("unknown field %q (docs/workloads.md lists the fields)", k.Value)})
				continue
			}
			unknownFields(name, n.Content[i+1], ft, out)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			unknownFields(name, n.Content[i], t.Elem(), out)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for _, e := range n.Content {
			unknownFields(name, e, t.Elem(), out)
		}
	}
}

// yamlFields maps a struct's YAML keys to their field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	m := make(map[string]reflect.Type, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if key == "-" || !f.IsExported() {
			continue
		}
		if key == "" {
			key = strings.ToLower(f.Name)
		}
		m[key] = f.Type
	}
	return m
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

// snippetMax bounds how much of a file's text an error message quotes.
const snippetMax = 60

// snippet quotes text taken from an input file for an error message: Go
// quoting (so binary bytes and control characters show as escapes, never
// raw) of at most snippetMax bytes, with "…" when cut.
func snippet(s string) string {
	if len(s) <= snippetMax {
		return strconv.Quote(s)
	}
	cut := snippetMax
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…"
}
