package localserver

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tcobench/tcobench/internal/gguf"
)

// modelFormat changes whenever the generator's output changes, so that a
// cached file from an older tcobench is not reused.
const modelFormat = "gguf-v2"

// ModelFile returns the path of the generated GGUF model of the named size and
// its sha256 digest ("sha256:<hex>"), writing it on first use into
// ${XDG_CACHE_HOME:-~/.cache}/tcobench/models (or a temp dir when the cache is
// not writable). Concurrent callers are safe: files are written atomically.
func ModelFile(size string) (path, digest string, err error) {
	cfg, err := gguf.Preset(size)
	if err != nil {
		return "", "", err
	}
	key := sha256.Sum256(fmt.Appendf(nil, "%s|%+v", modelFormat, cfg))
	name := fmt.Sprintf("%s-%s.gguf", cfg.Name, hex.EncodeToString(key[:6]))
	var lastErr error
	for _, dir := range []string{filepath.Join(cacheDir(), "models"), filepath.Join(os.TempDir(), "tcobench-models")} {
		path = filepath.Join(dir, name)
		if digest, err = ensureModel(path, cfg); err == nil {
			return path, digest, nil
		}
		lastErr = err
	}
	return "", "", fmt.Errorf("generate %s model: %w", size, lastErr)
}

func ensureModel(path string, cfg gguf.Config) (string, error) {
	if d, err := fileDigest(path); err == nil {
		return d, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	if err := gguf.WriteFile(path, cfg); err != nil {
		return "", err
	}
	return fileDigest(path)
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
