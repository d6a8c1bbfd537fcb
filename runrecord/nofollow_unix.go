//go:build unix

package runrecord

import "syscall"

// noFollow makes open refuse a symbolic link at the last path element.
const noFollow = syscall.O_NOFOLLOW
