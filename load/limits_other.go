//go:build !unix

package load

// openFileLimit: this system has no per-process open-file limit to check.
func openFileLimit() (uint64, bool) { return 0, false }
