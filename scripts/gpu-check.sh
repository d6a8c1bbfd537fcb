#!/usr/bin/env bash
# gpu-check: check tcobench's GPU energy against nvidia-smi on a machine
# with an NVIDIA GPU (make gpu-check; docs/energy.md says what it shows).
#
# It builds tcobench and its helper, runs `tcobench doctor`, starts
# `tcobench fakeserver`, and runs `tcobench run --collectors nvml,host`
# against it while nvidia-smi samples the GPU's power every 100 ms. During
# the run the helper loads the GPU through the CUDA driver alone
# (libcuda.so.1, installed with every NVIDIA driver, and a PTX kernel the
# driver compiles: no CUDA toolkit, no Python, no download), first fully,
# then in 50 ms bursts every 200 ms, which 100 ms power sampling misses in
# part. It then prints side by side, over the run's energy window: the
# energy counter, tcobench's power integral, nvidia-smi's power integrals,
# and the idle power, with their differences.
#
# Settings (environment): GPU (NVML index, default 0), OUT (folder, default
# .tmp/gpu-check), IDLE (idle baseline, s, default 10), DURATION (measured
# phase, s, default 40), PORT (fake server, default 18099), GPU_LOAD_CMD
# (a command to use as the load instead, e.g. a model server's own job;
# it must start the load after the idle baseline and stop by itself).
set -euo pipefail

GPU=${GPU:-0}
IDLE=${IDLE:-10}
DURATION=${DURATION:-40}
PORT=${PORT:-18099}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${OUT:-$ROOT/.tmp/gpu-check}

if ! command -v nvidia-smi >/dev/null 2>&1 || ! nvidia-smi -L 2>/dev/null | grep -q '^GPU '; then
	echo "gpu-check: no NVIDIA GPU here (nvidia-smi is missing or lists no GPU); this check needs one" >&2
	exit 1
fi

mkdir -p "$OUT" "$ROOT/.tmp"
export TMPDIR=${TMPDIR:-$ROOT/.tmp} CGO_ENABLED=1
cd "$ROOT"
echo "gpu-check: building tcobench and the helper into $OUT"
go build -o "$OUT/tcobench" ./cmd/tcobench
go build -o "$OUT/gpucheck" ./scripts/gpucheck
B=$OUT/tcobench
rm -rf "$OUT/run" "$OUT/smi.csv" "$OUT/load-start"

echo "gpu-check: tcobench doctor"
"$B" doctor | tee "$OUT/doctor.txt"

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

"$B" fakeserver --listen "127.0.0.1:$PORT" --token-delay 5ms >"$OUT/fakeserver.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
	sleep 0.1
done

# power.draw is a 1-second average on Ampere and newer; power.draw.instant,
# where this nvidia-smi knows it, is the instant reading.
Q=timestamp,power.draw
if nvidia-smi -i "$GPU" --query-gpu=power.draw.instant --format=csv,noheader,nounits 2>/dev/null | grep -qE '^[0-9.]+$'; then
	Q=$Q,power.draw.instant
fi
nvidia-smi -i "$GPU" --query-gpu="$Q" --format=csv,noheader,nounits -lms 100 >"$OUT/smi.csv" &
pids+=($!)

# The load starts well after the idle baseline (the comparison warns if it
# did not) and lasts beyond the measured phase.
DELAY=$((IDLE + 5))
LOAD=$((DURATION / 2 + 5))
if [ -n "${GPU_LOAD_CMD:-}" ]; then
	bash -c "$GPU_LOAD_CMD" >"$OUT/load.log" 2>&1 &
else
	CUDA_DEVICE_ORDER=PCI_BUS_ID CUDA_VISIBLE_DEVICES=$GPU \
		"$OUT/gpucheck" load --delay "${DELAY}s" --steady "${LOAD}s" --bursty "${LOAD}s" >"$OUT/load-start" 2>"$OUT/load.log" &
fi
pids+=($!)

echo "gpu-check: tcobench run (idle baseline ${IDLE}s, ${DURATION}s measured, GPU $GPU)"
env -u CUDA_VISIBLE_DEVICES "$B" run --target "http://127.0.0.1:$PORT" --model fake --concurrency 4 \
	--duration "${DURATION}s" --collectors nvml,host --gpus "$GPU" --idle-baseline "${IDLE}s" \
	--out "$OUT/run" --quiet
if [ -s "$OUT/load.log" ]; then
	echo "gpu-check: the load said:" >&2
	cat "$OUT/load.log" >&2
fi
echo
args=(--run "$OUT/run" --smi "$OUT/smi.csv" --gpu "$GPU")
if [ -s "$OUT/load-start" ]; then args+=(--load-start "$OUT/load-start"); fi
"$OUT/gpucheck" compare "${args[@]}"
echo
echo "gpu-check: files in $OUT (run/, smi.csv, doctor.txt, load.log)"
