package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tcobench/tcobench/badinput"
	"github.com/tcobench/tcobench/internal/flagconfig"
)

// app carries what every command needs: the config file and environment
// (through viper), and the output streams.
type app struct {
	cfg    *flagconfig.Config
	out    io.Writer
	errOut io.Writer
	// given lists the flags given on the command line.
	given map[string]bool
}

func newApp(out, errOut io.Writer) *app {
	cfg := flagconfig.New("TCOBENCH")
	return &app{cfg: cfg, out: out, errOut: errOut, given: cfg.Given}
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
	return flagconfig.OneLine(msg)
}

// writeOut writes b to the file out (saying so), else (out "" or "-") to
// standard output.
func (a *app) writeOut(b []byte, out, what string) error {
	if out == "" || out == "-" {
		_, err := a.out.Write(b)
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	fmt.Fprintf(a.out, "wrote %s\n", out)
	return nil
}
