package main

import (
	"bytes"
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// output is the one convention of the commands that write results:
// --format picks the form (text, md, html, json, csv where the command has
// it) and --out FILE the file (standard output, or a file beside the data
// for a report, when none is given). docs/cli.md lists it.
type output struct {
	Format, Out string
	formats     []string
}

// bind registers --format (default def, one of formats) and --out on fs.
func (o *output) bind(fs *pflag.FlagSet, def string, formats ...string) {
	o.formats = formats
	fs.StringVar(&o.Format, "format", def, strings.Join(formats, ", "))
	fs.StringVar(&o.Out, "out", "", "write to this file instead of standard output (- for standard output)")
}

// check refuses a format the command does not write.
func (o *output) check() error {
	if !slices.Contains(o.formats, o.Format) {
		return usageErrorf("--format %q: want %s", o.Format, strings.Join(o.formats, ", "))
	}
	return nil
}

// write writes what render produces for the chosen format to --out, or
// to standard output when --out is empty or "-".
func (a *app) write(o output, what string, render func(w *bytes.Buffer, format string) error) error {
	var b bytes.Buffer
	if err := render(&b, o.Format); err != nil {
		return err
	}
	return a.writeOut(b.Bytes(), o.Out, what)
}

// writeJSON writes v as indented JSON, the form of every --format json.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
