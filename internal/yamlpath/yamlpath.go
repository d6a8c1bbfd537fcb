// Package yamlpath finds where a field sits in a YAML document, so that
// validation errors can say file:line for the field they are about.
package yamlpath

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Line returns the line of the field at path (mapping keys, and sequence
// indexes as decimal strings) in the document rooted at root. A mapping entry
// is placed on its key's line and a sequence entry on its own line. When the
// path runs out of the document, the line of the deepest node found is
// returned; 0 when root is nil.
func Line(root *yaml.Node, path ...string) int {
	n := root
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		keyLine, next := child(n, p)
		if next == nil {
			return line
		}
		line, n = keyLine, next
	}
	return line
}

// child returns the line where key starts inside n and the node it names.
func child(n *yaml.Node, key string) (int, *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line, n.Content[i+1]
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i].Line, n.Content[i]
		}
	}
	return 0, nil
}
