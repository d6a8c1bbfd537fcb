//go:build !cgo

package nvml

import (
	"errors"
	"testing"
)

func TestNoCgo(t *testing.T) {
	if _, err := New(Options{}); !errors.Is(err, ErrUnavailable) || err.Error() != noCgo {
		t.Fatalf("New: %v", err)
	}
	if _, err := Probe(); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Probe: %v", err)
	}
}
