// Package localservertest starts the local Ollama server for tests: it skips
// (or, with CI=true, fails) a test when the binary is missing and stops the
// server when the test ends. Only tests import it, so the tcobench binary
// does not link package testing.
package localservertest

import (
	"context"
	"errors"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/tcobench/tcobench/internal/localserver"
)

// startTimeout bounds a test server's start-up on a busy machine.
const startTimeout = 2 * time.Minute

// ForTest starts a local server for the test and stops it when the test and
// its subtests end (pass, fail or panic). Without the Ollama binary it skips
// the test with a hint to run `make ollama`, or fails it when CI=true. On a
// failed test it logs the tail of the server's output.
func ForTest(t testing.TB, opts localserver.Options) *localserver.Server {
	t.Helper()
	bin := opts.Binary
	if bin == "" {
		bin = localserver.BinaryPath()
	}
	if err := localserver.CheckBinary(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("local server: %v", err)
		}
		t.Skipf("local server: %v", err)
	}
	opts.Binary = bin
	if !exclusive.Load() {
		hold(t, syscall.LOCK_SH)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	s, err := localserver.Start(ctx, opts)
	if err != nil {
		if errors.Is(err, localserver.ErrNoBinary) && os.Getenv("CI") != "true" {
			t.Skipf("local server: %v", err)
		}
		t.Fatalf("local server: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("local ollama output (tail):\n%s", s.LogTail())
		}
		if err := s.Stop(); err != nil {
			t.Errorf("local server: %v", err)
		}
	})
	return s
}

// RefusedURL returns a loopback URL where nothing listens (a port that was
// free a moment ago), for tests of a target that does not answer.
func RefusedURL(t testing.TB) string {
	t.Helper()
	port, err := localserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "http://127.0.0.1:" + strconv.Itoa(port)
}
