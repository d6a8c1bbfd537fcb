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
need=()
for p in nlohmann-json3-dev libstb-dev gcc g++; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}" >&2
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >&2
fi
mkdir -p "$dest"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "building ollama $version (about 8 minutes on 2 cores)..." >&2
# cgo writes temporary files to TMPDIR: a private one keeps stray headers out.
mkdir -p "$tmp/tmp" "$tmp/bin"
TMPDIR="$tmp/tmp" GOBIN="$tmp/bin" CGO_ENABLED=1 \
  CGO_CPPFLAGS="-I$here/ollama-include ${CGO_CPPFLAGS:-}" \
  GOFLAGS=-mod=mod go install -ldflags "-X github.com/ollama/ollama/version.Version=${version#v}" \
  "github.com/ollama/ollama@$version" >&2
mv "$tmp/bin/ollama" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$bin"
