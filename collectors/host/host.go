// Package host samples the machine running the model server: CPU, memory,
// load, the model-server process tree's CPU time and RSS (found by PID or by
// the port it listens on), and CPU package energy from powercap/RAPL where
// the kernel exposes it.
package host

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"
	"github.com/shirou/gopsutil/v4/net"
	"github.com/shirou/gopsutil/v4/process"

	"github.com/tcobench/tcobench/collectors"
	"github.com/tcobench/tcobench/runrecord"
)

// Name is the host collector's registered name.
const Name = "host"

// Options configures the host collector.
type Options struct {
	// PID is the model server's process id (0: find it by Port).
	PID int32
	// Port is the TCP port the model server listens on (0: no process readings
	// unless PID is set).
	Port int
	// Interval is the sampling period (default 1 s).
	Interval time.Duration
	// PowercapRoot is the powercap sysfs directory (default /sys/class/powercap).
	PowercapRoot string
}

// Collector samples the host.
type Collector struct {
	opts   Options
	health collectors.Health
	rapl   *rapl
	pid    int32
	host   map[string]string
	proc   map[string]string
	// the model-server process tree, refreshed every treeRefresh
	procs  []*process.Process
	treeAt time.Time
}

// treeRefresh is how often the model server's descendants are looked up
// again (a walk of every /proc/*/stat, most of the collector's cost at
// short intervals); between refreshes only the known processes are read.
// A child started since the last refresh is counted from the next one.
const treeRefresh = 5 * time.Second

// New returns a host collector. It never fails: what cannot be read is
// reported in its health.
func New(o Options) *Collector {
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	if o.PowercapRoot == "" {
		o.PowercapRoot = "/sys/class/powercap"
	}
	c := &Collector{opts: o, pid: o.PID, host: map[string]string{}}
	c.rapl = newRAPL(o.PowercapRoot)
	if c.rapl.note != "" {
		c.health.Unsupported(collectors.MetricCPUEnergyJ)
	}
	return c
}

// Name is "host".
func (c *Collector) Name() string { return Name }

// Health reports samples, errors and unsupported fields.
func (c *Collector) Health() runrecord.CollectorHealth {
	h := c.health.Report(Name)
	if c.rapl.note != "" && h.Message == "" {
		h.Message = c.rapl.note
	}
	return h
}

// CPUEnergyNote says why CPU package energy is not measured ("" when it is).
func (c *Collector) CPUEnergyNote() string { return c.rapl.note }

// PID is the model-server process found (0: none).
func (c *Collector) PID() int32 { return c.pid }

// Run samples until ctx is done.
func (c *Collector) Run(ctx context.Context, sink collectors.Sink) error {
	_, _ = cpu.PercentWithContext(ctx, 0, false) // prime the CPU counters
	return collectors.Every(ctx, c.opts.Interval, func(now time.Time) { c.sample(ctx, sink, now) })
}

func (c *Collector) sample(ctx context.Context, sink collectors.Sink, now time.Time) {
	add := func(labels map[string]string, metric string, v float64) {
		sink.Add(collectors.Reading{At: now, Metric: metric, Labels: labels, Value: v})
		c.health.Sample(1)
	}
	if p, err := cpu.PercentWithContext(ctx, 0, false); err == nil && len(p) == 1 {
		add(c.host, "cpu_util_pct", p[0])
	} else if err != nil {
		c.health.Error("cpu: " + err.Error())
	}
	if m, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		add(c.host, "mem_used_bytes", float64(m.Used))
		add(c.host, "mem_used_pct", m.UsedPercent)
	} else {
		c.health.Error("memory: " + err.Error())
	}
	if l, err := load.AvgWithContext(ctx); err == nil {
		add(c.host, "load1", l.Load1)
		add(c.host, "load5", l.Load5)
		add(c.host, "load15", l.Load15)
	} else {
		c.health.Error("load: " + err.Error())
	}
	c.sampleProcess(ctx, now, add)
	c.rapl.read(func(zone string, j float64) {
		add(c.rapl.labels(zone), collectors.MetricCPUEnergyJ, j)
	})
}

// sampleProcess reads the model-server process tree (the server and its
// children, e.g. Ollama's runner).
func (c *Collector) sampleProcess(ctx context.Context, now time.Time, add func(map[string]string, string, float64)) {
	if c.pid == 0 && c.opts.Port == 0 {
		return
	}
	if c.pid == 0 {
		pid, err := ListeningPID(ctx, c.opts.Port)
		if err != nil {
			c.health.Error(err.Error())
			return
		}
		c.pid = pid
	}
	procs, err := c.tree(ctx, now)
	if err != nil {
		c.health.Error(fmt.Sprintf("model-server process %d: %v", c.pid, err))
		if c.opts.PID == 0 {
			c.pid = 0 // look it up again next time (restarted server)
		}
		return
	}
	if c.proc == nil || c.proc["pid"] != strconv.Itoa(int(c.pid)) {
		name, _ := procs[0].NameWithContext(ctx)
		c.proc = map[string]string{"pid": strconv.Itoa(int(c.pid)), "process": name}
	}
	var cpuS, rss float64
	for _, q := range procs {
		if t, err := q.TimesWithContext(ctx); err == nil {
			cpuS += t.User + t.System
		}
		if m, err := q.MemoryInfoWithContext(ctx); err == nil {
			rss += float64(m.RSS)
		}
	}
	add(c.proc, "proc_cpu_seconds", cpuS)
	add(c.proc, "proc_rss_bytes", rss)
}

// tree returns the model server's process and its descendants, looked up
// again when the last lookup is treeRefresh old or was for another PID.
func (c *Collector) tree(ctx context.Context, now time.Time) ([]*process.Process, error) {
	p, err := process.NewProcessWithContext(ctx, c.pid)
	if err != nil {
		c.procs = nil
		return nil, err
	}
	if len(c.procs) > 0 && c.procs[0].Pid == c.pid && now.Sub(c.treeAt) < treeRefresh {
		return c.procs, nil
	}
	c.procs, c.treeAt = tree(ctx, p), now
	return c.procs, nil
}

// tree is p and its descendants.
func tree(ctx context.Context, p *process.Process) []*process.Process {
	out := []*process.Process{p}
	for i := 0; i < len(out) && i < 64; i++ {
		kids, _ := out[i].ChildrenWithContext(ctx)
		out = append(out, kids...)
	}
	return out
}

// ListeningPID finds the process listening on TCP port.
func ListeningPID(ctx context.Context, port int) (int32, error) {
	conns, err := net.ConnectionsWithContext(ctx, "tcp")
	if err != nil {
		return 0, fmt.Errorf("find the process listening on port %d: %w", port, err)
	}
	for _, cn := range conns {
		if cn.Status == "LISTEN" && int(cn.Laddr.Port) == port && cn.Pid != 0 {
			return cn.Pid, nil
		}
	}
	return 0, fmt.Errorf("no local process listens on port %d (server remote or not visible): no process readings", port)
}
