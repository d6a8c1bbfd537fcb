//go:build unix && !linux

package localserver

import "syscall"

// sysProcAttr puts the server in its own process group, so Stop reaches its runners.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
