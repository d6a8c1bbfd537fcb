// Package collectors samples telemetry during a benchmark run: each
// collector (nvml, host, server, prometheus) samples on its own clock into
// readings that a Session aligns to the run's clock and keeps as
// record.Sample series. Collectors are registered by name in a Registry;
// each reports its own health, and one failing collector never stops the
// others or the run.
package collectors
