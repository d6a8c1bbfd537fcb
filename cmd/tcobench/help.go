package main

import (
	"embed"
	"strings"
)

// helpFS holds each command's long help, one text file a command
// (help/<command>.txt): what it does, its settings in words, its exit statuses.
//
//go:embed help/*.txt
var helpFS embed.FS

// helpText is the long help of the named command.
func helpText(name string) string {
	b, err := helpFS.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic("tcobench: no help text for " + name) // a build mistake, caught by every test
	}
	return strings.TrimRight(string(b), "\n")
}
