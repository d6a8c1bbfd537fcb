package localserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// OllamaVersion is the Ollama release `make ollama` builds.
const OllamaVersion = "v0.17.4"

// ErrNoBinary means the Ollama binary is not where it was looked for.
var ErrNoBinary = errors.New("ollama binary not found")

// BinaryPath is where the Ollama binary is expected: $TCOBENCH_OLLAMA, else
// ${XDG_CACHE_HOME:-~/.cache}/tcobench/ollama/<version>/ollama.
func BinaryPath() string {
	if p := os.Getenv("TCOBENCH_OLLAMA"); p != "" {
		return p
	}
	return filepath.Join(cacheDir(), "ollama", OllamaVersion, "ollama")
}

// cacheDir is ${XDG_CACHE_HOME:-~/.cache}/tcobench.
func cacheDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, ".cache")
		} else {
			base = os.TempDir()
		}
	}
	return filepath.Join(base, "tcobench")
}

// CheckBinary says whether path is an executable file, with a hint to build it.
func CheckBinary(path string) error {
	st, err := os.Stat(path)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%w at %s: run `make ollama` to build it (or set TCOBENCH_OLLAMA)", ErrNoBinary, path)
	}
	return nil
}
