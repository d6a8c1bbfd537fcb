//go:build unix

package load

import "golang.org/x/sys/unix"

// openFileLimit is this process's soft RLIMIT_NOFILE (what `ulimit -n`
// shows; Go raises the soft limit to the hard one at start-up).
func openFileLimit() (uint64, bool) {
	var l unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &l); err != nil {
		return 0, false
	}
	return l.Cur, l.Cur != unix.RLIM_INFINITY
}
