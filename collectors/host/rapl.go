package host

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// rapl reads CPU energy counters from powercap (intel-rapl zones, which the
// kernel also uses for AMD). The counters are in µJ and wrap at
// max_energy_range_uj; readings are made cumulative in J from the first read.
type rapl struct {
	zones []*zone
	note  string
}

type zone struct {
	name, path string
	max        float64 // µJ
	last       float64
	total      float64 // J
	started    bool
	labels     map[string]string
}

func newRAPL(root string) *rapl {
	r := &rapl{}
	dirs, _ := filepath.Glob(filepath.Join(root, "intel-rapl:*"))
	sort.Strings(dirs)
	for _, d := range dirs {
		if strings.Count(filepath.Base(d), ":") != 1 {
			continue // sub-zones (core, uncore, dram) are inside the package
		}
		name := readString(filepath.Join(d, "name"))
		if _, err := readFloat(filepath.Join(d, "energy_uj")); err != nil {
			r.note = fmt.Sprintf("CPU package energy not measured: %s is not readable (%v)", filepath.Join(d, "energy_uj"), err)
			continue
		}
		m, _ := readFloat(filepath.Join(d, "max_energy_range_uj"))
		r.zones = append(r.zones, &zone{name: name, path: filepath.Join(d, "energy_uj"), max: m, labels: map[string]string{"zone": name}})
	}
	switch {
	case len(r.zones) > 0:
		r.note = ""
	case r.note == "":
		r.note = fmt.Sprintf("CPU package energy not measured: the kernel exposes no RAPL zones (%s)", root)
	}
	return r
}

func (r *rapl) labels(name string) map[string]string {
	for _, z := range r.zones {
		if z.name == name {
			return z.labels
		}
	}
	return map[string]string{"zone": name}
}

func (r *rapl) read(emit func(zone string, j float64)) {
	for _, z := range r.zones {
		v, err := readFloat(z.path)
		if err != nil {
			continue
		}
		if z.started {
			d := v - z.last
			if d < 0 && z.max > 0 {
				d += z.max // the counter wrapped
			}
			if d > 0 {
				z.total += d / 1e6
			}
		}
		z.last, z.started = v, true
		emit(z.name, z.total)
	}
}

func readString(path string) string {
	b, _ := os.ReadFile(path)
	return strings.TrimSpace(string(b))
}

func readFloat(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
}
