package main

import (
	"errors"
	"fmt"
	"io"
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

// app carries what every command needs: the config file and environment
// (through viper), and the output streams.
type app struct {
	v      *viper.Viper
	out    io.Writer
	errOut io.Writer
	// known holds every flag name of every command, to reject unknown config keys.
	known map[string]bool
	// given lists the flags given on the command line (before the
	// environment and the config file filled the others).
	given map[string]bool
}

func newApp(out, errOut io.Writer) *app {
	v := viper.New()
	v.SetEnvPrefix("TCOBENCH")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	v.AutomaticEnv()
	return &app{v: v, out: out, errOut: errOut, known: map[string]bool{}, given: map[string]bool{}}
}

// register records a command's flag names, so that config keys naming a flag
// of any command are accepted.
func (a *app) register(cmd *cobra.Command) {
	for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.PersistentFlags()} {
		fs.VisitAll(func(f *pflag.Flag) { a.known[f.Name] = true })
	}
}

// loadConfig reads the YAML config file named by --config (or TCOBENCH_CONFIG),
// rejecting keys that no command knows.
func (a *app) loadConfig(path string) error {
	if path == "" {
		return nil
	}
	a.v.SetConfigFile(path)
	a.v.SetConfigType("yaml")
	if err := a.v.ReadInConfig(); err != nil {
		var nf viper.ConfigFileNotFoundError
		if errors.As(err, &nf) || errors.Is(err, os.ErrNotExist) {
			return usageErrorf("config file %s: not found", path)
		}
		return usageErrorf("config file %s", yamlWhere(path, oneLine(err.Error())))
	}
	var unknown []string
	for _, k := range a.v.AllKeys() {
		if top := strings.SplitN(k, ".", 2)[0]; a.v.InConfig(top) && !a.known[top] {
			unknown = append(unknown, top)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return usageErrorf("config file %s: unknown key(s) %s (keys are flag names, e.g. target: http://127.0.0.1:11434)", path, strings.Join(dedupe(unknown), ", "))
	}
	return nil
}

// merge fills every flag of cmd that the command line left unset from the
// environment (TCOBENCH_<FLAG>), else the config file, so that the options
// structs bound to the flags hold flag > environment > file > default. A
// value the flag cannot take is refused, naming where it came from.
func (a *app) merge(cmd *cobra.Command, configPath string) error {
	var bad error
	set := func(f *pflag.Flag) {
		if bad != nil || f.Changed || !a.v.IsSet(f.Name) {
			return
		}
		raw := configValue(a.v.Get(f.Name))
		env := "TCOBENCH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		where := "config file " + configPath + ": " + f.Name
		if _, ok := os.LookupEnv(env); ok {
			where = "environment " + env
		}
		err := parsesAs(f.Value.Type(), raw)
		if err == nil {
			err = f.Value.Set(raw)
		}
		if err != nil {
			bad = usageErrorf("%s=%q: %v (as --%s)", where, raw, err, f.Name)
		}
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed {
			a.given[f.Name] = true
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

// usageErrorf reports bad usage: exit status 2.
func usageErrorf(format string, args ...any) error { return badinput.Errorf(format, args...) }

// exitCode is the exit status an error stands for: 2 for unusable input
// (nothing was run), 1 for every failure of the work itself.
func exitCode(err error) int {
	if badinput.Is(err) {
		return 2
	}
	return 1
}

// message is the error as one line, with a setting the library names
// written as the flag that gives it ("--rate -2: ...").
func message(err error) string {
	msg := err.Error()
	var fe *badinput.FieldError
	if errors.As(err, &fe) {
		msg = strings.Replace(msg, fe.Error(), "--"+fe.Error(), 1)
	}
	return oneLine(msg)
}

// oneLine folds a multi-line error message onto one line, its lines (one
// problem each, as a file's validation lists them) separated by "; ".
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}

// writeOut writes b to the file out (saying so), else to standard output.
func (a *app) writeOut(b []byte, out, what string) error {
	if out == "" {
		_, err := a.out.Write(b)
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	fmt.Fprintf(a.out, "wrote %s\n", out)
	return nil
}
