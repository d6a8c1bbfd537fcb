#!/usr/bin/env bash
# Builds a CPU-only Ollama from the Go module proxy into a cache outside the
# checkout, so that fresh clones and CI reuse it. Skips the build when the
# binary is already there. Prints the binary's path on its last line.
set -euo pipefail
version=${OLLAMA_VERSION:-v0.17.4}
here=$(cd "$(dirname "$0")" && pwd)
cache=${TCOBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcobench}
dest="$cache/ollama/$version"
bin="$dest/ollama"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
bash "$here/setup.sh" demo >&2
mkdir -p "$dest"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "building ollama $version (once; about 4 minutes on 2 cores, then cached in '$cache')..." >&2
# cgo writes temporary files to TMPDIR: a private one keeps stray headers out.
mkdir -p "$tmp/tmp" "$tmp/bin"
TMPDIR="$tmp/tmp" GOBIN="$tmp/bin" CGO_ENABLED=1 \
  CGO_CPPFLAGS="-I$here/ollama-include ${CGO_CPPFLAGS:-}" \
  GOFLAGS=-mod=mod go install -ldflags "-X github.com/ollama/ollama/version.Version=${version#v}" \
  "github.com/ollama/ollama@$version" >&2
mv "$tmp/bin/ollama" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$bin"
