package load

import "fmt"

// FileOverhead is how many open files a run needs beside its connections:
// the run files, collectors, the live exporter, the Go runtime, a margin.
const FileOverhead = 64

// FilesNeeded is how many open files a run with concurrency requests in
// flight needs: one connection each, plus FileOverhead.
func FilesNeeded(concurrency int) int { return max(concurrency, 0) + FileOverhead }

// FileLimitWarning says, before the load starts, whether this process's
// open-file limit (RLIMIT_NOFILE, `ulimit -n`) is too low for concurrency
// requests in flight: one line to print, or "" when the limit is enough
// (or the system has none). For an open loop without a concurrency ceiling
// pass the most requests expected in flight (the rate times the longest
// request). A run that hits the limit anyway stops early (MaxHarnessErrors)
// with its attempts classed "harness".
func FileLimitWarning(concurrency int) string {
	limit, ok := openFileLimit()
	if !ok {
		return ""
	}
	return fileLimitWarning(limit, concurrency)
}

func fileLimitWarning(limit uint64, concurrency int) string {
	need := FilesNeeded(concurrency)
	if limit >= uint64(need) {
		return ""
	}
	return fmt.Sprintf("the open-file limit (ulimit -n, RLIMIT_NOFILE) is %d, below the %d that %d requests in flight need (one connection each, plus %d): raise it (ulimit -n %d) or lower the concurrency; attempts beyond it fail as class harness and stop the run",
		limit, need, concurrency, FileOverhead, need)
}
