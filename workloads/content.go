package workloads

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// loadContent reads a JSONL content file: one JSON object a line.
func loadContent(read readFunc, name string) ([]map[string]any, error) {
	data, err := read(name)
	if err != nil {
		return nil, err
	}
	var recs []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil || rec == nil {
			return nil, fmt.Errorf("%s:%d: want one JSON object a line: %v", name, line, err)
		}
		// Every record has the first one's fields, so a template that
		// renders for one record renders for all (checked at resolve time).
		if len(recs) > 0 && !sameKeys(rec, recs[0]) {
			return nil, fmt.Errorf("%s:%d: record has fields %s; the first record has %s", name, line, quotedKeys(rec), quotedKeys(recs[0]))
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no records", name)
	}
	return recs, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sameKeys(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

// quotedKeys lists a record's field names for an error message, each quoted
// (see snippet), at most ten.
func quotedKeys(rec map[string]any) string {
	keys := sortedKeys(rec)
	var out []string
	for i, k := range keys {
		if i == 10 {
			out = append(out, fmt.Sprintf("… %d more", len(keys)-10))
			break
		}
		out = append(out, snippet(k))
	}
	return "[" + strings.Join(out, " ") + "]"
}
