#!/usr/bin/env bash
# `make demo`: runs the built tcobench's demo (a local Ollama with a generated
# model, checked by tcobench doctor, then a real benchmark, its price and its report).
# make has already installed the Debian packages, built Ollama and bin/tcobench.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${TCOBENCH_BIN:-bin/tcobench}
if [ ! -x "$bin" ]; then
  echo "demo: $bin not found: run \`make build\` (or \`make demo\`)" >&2
  exit 1
fi
exec "$bin" demo "$@"
