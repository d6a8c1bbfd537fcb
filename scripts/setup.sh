#!/usr/bin/env bash
# Installs the Debian packages tcobench's build, tests and demo need, skipping
# those already installed. Idempotent; needs root or sudo for the install.
set -euo pipefail
pkgs=(gcc g++ make git nlohmann-json3-dev libstb-dev chromium prometheus prometheus-pushgateway postgresql
      munge slurmctld slurmd slurm-client)
need=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "setup: installing Debian packages: ${need[*]}" >&2
if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
# The packaged services are not needed as system services: tests start their own
# (PostgreSQL, and a one-node Slurm with its own munge key, on loopback).
for s in prometheus prometheus-pushgateway prometheus-node-exporter postgresql munge slurmctld slurmd; do
  $sudo systemctl disable --now "$s" >/dev/null 2>&1 || $sudo service "$s" stop >/dev/null 2>&1 || true
done
