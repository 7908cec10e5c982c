#!/usr/bin/env bash
# What the two thread hand-offs cost at one client: the c=1 p50 of the echo servers answering on their event loop,
# the same echo servers answering from a worker thread (--hand-off: event loop -> worker -> event loop, as Sluice
# does, without a model), and Sluice serving the sample tabular_classifier, over HTTP (JSON) and gRPC (raw
# contents); plus ONNX Runtime alone on the same model file. Alternating runs, ROUNDS of SECONDS each per server;
# prints each server's median p50 over the rounds.
# Usage: benchmarks/run-hand-off.sh [ROUNDS] [SECONDS]     (default: 5 rounds of 4 s, plus 1 s warm-up each)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
SECONDS_PER_RUN="${2:-4}"
MODEL=tabular_classifier

source benchmarks/lib/serve.sh

start_sluice models
declare -A TARGET=([sluice-http]="http://127.0.0.1:$HTTP" [sluice-grpc]="grpc://127.0.0.1:$GRPC")
for wire in http grpc; do
  start_echo "$wire" "$MODEL"
  TARGET[echo-$wire]="$wire://127.0.0.1:$ECHO_PORT"
  start_echo "$wire" "$MODEL" --hand-off
  TARGET[echo-$wire-hand-off]="$wire://127.0.0.1:$ECHO_PORT"
done
SERVERS="echo-http echo-http-hand-off sluice-http echo-grpc echo-grpc-hand-off sluice-grpc"

java -cp benchmarks/target/sluice-jmh.jar io.sluice.benchmarks.baseline.OrtBaseline --model models/$MODEL/2/model.onnx \
  --concurrency 1 --duration "${SECONDS_PER_RUN}s" --warmup 1s --output "$WORK/ort" > "$WORK/ort.log" 2>&1
ORT_P50="$(field ort p50)"

for round in $(seq 1 "$ROUNDS"); do
  for server in $SERVERS; do
    java -jar benchmarks/target/sluice-bench.jar --target "${TARGET[$server]}" --model "$MODEL" --concurrency 1 \
      --duration "${SECONDS_PER_RUN}s" --warmup 1s --output "$WORK/$server-$round" --quiet > /dev/null || true
  done
done

median() {
  local server="$1" round values=""
  for round in $(seq 1 "$ROUNDS"); do values="$values $(field "$server-$round" p50)"; done
  python3 -c "import statistics, sys; print(statistics.median(float(v) for v in sys.argv[1:]))" $values
}

printf 'ONNX Runtime alone (c=1 p50): %s µs\n\n' "$ORT_P50"
printf '| wire | echo p50 (µs) | echo with hand-off p50 (µs) | Sluice p50 (µs) | echo + ORT (µs) | hand-off echo / (echo + ORT) | Sluice / (echo + ORT) |\n'
printf '| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n'
for wire in http grpc; do
  python3 - "$wire" "$(median "echo-$wire")" "$(median "echo-$wire-hand-off")" "$(median "sluice-$wire")" "$ORT_P50" <<'PY'
import sys
wire, echo, hand_off, sluice, ort = sys.argv[1], *map(float, sys.argv[2:])
floor = echo + ort
print(f"| {wire} | {echo:.0f} | {hand_off:.0f} | {sluice:.0f} | {floor:.0f} | {hand_off / floor:.2f}x | {sluice / floor:.2f}x |")
PY
done
