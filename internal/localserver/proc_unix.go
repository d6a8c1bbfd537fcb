//go:build unix

package localserver

import "syscall"

// signalGroup sends SIGTERM (or SIGKILL) to every process in group pgid.
// A group with no processes left is not an error.
func signalGroup(pgid int, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-pgid, sig)
}
