package perf

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// WritePeers prints per point and client the median and range over the
// rounds of each figure, and tcobench's ratio to each peer (of medians).
func WritePeers(w io.Writer, pts []PeerPoint) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "point\tclient\truns\tlag p99 at server (ms)\tTTFT error p99 (ms)\tE2E error p99 (ms)\tCPU/request (ms)\tpeak RSS (MiB)\tunmatched\tload average\tsteal %")
	for _, p := range pts {
		clients := clientsOf(p)
		med := map[string][4]float64{}
		for _, c := range clients {
			runs := runsOf(p, c)
			f := [4]func(PeerRun) float64{
				func(r PeerRun) float64 { return r.Lag.P99 }, func(r PeerRun) float64 { return r.TTFT.P99 },
				func(r PeerRun) float64 { return r.E2E.P99 }, func(r PeerRun) float64 { return r.CPUPerRequest },
			}
			var m [4]float64
			cells := make([]string, 4)
			for i := range f {
				var xs []float64
				for _, r := range runs {
					xs = append(xs, f[i](r))
				}
				m[i], cells[i] = medianRange(xs, (i != 0 || p.Rate > 0) && (i != 1 || c == "tcobench"))
			}
			med[c] = m
			var rss []float64
			unmatched := 0
			var loads []string
			var steal []float64
			for _, r := range runs {
				rss = append(rss, mib(r.MaxRSS))
				unmatched += r.Unmatched
				loads = append(loads, r.LoadAvg)
				if r.Steal >= 0 {
					steal = append(steal, r.Steal)
				}
			}
			_, rssCell := medianRange(rss, true)
			_, stealCell := medianRange(steal, true)
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", p.Name, c, len(runs), cells[0], cells[1], cells[2], cells[3], rssCell, unmatched, loadSpan(loads), stealCell)
		}
		floor := writeFloor(tw, p)
		for _, c := range clients {
			if c == "tcobench" {
				continue
			}
			t, v := med["tcobench"], med[c]
			fmt.Fprintf(tw, "%s\ttcobench / %s\t\t%s\t\t%s\t%s\t\t\t\t\n", p.Name, c, ratio(t[0], v[0], p.Rate > 0), ratio(t[2], v[2], true), ratio(t[3], v[3], true))
			if floor > 0 {
				fmt.Fprintf(tw, "%s\tfloor / %s\t\t%s\t\t\t\t\t\t\t\n", p.Name, c, ratio(floor, v[0], true))
			}
		}
	}
	return tw.Flush()
}

// writeFloor prints the point's machine floor (the kernel sleep's lateness
// p99, median and range over the rounds) and returns its median (0: none).
func writeFloor(w io.Writer, p PeerPoint) float64 {
	if len(p.Floor) == 0 {
		return 0
	}
	var xs []float64
	for _, f := range p.Floor {
		xs = append(xs, f.P99)
	}
	m, cell := medianRange(xs, true)
	fmt.Fprintf(w, "%s\tmachine floor\t%d\t%s\t—\t—\t—\t—\t\t\t\n", p.Name, len(xs), cell)
	return m
}

func clientsOf(p PeerPoint) []string {
	var out []string
	for _, r := range p.Runs {
		if !slices.Contains(out, r.Client) {
			out = append(out, r.Client)
		}
	}
	return out
}

func runsOf(p PeerPoint, c string) []PeerRun {
	var out []PeerRun
	for _, r := range p.Runs {
		if r.Client == c {
			out = append(out, r)
		}
	}
	return out
}

// medianRange is the median of xs and "median (min–max)"; "—" when the
// figure does not apply.
func medianRange(xs []float64, applies bool) (float64, string) {
	if !applies || len(xs) == 0 {
		return 0, "—"
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	if len(s) == 1 {
		return m, fmt.Sprintf("%.3g", m)
	}
	return m, fmt.Sprintf("%.3g (%.3g–%.3g)", m, s[0], s[len(s)-1])
}

func ratio(a, b float64, applies bool) string {
	if !applies || b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f ×", a/b)
}

func loadSpan(loads []string) string {
	if len(loads) == 0 {
		return ""
	}
	return fmt.Sprintf("%s … %s", firstField(loads[0]), firstField(loads[len(loads)-1]))
}

func firstField(s string) string {
	for i, c := range s {
		if c == ' ' {
			return s[:i]
		}
	}
	return s
}
