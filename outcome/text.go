package outcome

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/cases"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/tcobench/tcobench/workloads"
)

// normalize applies the check's normalisations (default trim, case, space)
// in a fixed order: trim, punct, case, space.
func normalize(s string, norms []string) string {
	if len(norms) == 0 {
		norms = workloads.DefaultNormalize
	}
	if slices.Contains(norms, workloads.NormNone) {
		return s
	}
	if slices.Contains(norms, workloads.NormTrim) {
		s = strings.TrimSpace(s)
		s = strings.Trim(s, "\"'`")
		s = strings.TrimRight(s, ".!?;:")
		s = strings.TrimSpace(s)
	}
	if slices.Contains(norms, workloads.NormPunct) {
		s = strings.Map(func(r rune) rune {
			if unicode.IsPunct(r) {
				return -1
			}
			return r
		}, s)
	}
	if slices.Contains(norms, workloads.NormCase) {
		s = cases.Fold().String(s)
	}
	if slices.Contains(norms, workloads.NormSpace) {
		s = strings.Join(strings.Fields(s), " ")
	}
	return s
}

// jsonText is the JSON an output holds: the output itself, or the inside of
// its first fenced code block.
func jsonText(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 && !strings.ContainsAny(rest[:nl], "{[") {
			rest = rest[nl+1:]
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			rest = rest[:j]
		}
		return strings.TrimSpace(rest)
	}
	return s
}

// parseJSON reads an output as JSON.
func parseJSON(text string) (any, error) {
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(jsonText(text)))
	if err != nil {
		return nil, fmt.Errorf("output is not JSON (%v): %s", err, quote(text))
	}
	return v, nil
}

func (c *Checker) jsonSchema(ch *workloads.Check, text string) error {
	s, err := c.schema(ch)
	if err != nil {
		return err
	}
	v, err := parseJSON(text)
	if err != nil {
		return err
	}
	if err := s.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			return fmt.Errorf("does not satisfy the schema: %s", strings.Join(strings.Fields(ve.Error()), " "))
		}
		return err
	}
	return nil
}

// subject is the text a comparison reads: the output, or the value at the
// check's JSON pointer in it.
func subject(ch *workloads.Check, text string) (string, error) {
	if ch.Spec.Path == "" {
		return text, nil
	}
	v, err := parseJSON(text)
	if err != nil {
		return "", err
	}
	for _, tok := range strings.Split(ch.Spec.Path[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return "", fmt.Errorf("output has no %s", ch.Spec.Path)
			}
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(x) {
				return "", fmt.Errorf("output has no %s", ch.Spec.Path)
			}
			v = x[i]
		default:
			return "", fmt.Errorf("output has no %s", ch.Spec.Path)
		}
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSpace(b.String()), nil
}

func compareText(ch *workloads.Check, text string) error {
	got, err := subject(ch, text)
	if err != nil {
		return err
	}
	g, want := normalize(got, ch.Spec.Normalize), normalize(ch.Expected, ch.Spec.Normalize)
	if ch.Spec.Type == workloads.CheckEquals && g != want {
		return fmt.Errorf("got %s, want %q", quote(g), clip(want, 60))
	}
	if ch.Spec.Type == workloads.CheckContains && !strings.Contains(g, want) {
		return fmt.Errorf("%s does not contain %q", quote(g), clip(want, 60))
	}
	return nil
}

// oneOf finds the label the output gives: the whole (normalised) output, or
// else the one label that occurs in it as whole words; with an expected
// label, it must be that one.
func oneOf(ch *workloads.Check, text string) error {
	got, err := subject(ch, text)
	if err != nil {
		return err
	}
	norms := ch.Spec.Normalize
	g := normalize(got, norms)
	var found []string
	for _, l := range ch.Spec.Labels {
		nl := normalize(l, norms)
		if g == nl {
			found = []string{nl}
			break
		}
		if containsWord(g, nl) {
			found = append(found, nl)
		}
	}
	switch {
	case len(found) == 0:
		return fmt.Errorf("none of the labels in %s", quote(g))
	case len(found) > 1:
		return fmt.Errorf("several labels (%s) in %s", strings.Join(found, ", "), quote(g))
	}
	if ch.Expected != "" && found[0] != normalize(ch.Expected, norms) {
		return fmt.Errorf("label %q, want %q", found[0], clip(normalize(ch.Expected, norms), 60))
	}
	return nil
}

// containsWord reports whether w occurs in s with no word character
// (ASCII letter, digit or underscore, as regexp's \w) touching either end.
func containsWord(s, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

var numberRE = regexp.MustCompile(`[-+]?(\d[\d,]*\.?\d*|\.\d+)([eE][-+]?\d+)?`)

// firstNumber reads the first number in s (thousands commas allowed).
func firstNumber(s string) (float64, bool) {
	m := numberRE.FindString(s)
	if m == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(m, ",", ""), 64)
	return f, err == nil
}

func number(ch *workloads.Check, text string) error {
	got, err := subject(ch, text)
	if err != nil {
		return err
	}
	want, ok := firstNumber(ch.Expected)
	if !ok {
		return fmt.Errorf("expected %q is not a number", clip(ch.Expected, 60))
	}
	g, ok := firstNumber(got)
	if !ok {
		return fmt.Errorf("no number in %s", quote(got))
	}
	tol := max(ch.Spec.Tolerance, ch.Spec.RelativeTolerance*math.Abs(want))
	if math.Abs(g-want) > tol {
		return fmt.Errorf("got %g, want %g ± %g", g, want, tol)
	}
	return nil
}
