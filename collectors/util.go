package collectors

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/tcobench/tcobench/runrecord"
)

// WriteTelemetry writes samples as dir/telemetry.jsonl, a new file (a
// link or an existing file at that name is refused, see
// runrecord.CreateFile). With no samples (no collector ran, or none
// sampled) no file is written: readers treat a missing telemetry.jsonl as
// "no telemetry".
func WriteTelemetry(dir string, samples []runrecord.Sample) error {
	if len(samples) == 0 {
		return nil
	}
	w, err := runrecord.CreateJSONL(filepath.Join(dir, runrecord.TelemetryFile))
	if err != nil {
		return err
	}
	for i := range samples {
		if err := w.Write(&samples[i]); err != nil {
			_ = w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write telemetry: %w", err)
	}
	return nil
}

// Every calls fn at once and then every interval until ctx is done.
func Every(ctx context.Context, interval time.Duration, fn func(now time.Time)) error {
	if interval <= 0 {
		interval = time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	fn(time.Now())
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			fn(time.Now())
		}
	}
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
