#!/usr/bin/env bash
# Installs the Debian packages a purpose needs, skipping those already
# installed. Idempotent; needs root or sudo for the install.
#   setup.sh demo   what `make demo` needs: the compilers and headers that build Ollama
#   setup.sh test   (default) the demo's, plus the real parts the tests run against
set -euo pipefail
purpose=${1:-test}
# package:what it is for
demo=(
  "gcc:C compiler for Ollama's cgo build and go-nvml"
  "g++:C++ compiler for Ollama's llama.cpp core"
  "make:the Makefile"
  "git:the version stamped into bin/tcobench"
  "nlohmann-json3-dev:a header Ollama's build includes"
  "libstb-dev:a header Ollama's build includes"
)
test=(
  "chromium:report tests render the HTML in headless Chromium"
  "prometheus:the Prometheus collector's tests scrape a real Prometheus"
  "prometheus-pushgateway:the push tests send run summaries to a real Pushgateway"
  "postgresql:the results-store tests run against a real PostgreSQL"
  "munge:the fleet tests' Slurm authenticates with munge"
  "slurmctld:the fleet tests submit job arrays to a real Slurm controller"
  "slurmd:the fleet tests' Slurm node runs the shards"
  "slurm-client:sbatch, squeue and sinfo for the fleet tests"
)
case $purpose in
  demo) want=("${demo[@]}") ;;
  test) want=("${demo[@]}" "${test[@]}") ;;
  *) echo "setup.sh: unknown purpose $purpose (want demo or test)" >&2; exit 2 ;;
esac
need=()
for entry in "${want[@]}"; do
  p=${entry%%:*}
  if ! dpkg -s "$p" >/dev/null 2>&1; then
    need+=("$p")
    echo "setup: will install $p: ${entry#*:}"
  fi
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
# The packaged services are not needed as system services: tests start their own
# (PostgreSQL, and a one-node Slurm with its own munge key, on loopback).
for s in prometheus prometheus-pushgateway prometheus-node-exporter postgresql munge slurmctld slurmd; do
  $sudo systemctl disable --now "$s" >/dev/null 2>&1 || $sudo service "$s" stop >/dev/null 2>&1 || true
done
