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
)

// app carries what every command needs: the configuration and the output streams.
type app struct {
	v      *viper.Viper
	out    io.Writer
	errOut io.Writer
	// known holds every flag name of every command, to reject unknown config keys.
	known map[string]bool
}

func newApp(out, errOut io.Writer) *app {
	v := viper.New()
	v.SetEnvPrefix("TCOBENCH")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	v.AutomaticEnv()
	return &app{v: v, out: out, errOut: errOut, known: map[string]bool{}}
}

// register records a command's flag names, so that config keys naming a flag
// of any command are accepted.
func (a *app) register(cmd *cobra.Command) {
	for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.PersistentFlags()} {
		fs.VisitAll(func(f *pflag.Flag) { a.known[f.Name] = true })
	}
}

// bind makes the flags of the command being run (its own and inherited ones)
// readable through a.v, so that each value comes from the flag, else
// TCOBENCH_<FLAG> in the environment, else the config file, else the flag's
// default. It binds only the running command: several commands may define
// flags of the same name (--out, --size), and viper keeps one flag per key.
func (a *app) bind(cmd *cobra.Command) {
	for _, fs := range []*pflag.FlagSet{cmd.Flags(), cmd.InheritedFlags()} {
		fs.VisitAll(func(f *pflag.Flag) {
			a.known[f.Name] = true
			_ = a.v.BindPFlag(f.Name, f)
		})
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

// checkMerged rejects a value from the environment or the config file that
// the flag of that name could not take (TCOBENCH_CONCURRENCY=abc,
// "duration: 300" without a unit), which viper would otherwise read as zero.
func (a *app) checkMerged(cmd *cobra.Command, configPath string) error {
	var bad error
	check := func(f *pflag.Flag) {
		if bad != nil || f.Changed || !a.v.IsSet(f.Name) {
			return
		}
		raw := fmt.Sprint(a.v.Get(f.Name))
		if err := parsesAs(f.Value.Type(), raw); err != nil {
			env := "TCOBENCH_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
			where := "config file " + configPath + ": " + f.Name
			if _, ok := os.LookupEnv(env); ok {
				where = "environment " + env
			}
			bad = usageErrorf("%s=%q: %v (as --%s)", where, raw, err, f.Name)
		}
	}
	cmd.Flags().VisitAll(check)
	cmd.InheritedFlags().VisitAll(check)
	return bad
}

// parsesAs checks that raw is a valid value of a flag of pflag type typ.
func parsesAs(typ, raw string) error {
	var err error
	switch typ {
	case "int", "int64", "int32":
		_, err = strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return errors.New("want a whole number")
		}
	case "uint", "uint64", "uint32":
		_, err = strconv.ParseUint(raw, 10, 64)
		if err != nil {
			return errors.New("want a whole number, 0 or more")
		}
	case "float64", "float32":
		_, err = strconv.ParseFloat(raw, 64)
		if err != nil {
			return errors.New("want a number")
		}
	case "bool":
		_, err = strconv.ParseBool(raw)
		if err != nil {
			return errors.New("want true or false")
		}
	case "duration":
		_, err = time.ParseDuration(raw)
		if err != nil {
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

// exitError carries a process exit status with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withExit wraps err so that tcobench exits with code.
func withExit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// usageErrorf reports bad usage: exit status 2.
func usageErrorf(format string, args ...any) error {
	return withExit(2, fmt.Errorf(format, args...))
}

func exitCode(err error) int {
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return 1
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
