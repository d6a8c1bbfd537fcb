//go:build linux

package localserver

import "syscall"

// sysProcAttr puts the server in its own process group (so Stop reaches its
// runners) and asks the kernel to send it SIGTERM if this process dies
// without calling Stop; Ollama then stops its runners itself.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
