package flagconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestPrecedence: flag > environment > file > default, and bad values or
// unknown keys refused naming where they came from.
func TestPrecedence(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte("rate: 3\nmodel: from-file\nusers: 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TCBTEST_MODEL", "from-env")
	var rate float64
	var model string
	var users int
	cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().Float64Var(&rate, "rate", 1, "")
	cmd.Flags().StringVar(&model, "model", "dflt", "")
	cmd.Flags().IntVar(&users, "users", 1, "")
	if err := cmd.Flags().Parse([]string{"--users", "2"}); err != nil {
		t.Fatal(err)
	}
	c := New("TCBTEST")
	c.Register(cmd)
	if err := c.Load(file); err != nil {
		t.Fatal(err)
	}
	if err := c.Merge(cmd, file); err != nil {
		t.Fatal(err)
	}
	if rate != 3 || model != "from-env" || users != 2 || !c.Given["users"] || c.Given["rate"] {
		t.Errorf("rate %v model %q users %d given %v", rate, model, users, c.Given)
	}

	t.Setenv("TCBTEST_RATE", "fast")
	err := New("TCBTEST").Merge(cmd, file)
	if err == nil || !strings.Contains(err.Error(), `environment TCBTEST_RATE="fast": want a number (as --rate)`) {
		t.Errorf("bad environment value: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("rate: 1\nrat: 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c = New("TCBTEST")
	c.Register(cmd)
	if err := c.Load(bad); err == nil || !strings.Contains(err.Error(), "unknown key(s) rat") {
		t.Errorf("unknown key: %v", err)
	}
}
