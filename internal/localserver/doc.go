// Package localserver runs a real Ollama server on this machine for tests and
// the demo: the binary built by `make ollama`, on a free loopback port, with
// its own model folder, serving a generated GGUF model (package gguf), so no
// weights are downloaded. Stop ends the server and its runner processes by
// process group; nothing is left behind.
package localserver
