package perf

import (
	"fmt"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	if child, err := RunChildIfAsked(); child {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
