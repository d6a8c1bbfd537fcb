package localservertest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/tcobench/tcobench/internal/localserver"
)

// recordTB records how ForTest ended a test instead of ending it.
type recordTB struct {
	testing.TB
	skipped, fatal string
}

func (r *recordTB) Helper() {}
func (r *recordTB) Skipf(f string, a ...any) {
	r.skipped = fmt.Sprintf(f, a...)
	runtime.Goexit()
}
func (r *recordTB) Fatalf(f string, a ...any) {
	r.fatal = fmt.Sprintf(f, a...)
	runtime.Goexit()
}

func forTestWithout(t *testing.T, ci string) *recordTB {
	t.Setenv("CI", ci)
	r := &recordTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		ForTest(r, localserver.Options{Binary: t.TempDir() + "/no-ollama"})
		t.Error("ForTest returned without a binary")
	}()
	<-done
	return r
}

func TestForTestWithoutBinary(t *testing.T) {
	if r := forTestWithout(t, ""); !strings.Contains(r.skipped, "make ollama") || r.fatal != "" {
		t.Errorf("local run: skipped %q, fatal %q; want a skip naming make ollama", r.skipped, r.fatal)
	}
	if r := forTestWithout(t, "true"); !strings.Contains(r.fatal, "make ollama") || r.skipped != "" {
		t.Errorf("CI=true: skipped %q, fatal %q; want a failure naming make ollama", r.skipped, r.fatal)
	}
}
