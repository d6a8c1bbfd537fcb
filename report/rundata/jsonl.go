package rundata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// decodeJSONL reads JSON lines of T; a torn last line (no newline) is skipped.
func decodeJSONL[T any](r io.Reader, name string, fn func(T)) error {
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(b) > 0 && b[len(b)-1] == '\n' {
			var v T
			if jerr := json.Unmarshal(b, &v); jerr != nil {
				return fmt.Errorf("%s:%d: %w", name, line, jerr)
			}
			fn(v)
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}
