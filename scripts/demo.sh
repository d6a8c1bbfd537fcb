#!/usr/bin/env bash
# `make demo`: sets up what the demo needs, builds Ollama (once, cached) and
# bin/tcobench, then runs `tcobench demo`: a local Ollama with a generated
# model, checked by tcobench doctor, a real benchmark, its price and its
# report. One line per stage; package and build output go to the log.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${DEMO_OUT:-demo-out}
mkdir -p "$out"
log="$out/demo.log"
: >"$log"
echo "tcobench demo: a real benchmark of a local model server on this machine's CPU; set-up and details go to $log"
# stage NAME CMD...: one line with what ran and how long it took.
stage() {
  local name=$1 t0=$SECONDS
  shift
  printf '%-46s ' "$name"
  echo "== $name" >>"$log"
  if "$@" >>"$log" 2>&1; then
    echo "done ($((SECONDS - t0)) s)"
  else
    echo "FAILED after $((SECONDS - t0)) s; the end of $log:"
    tail -n 15 "$log"
    exit 1
  fi
}
stage "Debian packages the Ollama build needs" bash scripts/setup.sh demo
ollama=${TCOBENCH_OLLAMA:?}
if [ -x "$ollama" ]; then
  printf '%-46s cached (%s)\n' "Ollama $OLLAMA_VERSION, CPU build" "$ollama"
else
  stage "Ollama $OLLAMA_VERSION, CPU build (once, ~4 min)" bash scripts/build-ollama.sh
fi
stage "bin/tcobench" ${GO:-go} build -ldflags "${LDFLAGS:-}" -o bin/tcobench ./cmd/tcobench
exec bin/tcobench demo --out "$out" --log "$log" "$@"
