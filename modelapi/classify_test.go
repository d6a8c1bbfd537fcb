package modelapi

import (
	"context"
	"errors"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// TestHarnessLimitsAreTheirOwnClass: the harness's own limits, wrapped as
// the HTTP client wraps a dial error, are classed harness with the limit to
// raise; the server's refusals stay refused.
func TestHarnessLimitsAreTheirOwnClass(t *testing.T) {
	for _, c := range []struct {
		errno syscall.Errno
		class string
		hint  string
	}{
		{syscall.EMFILE, runrecord.ErrHarness, "ulimit -n"},
		{syscall.ENFILE, runrecord.ErrHarness, "fs.file-max"},
		{syscall.EADDRNOTAVAIL, runrecord.ErrHarness, "local ports"},
		{syscall.ENOBUFS, runrecord.ErrHarness, "socket buffers"},
		{syscall.ENOMEM, runrecord.ErrHarness, "memory"},
		{syscall.ECONNREFUSED, runrecord.ErrRefused, ""},
	} {
		err := &url.Error{Op: "Post", URL: "http://127.0.0.1:9/v1/chat/completions",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", c.errno)}}
		if got := classifyConnect(context.Background(), err); got != c.class {
			t.Errorf("%v: class %q, want %q", c.errno, got, c.class)
		}
		if got := HarnessLimit(err); !strings.Contains(got, c.hint) || (c.hint == "") != (got == "") {
			t.Errorf("%v: hint %q, want one naming %q", c.errno, got, c.hint)
		}
		// The text alone (a recorded attempt's error) gives the same hint.
		if got := HarnessHint(err.Error()); got != HarnessLimit(err) {
			t.Errorf("%v: hint from text %q, from the error %q", c.errno, got, HarnessLimit(err))
		}
		var a runrecord.Attempt
		fail(&a, NewClock(time.Now()), c.class, err.Error())
		if c.hint != "" && !strings.HasPrefix(a.Error, HarnessLimit(err)+": ") {
			t.Errorf("%v: attempt error %q does not lead with the limit", c.errno, a.Error)
		}
	}
	if HarnessLimit(errors.New("HTTP 500: too many open files on the server")) != "" {
		t.Error("a server's own message mentioning open files was taken for the harness's")
	}
}
