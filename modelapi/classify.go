package modelapi

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/tcobench/tcobench/runrecord"
)

// classifyConnect classifies an error from sending the request (before any
// response arrived). parent is the caller's context: its cancellation means
// the run was interrupted, not that the server timed out.
func classifyConnect(parent context.Context, err error) string {
	switch {
	case parent.Err() != nil:
		return runrecord.ErrCanceled
	case HarnessLimit(err) != "":
		return runrecord.ErrHarness
	case isTimeout(err):
		return runrecord.ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return runrecord.ErrRefused
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return runrecord.ErrRefused // the server closed the connection before answering
	}
	return runrecord.ErrOther
}

// classifyStream classifies an error while reading the response stream.
func classifyStream(parent context.Context, err error) string {
	switch {
	case parent.Err() != nil:
		return runrecord.ErrCanceled
	case isTimeout(err):
		return runrecord.ErrTimeout
	case errors.Is(err, errLineTooLong):
		return runrecord.ErrMalformed
	}
	return runrecord.ErrStreamCut // EOF, reset, unexpected EOF: the stream ended early
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// harnessLimits maps the errors of tcobench's own process limits to the
// limit to raise. Their Error texts are the kernel's, so the message of an
// attempt classed harness names its limit too.
var harnessLimits = []struct {
	errno syscall.Errno
	hint  string
}{
	// ENFILE's text starts with EMFILE's: it comes first.
	{syscall.ENFILE, "the system ran out of open files: raise fs.file-max, or lower the concurrency"},
	{syscall.EMFILE, "tcobench ran out of open files: raise its limit (ulimit -n, RLIMIT_NOFILE) above the planned concurrency, or lower the concurrency"},
	{syscall.EADDRNOTAVAIL, "tcobench ran out of local ports: widen net.ipv4.ip_local_port_range, keep connections alive, or lower the concurrency"},
	{syscall.ENOBUFS, "the kernel ran out of socket buffers: lower the concurrency"},
	{syscall.ENOMEM, "tcobench ran out of memory: raise its memory limit (ulimit -v, the container's limit), or lower the concurrency"},
}

// HarnessLimit returns what limit to raise when err is tcobench running into
// a limit of its own process or host (open files, local ports, memory)
// rather than an answer of the server; "" otherwise.
func HarnessLimit(err error) string {
	if err == nil {
		return ""
	}
	for _, l := range harnessLimits {
		if errors.Is(err, l.errno) {
			return l.hint
		}
	}
	return ""
}

// HarnessHint is HarnessLimit for the text of an error already classed
// harness (a recorded attempt's Error): the limit to raise when msg carries
// the kernel's text of one.
func HarnessHint(msg string) string {
	for _, l := range harnessLimits {
		if strings.HasSuffix(msg, l.errno.Error()) || strings.Contains(msg, ": "+l.errno.Error()+" ") {
			return l.hint
		}
	}
	return ""
}

// fail marks the attempt failed with a class and message. A harness error's
// message leads with the limit to raise.
func fail(a *runrecord.Attempt, clk Clock, class string, msg string) {
	a.OK = false
	a.ErrorClass = class
	if class == runrecord.ErrHarness {
		if hint := HarnessHint(msg); hint != "" {
			msg = hint + ": " + msg
		}
	}
	if len(msg) > 512 {
		msg = msg[:512]
	}
	a.Error = msg
	if a.EndNS == 0 {
		a.EndNS = clk.Now()
	}
}
