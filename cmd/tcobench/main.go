// Command tcobench measures what one task really costs on your own GPUs, next
// to the API bill for the same task. See `tcobench --help`.
package main

import (
	"context"
	"fmt"
	"io"
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
	return execute(ctx, os.Args[1:], os.Stdout, os.Stderr)
}

// execute runs tcobench with args, printing an error as one line on errOut,
// and returns the exit status. Tests call it with buffers.
func execute(ctx context.Context, args []string, out, errOut io.Writer) int {
	root := newRootCmd(newApp(out, errOut))
	root.SetArgs(args)
	root.SetOut(out)
	root.SetErr(errOut)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintf(errOut, "tcobench: %s\n", message(err))
	return exitCode(err)
}
