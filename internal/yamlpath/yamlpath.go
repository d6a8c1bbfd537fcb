// Package yamlpath finds where a field sits in a YAML document and names it,
// so that every validator (workloads, profiles and price catalogs, suites)
// reports problems the same way: "file:line: field: message".
package yamlpath

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A path is a list of segments: a string is a mapping key, an int (or a
// string of decimal digits) a sequence index.

// Line returns the line of the field at path in the document rooted at root.
// A mapping entry is placed on its key's line and a sequence entry on its own
// line. When the path runs out of the document (a missing field), the line
// where the deepest node found begins is returned (for a mapping, its first
// entry: where the missing field would go); 0 when root is nil.
func Line[S any](root *yaml.Node, path ...S) int {
	n := root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		keyLine, next := child(n, any(p))
		if next == nil {
			return n.Line
		}
		line, n = keyLine, next
	}
	return line
}

// child returns the line where seg starts inside n and the node it names.
func child(n *yaml.Node, seg any) (int, *yaml.Node) {
	key, idx, isIdx := segment(seg)
	switch {
	case n.Kind == yaml.MappingNode && !isIdx:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line, n.Content[i+1]
			}
		}
	case n.Kind == yaml.SequenceNode && isIdx && idx >= 0 && idx < len(n.Content):
		return n.Content[idx].Line, n.Content[idx]
	}
	return 0, nil
}

// segment reads one path segment as a key or an index.
func segment(seg any) (key string, idx int, isIdx bool) {
	switch s := seg.(type) {
	case int:
		return "", s, true
	case string:
		if i, err := strconv.Atoi(s); err == nil {
			return "", i, true
		}
		return s, 0, false
	}
	return fmt.Sprint(seg), 0, false
}

// Field names a path the way users write it: tasks[0].steps[1].max_tokens.
func Field[S any](path ...S) string {
	var b strings.Builder
	for _, p := range path {
		key, idx, isIdx := segment(any(p))
		if isIdx {
			fmt.Fprintf(&b, "[%d]", idx)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(key)
	}
	return b.String()
}

// Format renders one problem as "file:line: field: message", leaving out the
// line when it is 0 and the field when it is empty.
func Format(file string, line int, field, msg string) string {
	var b strings.Builder
	b.WriteString(file)
	if line > 0 {
		fmt.Fprintf(&b, ":%d", line)
	}
	if field != "" {
		b.WriteString(": " + field)
	}
	b.WriteString(": " + msg)
	return b.String()
}
