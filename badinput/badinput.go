// Package badinput marks the errors that come from input tcobench cannot
// use (a setting out of range, a malformed file, a directory that is not a
// run) apart from failures of the work itself, so that a caller can tell
// "fix what you gave" from "it ran and failed". The CLI maps them to exit
// status 2.
package badinput

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Error marks Err as caused by unusable input.
type Error struct{ Err error }

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Wrap marks err as bad input (nil stays nil).
func Wrap(err error) error {
	if err == nil || Is(err) {
		return err
	}
	return &Error{Err: err}
}

// Errorf is fmt.Errorf marked as bad input.
func Errorf(format string, args ...any) error {
	return &Error{Err: fmt.Errorf(format, args...)}
}

// Is reports whether err, or an error it wraps, is bad input.
func Is(err error) bool {
	var e *Error
	var f *FieldError
	return errors.As(err, &e) || errors.As(err, &f)
}

// FieldError is a setting whose value cannot be used. Field is the
// setting's name (the key of a settings file, which the CLI's flags share),
// Value what was given, Reason what is wanted.
type FieldError struct {
	Field  string
	Value  any
	Reason string
}

// Field returns the error of a setting named name whose value cannot be used.
func Field(name string, value any, format string, args ...any) *FieldError {
	return &FieldError{Field: name, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// Error reads "rate -2: must be a finite number, 0 or more" (or, for a
// reason that goes on from the value, "reference-model \"x/y\" is not in
// price catalog api-2026").
func (e *FieldError) Error() string {
	if e.Value == nil {
		return e.Field + ": " + e.Reason
	}
	sep := ": "
	if strings.HasPrefix(e.Reason, "is ") {
		sep = " "
	}
	return e.Field + " " + Show(e.Value) + sep + e.Reason
}

// InPlace reads the error as a file's validation writes it after the
// setting's place: "must be a finite number, 0 or more, got -2".
func (e *FieldError) InPlace() string {
	if e.Value == nil {
		return e.Reason
	}
	return e.Reason + ", got " + Show(e.Value)
}

// Show writes a value as an error message quotes it: strings quoted,
// durations and numbers as they are written in settings.
func Show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case time.Duration:
		return x.String()
	case float64:
		return fmt.Sprintf("%g", x)
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
