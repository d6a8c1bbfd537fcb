package fleet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tcobench/tcobench/badinput"
)

// Shard is a shard's index among Count shards.
type Shard struct {
	Index, Count int
	// From says where the index came from ("--shard", or the scheduler's
	// variable).
	From string
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// indexVars are the schedulers' variables that carry a shard's index, in
// the order they are looked at, each with the variable carrying the count
// when there is one.
var indexVars = []struct{ index, count, min string }{
	{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"},
	{"SLURM_PROCID", "SLURM_NTASKS", ""},
	{"JOB_COMPLETION_INDEX", "", ""},
}

// ParseShard reads a shard setting: "i/N"; "auto/N", the index from the
// scheduler (SLURM_ARRAY_TASK_ID, SLURM_PROCID or JOB_COMPLETION_INDEX);
// or "", index and count from the scheduler. getenv reads the environment.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	idx, cnt, ok := strings.Cut(s, "/")
	if s != "" && !ok {
		return Shard{}, badinput.Field("shard", s, "want i/N (shard i of N, from 0), or auto/N to take i from the scheduler")
	}
	sh := Shard{From: "shard"}
	var err error
	if cnt != "" {
		if sh.Count, err = strconv.Atoi(cnt); err != nil || sh.Count < 1 {
			return Shard{}, badinput.Field("shard", s, "the count N must be a whole number, 1 or more")
		}
	}
	if idx == "" || idx == "auto" {
		if sh, err = fromScheduler(sh.Count, getenv); err != nil {
			return Shard{}, err
		}
	} else if sh.Index, err = strconv.Atoi(idx); err != nil {
		return Shard{}, badinput.Field("shard", s, "the index i must be a whole number (or auto)")
	}
	if sh.Index < 0 || sh.Index >= sh.Count {
		return Shard{}, badinput.Field("shard", sh.String(), "the index must be 0 to %d (from %s)", sh.Count-1, sh.From)
	}
	return sh, nil
}

// fromScheduler takes the index (and, when count is 0, the count) from the
// first scheduler variable set.
func fromScheduler(count int, getenv func(string) string) (Shard, error) {
	for _, v := range indexVars {
		raw := getenv(v.index)
		if raw == "" {
			continue
		}
		i, err := strconv.Atoi(raw)
		if err != nil {
			return Shard{}, badinput.Errorf("%s=%q: not a shard index", v.index, raw)
		}
		if v.min != "" {
			if m, err := strconv.Atoi(getenv(v.min)); err == nil {
				i -= m // an array 1-3 holds shards 0-2
			}
		}
		sh := Shard{Index: i, Count: count, From: v.index}
		if count == 0 && v.count != "" {
			if sh.Count, err = strconv.Atoi(getenv(v.count)); err != nil {
				return Shard{}, badinput.Errorf("%s=%q: not a shard count", v.count, getenv(v.count))
			}
		}
		if sh.Count == 0 {
			return Shard{}, badinput.Field("shard", nil, "%s gives the index but not the count: give shard auto/N", v.index)
		}
		return sh, nil
	}
	return Shard{}, badinput.Field("shard", nil, "no shard given and none from a scheduler (SLURM_ARRAY_TASK_ID, SLURM_PROCID, JOB_COMPLETION_INDEX): give shard i/N")
}
