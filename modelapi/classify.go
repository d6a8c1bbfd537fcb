package modelapi

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"

	"github.com/tcobench/tcobench/runrecord"
)

// classifyConnect classifies an error from sending the request (before any
// response arrived). parent is the caller's context: its cancellation means
// the run was interrupted, not that the server timed out.
func classifyConnect(parent context.Context, err error) string {
	switch {
	case parent.Err() != nil:
		return runrecord.ErrCanceled
	case isTimeout(err):
		return runrecord.ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return runrecord.ErrRefused
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return runrecord.ErrRefused // the server closed the connection before answering
	}
	return runrecord.ErrOther
}

// classifyStream classifies an error while reading the response stream.
func classifyStream(parent context.Context, err error) string {
	switch {
	case parent.Err() != nil:
		return runrecord.ErrCanceled
	case isTimeout(err):
		return runrecord.ErrTimeout
	case errors.Is(err, errLineTooLong):
		return runrecord.ErrMalformed
	}
	return runrecord.ErrStreamCut // EOF, reset, unexpected EOF: the stream ended early
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// fail marks the attempt failed with a class and message.
func fail(a *runrecord.Attempt, clk Clock, class string, msg string) {
	a.OK = false
	a.ErrorClass = class
	if len(msg) > 512 {
		msg = msg[:512]
	}
	a.Error = msg
	if a.EndNS == 0 {
		a.EndNS = clk.Now()
	}
}
