package localservertest

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The machine-wide test lock: every test server holds it shared while its
// test runs, and a timing-sensitive test (Exclusive) holds it alone, so
// that no other package's model server shares the CPU with its
// measurements. go test runs packages in parallel; this keeps them apart
// only where a measurement needs it.
var exclusive atomic.Bool

// lockWait bounds a wait for the lock, so that a test process started by
// another test cannot wait for ever; past it the test runs unlocked.
const lockWait = 10 * time.Minute

func lockPath() string { return filepath.Join(os.TempDir(), "tcobench-localserver-tests.lock") }

// hold takes the lock (how: syscall.LOCK_SH or LOCK_EX) until the test ends.
func hold(t testing.TB, how int) {
	f, err := os.OpenFile(lockPath(), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		t.Logf("test lock: %v (running unlocked)", err)
		return
	}
	deadline := time.Now().Add(lockWait)
	for syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB) != nil {
		if time.Now().After(deadline) {
			t.Logf("test lock: still held after %s (running unlocked)", lockWait)
			f.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Cleanup(func() { f.Close() }) // closing releases the lock
}

// Exclusive makes the test the only one on the machine running a local
// model server until it ends: for tests that compare measured throughput
// or latency. Servers it starts itself do not wait for it.
func Exclusive(t testing.TB) {
	t.Helper()
	hold(t, syscall.LOCK_EX)
	exclusive.Store(true)
	t.Cleanup(func() { exclusive.Store(false) })
}
