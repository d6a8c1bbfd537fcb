//go:build !unix

package runrecord

// noFollow: O_EXCL alone refuses an existing link on this system.
const noFollow = 0
