#!/usr/bin/env bash
# Two builds of Sluice compared on this noisy machine: both serve the benchmark models (BatchingModels) at once,
# and each cell (model at a number of closed-loop clients, gRPC or with WIRE=http JSON over HTTP) runs ROUNDS
# short runs alternating between the two, so a slow spell of the machine hits both alike. Prints per cell the medians of throughput, p50 and p99,
# how many rounds B won, and B/A throughput per round.
# Usage: benchmarks/run-ab.sh JAR_A JAR_B [ROUNDS] [SECONDS] [CELLS]
#   defaults: 8 rounds of 3 s per cell, CELLS "mlp_direct:1 mlp_direct:16 mlp_direct:64 mlp_batched:64"
#   (a jar is a build's gateway/target/sluice.jar, copied aside before building the other)
set -euo pipefail
cd "$(dirname "$0")/.."
JAR_A="$(realpath "$1")"
JAR_B="$(realpath "$2")"
ROUNDS="${3:-8}"
SECONDS_PER_RUN="${4:-3}"
CELLS="${5:-mlp_direct:1 mlp_direct:16 mlp_direct:64 mlp_batched:64}"

source benchmarks/lib/serve.sh

write_models benchmarks/lib/BatchingModels.java "$WORK/repo"
WIRE="${WIRE:-grpc}"
port() {  # the port of the listener WIRE names, after start_sluice
  if [ "$WIRE" = http ]; then echo "$HTTP"; else echo "$GRPC"; fi
}
SLUICE_JAR="$JAR_A" start_sluice "$WORK/repo" --queue-capacity 1024
PORT_A="$(port)"
EXTRA_PIDS="$SERVER_PID"
SLUICE_JAR="$JAR_B" start_sluice "$WORK/repo" --queue-capacity 1024
PORT_B="$(port)"

run() {  # run PORT MODEL CLIENTS SECONDS OUTPUT
  java -jar benchmarks/target/sluice-bench.jar --target "$WIRE://127.0.0.1:$1" --model "$2" --concurrency "$3" \
    --duration "$4s" --warmup 1s --grpc-channels 4 --output "$5" --quiet > /dev/null || true
}

printf 'A: %s\nB: %s\nover %s\n\n' "$JAR_A" "$JAR_B" "$WIRE"
for cell in $CELLS; do
  model="${cell%%:*}"
  clients="${cell##*:}"
  run "$PORT_A" "$model" "$clients" 4 "$WORK/warm-a"
  run "$PORT_B" "$model" "$clients" 4 "$WORK/warm-b"
  for round in $(seq 1 "$ROUNDS"); do
    run "$PORT_A" "$model" "$clients" "$SECONDS_PER_RUN" "$WORK/a-$cell-$round"
    run "$PORT_B" "$model" "$clients" "$SECONDS_PER_RUN" "$WORK/b-$cell-$round"
  done
  python3 - "$WORK" "$cell" "$ROUNDS" <<'PY'
import json, statistics, sys
work, cell, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def runs(side):
    return [json.load(open(f"{work}/{side}-{cell}-{r}/summary.json")) for r in range(1, rounds + 1)]
a, b = runs("a"), runs("b")
def medians(rs):
    return "%.0f req/s, p50 %.0f us, p99 %.0f us" % tuple(
        statistics.median(r[k] for r in rs) for k in ("throughput", "p50", "p99"))
ratios = [y["throughput"] / x["throughput"] for x, y in zip(a, b)]
print(f"{cell}: A {medians(a)} | B {medians(b)} | B faster in {sum(r > 1 for r in ratios)}/{rounds} rounds,"
      f" B/A " + " ".join(f"{r:.2f}" for r in ratios))
PY
done
