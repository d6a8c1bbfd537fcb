package portfolio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/internal/yamlpath"
	"github.com/tcobench/tcobench/runrecord"
)

// optionsFile is a file of configured options (docs/outcomes.md).
type optionsFile struct {
	Options []struct {
		Workflow   string   `yaml:"workflow"`
		Name       string   `yaml:"name"`
		USDPerTask *float64 `yaml:"usd_per_task"`
		PassRate   *float64 `yaml:"pass_rate"`
		MeetsSLOs  *bool    `yaml:"meets_slos"`
		Source     string   `yaml:"source"`
	} `yaml:"options"`
}

// LoadOptions reads configured options. Their costs are configured; their
// pass rates, known from no run here, are labelled assumed.
func LoadOptions(path string) ([]Option, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, badinput.Errorf("portfolio options: %v", err)
	}
	var f optionsFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, badinput.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root)
	var out []Option
	for i, c := range f.Options {
		at := func(field, msg string) error {
			p := []any{"options", i, field}
			return badinput.Errorf("%s", yamlpath.Format(path, yamlpath.Line(&root, p...), yamlpath.Field(p...), msg))
		}
		switch {
		case c.Workflow == "":
			return nil, at("workflow", "missing (the workload's name)")
		case c.Name == "":
			return nil, at("name", "missing")
		case c.USDPerTask == nil || *c.USDPerTask < 0:
			return nil, at("usd_per_task", "want a cost per task in USD, 0 or more")
		case c.PassRate == nil || *c.PassRate < 0 || *c.PassRate > 1:
			return nil, at("pass_rate", "want a fraction from 0 to 1")
		}
		src := "configured in " + path
		if c.Source != "" {
			src += ": " + c.Source
		}
		o := Option{Workflow: c.Workflow, Name: c.Name, Kind: KindConfigured, Source: path, PassBasis: "assumed",
			USDPerTask: runrecord.Figure{Value: *c.USDPerTask, Provenance: runrecord.Configured, Source: src},
			PassRate: runrecord.Figure{Value: *c.PassRate, Provenance: runrecord.Assumed,
				Source: src + " (no run of it here: assumed)"},
			MeetsSLOs: c.MeetsSLOs == nil || *c.MeetsSLOs, SLOs: "configured"}
		if !o.MeetsSLOs {
			o.SLOs = "configured: does not meet them"
		}
		out = append(out, o)
	}
	if len(out) == 0 {
		return nil, badinput.Errorf("%s: no options (want options: [{workflow, name, usd_per_task, pass_rate}])", path)
	}
	return out, nil
}
