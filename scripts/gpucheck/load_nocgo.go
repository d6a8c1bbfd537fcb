//go:build !cgo || !linux

package main

import (
	"errors"
	"io"
	"time"
)

func load(io.Writer, time.Duration, time.Duration, time.Duration) error {
	return errors.New("load: built without cgo (or not on Linux): the CUDA driver cannot be called")
}
