// Command tcobench measures what one task really costs on your own GPUs, next
// to the API bill for the same task. See `tcobench --help`.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a := newApp(os.Stdout, os.Stderr)
	root := newRootCmd(a)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(os.Stderr, "tcobench: %s\n", oneLine(err.Error()))
	if isUsageError(err.Error()) {
		return 2
	}
	return exitCode(err)
}
