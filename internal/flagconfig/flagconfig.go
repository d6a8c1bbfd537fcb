// Package flagconfig fills command-line flags from the environment and a
// YAML config file whose keys are flag names (through viper), so that every
// option has one precedence: flag > environment > file > default. Bad
// values are refused naming where they came from.
package flagconfig

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/tcobench/tcobench/badinput"
)

// Config is the environment (Prefix_FLAG) and config file of one program.
type Config struct {
	v      *viper.Viper
	prefix string
	// known holds every flag name of every command, to reject unknown config keys.
	known map[string]bool
	// Given lists the flags given on the command line (before the
	// environment and the config file filled the others).
	Given map[string]bool
}

// New reads the environment variables PREFIX_<FLAG> ("-" as "_").
func New(prefix string) *Config {
	v := viper.New()
	v.SetEnvPrefix(prefix)
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	v.AutomaticEnv()
	return &Config{v: v, prefix: strings.ToUpper(prefix), known: map[string]bool{}, Given: map[string]bool{}}
}

// Env returns the environment's value of key ("" when unset).
func (a *Config) Env(key string) string { return a.v.GetString(key) }

// Register records a command's flag names, so that config keys naming a flag
// of any command are accepted.
func (a *Config) Register(cmd *cobra.Command) {
	for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.PersistentFlags()} {
		fs.VisitAll(func(f *pflag.Flag) { a.known[f.Name] = true })
	}
}

// Load reads the YAML config file named by --config (or TCOBENCH_CONFIG),
// rejecting keys that no command knows.
func (a *Config) Load(path string) error {
	if path == "" {
		return nil
	}
	a.v.SetConfigFile(path)
	a.v.SetConfigType("yaml")
	if err := a.v.ReadInConfig(); err != nil {
		var nf viper.ConfigFileNotFoundError
		if errors.As(err, &nf) || errors.Is(err, os.ErrNotExist) {
			return badinput.Errorf("config file %s: not found", path)
		}
		return badinput.Errorf("config file %s", yamlWhere(path, OneLine(err.Error())))
	}
	var unknown []string
	for _, k := range a.v.AllKeys() {
		if top := strings.SplitN(k, ".", 2)[0]; a.v.InConfig(top) && !a.known[top] {
			unknown = append(unknown, top)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return badinput.Errorf("config file %s: unknown key(s) %s (keys are flag names, e.g. target: http://127.0.0.1:11434)", path, strings.Join(dedupe(unknown), ", "))
	}
	return nil
}

// Merge fills every flag of cmd that the command line left unset from the
// environment (TCOBENCH_<FLAG>), else the config file, so that the options
// structs bound to the flags hold flag > environment > file > default. A
// value the flag cannot take is refused, naming where it came from.
func (a *Config) Merge(cmd *cobra.Command, configPath string) error {
	var bad error
	set := func(f *pflag.Flag) {
		if bad != nil || f.Changed || !a.v.IsSet(f.Name) {
			return
		}
		raw := configValue(a.v.Get(f.Name))
		env := a.prefix + "_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		where := "config file " + configPath + ": " + f.Name
		if _, ok := os.LookupEnv(env); ok {
			where = "environment " + env
		}
		err := parsesAs(f.Value.Type(), raw)
		if err == nil {
			err = f.Value.Set(raw)
		}
		if err != nil {
			bad = badinput.Errorf("%s=%q: %v (as --%s)", where, raw, err, f.Name)
		}
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			a.Given[f.Name] = true
		}
	})
	cmd.Flags().VisitAll(set)
	return bad
}

// configValue is a config or environment value as flag text (a YAML list
// becomes a comma-separated one).
func configValue(v any) string {
	if xs, ok := v.([]any); ok {
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ",")
	}
	return fmt.Sprint(v)
}

// parsesAs checks that raw is a valid value of a flag of pflag type typ,
// with a message people read better than strconv's.
func parsesAs(typ, raw string) error {
	var err error
	switch typ {
	case "int", "int64", "int32":
		if _, err = strconv.ParseInt(raw, 10, 64); err != nil {
			return errors.New("want a whole number")
		}
	case "uint", "uint64", "uint32":
		if _, err = strconv.ParseUint(raw, 10, 64); err != nil {
			return errors.New("want a whole number, 0 or more")
		}
	case "float64", "float32":
		if _, err = strconv.ParseFloat(raw, 64); err != nil {
			return errors.New("want a number")
		}
	case "bool":
		if _, err = strconv.ParseBool(raw); err != nil {
			return errors.New("want true or false")
		}
	case "duration":
		if _, err = time.ParseDuration(raw); err != nil {
			return errors.New("want a duration with its unit, e.g. 500ms, 30s or 5m")
		}
	}
	return nil
}

// yamlLine finds the line number in a YAML parser's message.
var yamlLine = regexp.MustCompile(`(?:While parsing config: )?yaml: line (\d+): `)

// yamlWhere turns "While parsing config: yaml: line 2: msg" into "path:2: msg".
func yamlWhere(path, msg string) string {
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		return path + ":" + msg[m[2]:m[3]] + ": " + msg[m[1]:]
	}
	return path + ": " + msg
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// OneLine folds a multi-line error message onto one line, its lines (one
// problem each, as a file's validation lists them) separated by "; ".
func OneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}
