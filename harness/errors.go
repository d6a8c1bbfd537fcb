package harness

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// NoSuccessError says that a run sent requests and none succeeded; every
// attempt is still recorded in Dir.
type NoSuccessError struct {
	Dir, Target  string
	Sent, Failed int
	// ByClass counts the failed measured attempts by error class.
	ByClass map[string]int
}

func (e *NoSuccessError) Error() string {
	classes := make([]string, 0, len(e.ByClass))
	for k, n := range e.ByClass {
		classes = append(classes, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(classes)
	msg := fmt.Sprintf("no request succeeded: %d of %d sent failed", e.Failed, e.Sent)
	if len(classes) > 0 {
		msg += " (" + strings.Join(classes, ", ") + ")"
	}
	if e.ByClass[runrecord.ErrRefused] > 0 {
		msg += fmt.Sprintf("; is a model server listening at %s? (tcobench doctor --target %s)", e.Target, e.Target)
	}
	return msg + "; every attempt is in " + filepath.Join(e.Dir, runrecord.RequestsFile)
}

// PartialError says that a run was cut short (interrupted, or stopped by a
// breaker); what was measured is in Dir, marked partial.
type PartialError struct{ Dir, Reason string }

func (e *PartialError) Error() string {
	return fmt.Sprintf("partial record written to %s: %s", e.Dir, e.Reason)
}

// GPURequiredError says that GPU energy was required and cannot be measured.
type GPURequiredError struct{ Reason string }

func (e *GPURequiredError) Error() string {
	return e.Reason + " (require-gpu)"
}

// SLOsNotMetError says that no load point of a sweep met the SLOs.
type SLOsNotMetError struct{ SweepFile string }

func (e *SLOsNotMetError) Error() string {
	return "no load point met the SLOs (" + e.SweepFile + ")"
}

// SuiteError lists the runs of a suite that failed; the others ran.
type SuiteError struct{ Failed []error }

func (e *SuiteError) Error() string {
	msgs := make([]string, len(e.Failed))
	for i, err := range e.Failed {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap gives the failures.
func (e *SuiteError) Unwrap() []error { return e.Failed }

// outcome turns a finished run's record into the error it stands for: nil
// when at least one request succeeded and the run was not cut short.
func outcome(run *runrecord.Run, dir string) error {
	s := run.Summary
	switch {
	case run.Partial:
		return &PartialError{Dir: dir, Reason: run.PartialReason}
	case s != nil && s.Requests.Scheduled > 0 && s.Requests.OK == 0:
		return &NoSuccessError{Dir: dir, Target: run.Config.Target, Sent: s.Requests.Sent,
			Failed: s.Requests.Sent - s.Requests.OK, ByClass: s.ErrorsByClass}
	}
	return nil
}
