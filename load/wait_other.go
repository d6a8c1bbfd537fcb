//go:build !linux

package load

// waitPrecise waits until due on the run clock. Outside Linux it is
// waitUntil (a Go runtime timer, up to about a millisecond late); on Linux
// the last stretch is a kernel high-resolution sleep (wait_linux.go).
func (e *engine) waitPrecise(due int64) bool {
	return e.waitUntil(due)
}
