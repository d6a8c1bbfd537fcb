package portfolio

import (
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/tco"
)

// Settings are tcobench portfolio's settings, by name.
type Settings struct {
	// Options is a file of configured options (costs and pass rates stated).
	Options     string
	MinPassRate float64
	// MinGoodput is the share of a run's requests that must meet every SLO.
	MinGoodput float64
	Frontier   string
	// WorkflowVolumes are "workflow=successful tasks per day".
	WorkflowVolumes []string
}

// Defaults are the settings before anyone states one.
func Defaults() Settings { return Settings{MinPassRate: 0.9, MinGoodput: 0.95} }

// Bind registers the settings on fs.
func (s *Settings) Bind(fs *pflag.FlagSet) {
	fs.StringVar(&s.Options, "options", s.Options, "YAML file of configured options: workflow, name, usd_per_task, pass_rate (labelled assumed), meets_slos")
	fs.Float64Var(&s.MinPassRate, "min-pass-rate", s.MinPassRate, "pass-rate threshold an option must meet, 0-1")
	fs.Float64Var(&s.MinGoodput, "min-goodput", s.MinGoodput, "share of a run's requests that must meet every SLO for it to meet the SLOs")
	fs.StringVar(&s.Frontier, "frontier", s.Frontier, "the option standing for the frontier model for everything (its name, or a part naming one option; default: the API or configured option with the highest pass rate)")
	fs.StringSliceVar(&s.WorkflowVolumes, "workflow-volume", s.WorkflowVolumes, "successful tasks per day of a workflow, workflow=N (repeatable; others: --volume, else 1000, assumed)")
}

// Build reads the options the paths stand for and the options file, and
// chooses. pricing prices the runs; volume is the default daily volume
// ("20000" or "20000/day"; "" none).
func (s Settings) Build(paths []string, pricing Pricing, volume string) (*Result, error) {
	c := Criteria{MinPassRate: s.MinPassRate, Frontier: s.Frontier, Volumes: map[string]float64{}}
	if !(s.MinPassRate >= 0 && s.MinPassRate <= 1) {
		return nil, badinput.Field("min-pass-rate", s.MinPassRate, "want a fraction from 0 to 1")
	}
	if !(s.MinGoodput >= 0 && s.MinGoodput <= 1) {
		return nil, badinput.Field("min-goodput", s.MinGoodput, "want a fraction from 0 to 1")
	}
	var err error
	if c.Volume, err = tco.ParseVolume(volume); err != nil {
		return nil, badinput.Field("volume", volume, "%v", err)
	}
	for _, wv := range s.WorkflowVolumes {
		name, n, ok := strings.Cut(wv, "=")
		v, err := tco.ParseVolume(n)
		if !ok || err != nil || v <= 0 {
			return nil, badinput.Field("workflow-volume", wv, "want workflow=successful tasks per day, e.g. draft-email=20000")
		}
		c.Volumes[name] = v
	}
	var opts []Option
	for _, p := range paths {
		o, err := FromPath(p, pricing, s.MinGoodput)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o)
	}
	if s.Options != "" {
		more, err := LoadOptions(s.Options)
		if err != nil {
			return nil, err
		}
		opts = append(opts, more...)
	}
	if len(opts) == 0 {
		return nil, badinput.Errorf("portfolio: no options (give run directories, sweep directories, traces or --options FILE)")
	}
	if c.Frontier, err = FrontierName(opts, s.Frontier); err != nil {
		return nil, err
	}
	return Choose(opts, c), nil
}

// FrontierName resolves the frontier setting to one option's name: the
// option of that exact name, else the one option whose name contains it
// (any case); "" stays "" (the default frontier).
func FrontierName(opts []Option, want string) (string, error) {
	if want == "" {
		return "", nil
	}
	var found []string
	for _, o := range opts {
		if o.Name == want {
			return want, nil
		}
		if containsFold(o.Name, want) && !slices.Contains(found, o.Name) {
			found = append(found, o.Name)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", badinput.Field("frontier", want, "names no option")
	}
	return "", badinput.Field("frontier", want, "matches several options (%s): give the whole name", strings.Join(found, ", "))
}
