package workloads

import (
	"github.com/tcobench/tcobench/runrecord"

	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Distribution kinds for delays and token counts.
const (
	DistFixed       = "fixed"
	DistUniform     = "uniform"
	DistNormal      = "normal"
	DistLognormal   = "lognormal"
	DistExponential = "exponential"
	DistEmpirical   = "empirical"
)

// distParams lists, per kind, the keys it requires.
var distParams = map[string][]string{
	DistFixed:       {"value"},
	DistUniform:     {"min", "max"},
	DistNormal:      {"mean", "stddev"},
	DistLognormal:   {"median", "sigma"},
	DistExponential: {"mean"},
	DistEmpirical:   {"values"},
}

// Dist is a distribution of non-negative values in a base unit (nanoseconds
// for delays, tokens for lengths). In YAML it is a scalar (fixed) or a
// mapping {dist: KIND, ...}; "sigma" is unitless.
type Dist struct {
	Kind   string
	Params map[string]float64
	Values []float64
}

// Sample draws one value (never negative).
func (d Dist) Sample(r *rand.Rand) float64 {
	p := d.Params
	var v float64
	switch d.Kind {
	case DistFixed:
		v = p["value"]
	case DistUniform:
		v = p["min"] + r.Float64()*(p["max"]-p["min"])
	case DistNormal:
		v = p["mean"] + r.NormFloat64()*p["stddev"]
	case DistLognormal:
		v = p["median"] * math.Exp(r.NormFloat64()*p["sigma"])
	case DistExponential:
		v = r.ExpFloat64() * p["mean"]
	case DistEmpirical:
		if len(d.Values) > 0 {
			v = d.Values[r.IntN(len(d.Values))]
		}
	}
	if math.IsNaN(v) {
		return 0
	}
	return math.Min(math.Max(0, v), maxSample)
}

// maxSample bounds a sample: 1e15 ns is about 11.6 days (token counts are
// capped again at MaxTokens where they are used).
const maxSample = 1e15

// DelayDist is a Dist of durations: "1.5s", "200ms", or a bare number of seconds.
type DelayDist struct{ Dist }

// TokenDist is a Dist of token counts.
type TokenDist struct{ Dist }

// UnmarshalYAML decodes a delay distribution.
func (d *DelayDist) UnmarshalYAML(n *yaml.Node) error {
	return decodeDist(n, &d.Dist, parseDurationNS)
}

// UnmarshalYAML decodes a token-count distribution.
func (d *TokenDist) UnmarshalYAML(n *yaml.Node) error {
	return decodeDist(n, &d.Dist, parseCount)
}

func typeErr(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, fmt.Sprintf(format, args...))}}
}

func decodeDist(n *yaml.Node, d *Dist, unit func(string) (float64, error)) error {
	d.Params = map[string]float64{}
	if n.Kind == yaml.ScalarNode {
		v, err := unit(n.Value)
		if err != nil {
			return typeErr(n, "%v", err)
		}
		d.Kind, d.Params["value"] = DistFixed, v
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return typeErr(n, "want a value or a mapping {dist: KIND, ...}")
	}
	var errs []string
	sawDist := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sawDist = sawDist || k.Value == "dist"
		if err := decodeDistKey(d, k, v, unit); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if d.Kind == "" && !sawDist {
		errs = append(errs, fmt.Sprintf("line %d: field dist missing (one of %s)", n.Line, distKinds()))
	} else if need, ok := distParams[d.Kind]; ok {
		for _, k := range need {
			if _, have := d.Params[k]; !have && !(k == "values" && len(d.Values) > 0) {
				errs = append(errs, fmt.Sprintf("line %d: dist %s needs field %s", n.Line, d.Kind, k))
			}
		}
		if d.Kind == DistUniform && d.Params["max"] < d.Params["min"] {
			errs = append(errs, fmt.Sprintf("line %d: uniform max is below min", n.Line))
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	return nil
}

func decodeDistKey(d *Dist, k, v *yaml.Node, unit func(string) (float64, error)) error {
	switch k.Value {
	case "dist":
		if _, ok := distParams[v.Value]; !ok {
			return fmt.Errorf("line %d: field dist: unknown kind %q (one of %s)", v.Line, v.Value, distKinds())
		}
		d.Kind = v.Value
	case "values":
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return fmt.Errorf("line %d: field values: want a non-empty list", v.Line)
		}
		if len(v.Content) > MaxValues {
			return fmt.Errorf("line %d: field values: %d values, above the limit of %d", v.Line, len(v.Content), MaxValues)
		}
		for _, e := range v.Content {
			x, err := unit(e.Value)
			if err != nil {
				return fmt.Errorf("line %d: field values: %v", e.Line, err)
			}
			d.Values = append(d.Values, x)
		}
	case "sigma":
		x, err := strconv.ParseFloat(v.Value, 64)
		if err != nil || x < 0 || x > 10 || math.IsNaN(x) {
			return fmt.Errorf("line %d: field sigma: want a number from 0 to 10, got %q", v.Line, v.Value)
		}
		d.Params["sigma"] = x
	case "value", "min", "max", "mean", "stddev", "median":
		x, err := unit(v.Value)
		if err != nil {
			return fmt.Errorf("line %d: field %s: %v", v.Line, k.Value, err)
		}
		d.Params[k.Value] = x
	default:
		return fmt.Errorf("line %d: field %s not found in distribution", k.Line, k.Value)
	}
	return nil
}

func distKinds() string {
	var ks []string
	for k := range distParams {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// parseDurationNS reads "1.5s", "200ms" or a bare number of seconds, in
// nanoseconds (runrecord.ParseDuration's rules).
// A delay is at most MaxDelay.
func parseDurationNS(s string) (float64, error) {
	d, err := runrecord.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if d < 0 || time.Duration(d) > MaxDelay {
		return 0, fmt.Errorf("want a delay from 0 to the limit of %s, got %q", MaxDelay, s)
	}
	return float64(d), nil
}

// parseCount reads a non-negative whole number of tokens.
func parseCount(s string) (float64, error) {
	x, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || x < 0 || x > MaxTokens {
		return 0, fmt.Errorf("want a whole number of tokens from 0 to the limit of %d, got %q", MaxTokens, s)
	}
	return float64(x), nil
}

// Carry is a step's carried context: all earlier steps, or a list of step ids.
type Carry struct {
	All   bool
	Steps []string
}

// UnmarshalYAML decodes "all", "none" or a list of step ids.
func (c *Carry) UnmarshalYAML(n *yaml.Node) error {
	switch {
	case n.Kind == yaml.ScalarNode && n.Value == "all":
		c.All = true
	case n.Kind == yaml.ScalarNode && (n.Value == "none" || n.Value == ""):
	case n.Kind == yaml.SequenceNode:
		for _, e := range n.Content {
			if e.Kind != yaml.ScalarNode {
				return typeErr(e, "carry: want step ids")
			}
			c.Steps = append(c.Steps, e.Value)
		}
	default:
		return typeErr(n, "carry: want \"all\", \"none\" or a list of step ids")
	}
	return nil
}
