package modelapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// TestHarnessLimitsAreTheirOwnClass: a dial that fails on one of the
// harness's own limits (injected into the client, wrapped as the kernel's
// errors are) fails the attempt as harness, its error leading with the
// limit to raise; the text alone gives the same limit; a refused
// connection stays refused.
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
		dial := func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("socket", c.errno)}
		}
		be, err := New(Target{URL: "http://127.0.0.1:9", API: KindOpenAIChat}, Options{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: dial}}})
		if err != nil {
			t.Fatal(err)
		}
		var a runrecord.Attempt
		be.Do(context.Background(), NewClock(time.Now()), &Request{Model: "m", MaxTokens: 1, Messages: []Message{{Role: "user", Content: "x"}}}, &a)
		hint := HarnessLimit(c.errno)
		if a.ErrorClass != c.class || !strings.Contains(hint, c.hint) || (c.hint == "") != (hint == "") {
			t.Errorf("%v: class %q, limit %q; want class %q naming %q", c.errno, a.ErrorClass, hint, c.class, c.hint)
		}
		if c.hint != "" && (!strings.HasPrefix(a.Error, hint+": ") || HarnessHint(a.Error) != hint) {
			t.Errorf("%v: attempt error %q does not lead with the limit %q", c.errno, a.Error, hint)
		}
	}
	if HarnessLimit(errors.New("HTTP 500: too many open files on the server")) != "" {
		t.Error("a server's own message mentioning open files was taken for the harness's")
	}
}
