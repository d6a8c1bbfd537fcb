package localserver

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"
)

// startTimeout bounds a test server's start-up on a busy machine.
const startTimeout = 2 * time.Minute

// ForTest starts a local server for the test and stops it when the test and
// its subtests end (pass, fail or panic). Without the Ollama binary it skips
// the test with a hint to run `make ollama`, or fails it when CI=true. On a
// failed test it logs the tail of the server's output.
func ForTest(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := opts.Binary
	if bin == "" {
		bin = BinaryPath()
	}
	if err := checkBinary(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("local server: %v", err)
		}
		t.Skipf("local server: %v", err)
	}
	opts.Binary = bin
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	s, err := Start(ctx, opts)
	if err != nil {
		if errors.Is(err, ErrNoBinary) && os.Getenv("CI") != "true" {
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
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return "http://127.0.0.1:" + strconv.Itoa(port)
}
