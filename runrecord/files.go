package runrecord

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CreateFile creates the new file dir/name for writing. name must be a plain
// file name (no separator). The file must not exist: an existing file or a
// symbolic link at that name is refused (O_EXCL, and O_NOFOLLOW where the
// system has it), so nothing is ever written through a link planted in a
// run directory.
func CreateFile(dir, name string) (*os.File, error) {
	if err := plainName(name); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY|noFollow, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("create %s: %s already exists in %s (a run file is never overwritten)", name, name, dir)
		}
		return nil, fmt.Errorf("create %s: %w", name, err)
	}
	return f, nil
}

// WriteFileAtomic writes data as dir/name: a temporary file with a unique
// name in dir (os.CreateTemp, so never a planted link), synced, then renamed
// over name. A link at name is replaced, not followed, so no file outside
// dir is changed. Readers see the old content or the new, never a part.
func WriteFileAtomic(dir, name string, data []byte) error {
	if err := plainName(name); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	ok = true
	return nil
}

// plainName refuses a name that would leave its directory.
func plainName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("file name %q: want a plain name inside the run directory", name)
	}
	return nil
}
