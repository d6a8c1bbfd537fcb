package report

import (
	"fmt"
	"strings"

	"github.com/tcobench/tcobench/runrecord"
)

// mdFleet writes a merged fleet run's shards: one line each, missing,
// failed and lost ones included.
func mdFleet(b *strings.Builder, f *runrecord.Fleet) {
	if f == nil || len(f.Members) == 0 {
		return
	}
	fmt.Fprintf(b, "Fleet %s: %d shards split by %s, started together at %s; the figures above are computed from every shard's raw samples (measured).\n\n",
		md(f.ID), f.Shards, md(f.Split), f.StartedAt.UTC().Format("2006-01-02 15:04:05.000 MST"))
	b.WriteString("| Shard | State | Host | Measured requests | OK | Output tokens/s | TTFT p99 (ms) | GPU energy (J) | Note |\n|---:|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, m := range f.Members {
		e := "not measured"
		if m.GPUEnergyJ != nil {
			e = FormatValue(*m.GPUEnergyJ, "J")
		}
		note := m.Error
		if m.Note != "" {
			note = strings.TrimSpace(m.Note + " " + note)
		}
		fmt.Fprintf(b, "| %d | %s | %s | %d | %d | %s | %s | %s | %s |\n", m.Shard, md(m.State), md(m.Host), m.Requests, m.OK,
			FormatValue(m.OutputTokS, "tokens/s"), FormatValue(m.TTFTP99MS, "ms"), e, md(note))
	}
	if c := f.Cost; c != nil {
		fmt.Fprintf(b, "\nFleet cost: %d nodes × %s at %s USD/hour each = %s USD/hour (%s); %s USD per task.\n",
			c.Nodes, md(c.Hardware), FormatValue(c.NodeUSDPerHour.Value, ""), FormatValue(c.USDPerHour.Value, ""), c.USDPerHour.Provenance, FormatValue(c.USDPerTask.Value, ""))
	}
	b.WriteString("\n")
}
