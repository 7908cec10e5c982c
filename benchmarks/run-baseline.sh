#!/usr/bin/env bash
# Baseline comparison: Sluice against the floors of this machine, in one run, on one small model.
#
#   in-process ONNX Runtime   the compute floor (session.run in a loop, no transport)
#   HTTP echo, gRPC echo      the transport floors (canned copies of Sluice's own answers)
#   Sluice HTTP, Sluice gRPC  the gateway
#
# Each at concurrency 1 and at saturation (closed loop), measured with sluice-bench; the table and the ratios
# Sluice / floors go to stdout and into docs/BENCHMARKS.md (between <!-- baseline:begin --> and
# <!-- baseline:end -->). Builds the jars it needs with Maven when they are missing. About 3 minutes.
#
# Usage: benchmarks/run-baseline.sh [--duration 10s] [--warmup 3s] [--saturation 16] [--output DIR] [--no-doc]
# Environment: MVN (default "mvn -B -q"), JAVA (default "java").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INVOKED="benchmarks/run-baseline.sh${*:+ $*}"
DURATION=10s
WARMUP=3s
SATURATION=16
OUTPUT=""
WRITE_DOC=1
MVN=${MVN:-mvn -B -q}
JAVA=${JAVA:-java}
MODEL=tabular_classifier
REPOSITORY="$ROOT/models"
MODEL_FILE="$REPOSITORY/$MODEL/2/model.onnx" # Sluice serves the highest version by default

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --saturation) SATURATION="$2"; shift 2 ;;
    --output) OUTPUT="$2"; shift 2 ;;
    --no-doc) WRITE_DOC=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-baseline: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
if ! [[ "$SATURATION" =~ ^[0-9]+$ ]] || [[ "$SATURATION" -le 1 ]]; then
  echo "run-baseline: --saturation $SATURATION (expected: an integer > 1)" >&2
  exit 2
fi

cd "$ROOT"
BENCH_JAR=benchmarks/target/sluice-bench.jar
JMH_JAR=benchmarks/target/sluice-jmh.jar
SLUICE_JAR=gateway/target/sluice.jar
if [[ ! -f "$SLUICE_JAR" ]]; then
  echo "run-baseline: building $SLUICE_JAR" >&2
  $MVN package -DskipTests -pl gateway -am
fi
if [[ ! -f "$BENCH_JAR" || ! -f "$JMH_JAR" ]]; then
  echo "run-baseline: building $BENCH_JAR and $JMH_JAR" >&2
  $MVN package -DskipTests -pl benchmarks -am
fi
if [[ ! -f "$MODEL_FILE" ]]; then
  echo "run-baseline: $MODEL_FILE is missing (the sample repository: java -jar $SLUICE_JAR generate-samples)" >&2
  exit 1
fi

if [[ -z "$OUTPUT" ]]; then
  OUTPUT="$(mktemp -d "${TMPDIR:-/tmp}/sluice-baseline.XXXXXX")"
fi
mkdir -p "$OUTPUT"

PIDS=()
# stops the servers this script started (by pid), forcibly after 10 s
cleanup() {
  local pid i
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for i in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# waits until FILE holds a line (a main printing its bound port), or fails after 60 s or when PID exits
wait_for_port() {
  local file="$1" pid="$2" name="$3" i
  for i in $(seq 1 600); do
    if [[ -s "$file" ]]; then
      head -n 1 "$file"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run-baseline: $name exited; see ${file%.port}.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "run-baseline: $name printed no port within 60 s" >&2
  return 1
}

wait_for_ready() {
  local url="$1" pid="$2" i
  for i in $(seq 1 600); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "run-baseline: Sluice exited; see $OUTPUT/sluice.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "run-baseline: Sluice not ready within 60 s; see $OUTPUT/sluice.log" >&2
  return 1
}

echo "run-baseline: results in $OUTPUT" >&2
HTTP_PORT=$(free_port)
GRPC_PORT=$(free_port)
ADMIN_PORT=$(free_port)
$JAVA -jar "$SLUICE_JAR" serve --model-repository "$REPOSITORY" --host 127.0.0.1 --http-port "$HTTP_PORT" \
  --grpc-port "$GRPC_PORT" --admin-port "$ADMIN_PORT" --exit-timeout-secs 2 >"$OUTPUT/sluice.log" 2>&1 &
SLUICE_PID=$!
PIDS+=("$SLUICE_PID")
wait_for_ready "http://127.0.0.1:$HTTP_PORT/v2/health/ready" "$SLUICE_PID"

# the echo servers answer with copies of Sluice's own answers for the model: same sizes on the wire
$JAVA -cp "$JMH_JAR" io.sluice.benchmarks.baseline.EchoHttpServer --clone "http://127.0.0.1:$HTTP_PORT" \
  --model "$MODEL" >"$OUTPUT/echo-http.port" 2>"$OUTPUT/echo-http.log" &
ECHO_HTTP_PID=$!
PIDS+=("$ECHO_HTTP_PID")
ECHO_HTTP_PORT=$(wait_for_port "$OUTPUT/echo-http.port" "$ECHO_HTTP_PID" "the HTTP echo server")
$JAVA -cp "$JMH_JAR" io.sluice.benchmarks.baseline.EchoGrpcServer --clone "grpc://127.0.0.1:$GRPC_PORT" \
  --model "$MODEL" >"$OUTPUT/echo-grpc.port" 2>"$OUTPUT/echo-grpc.log" &
ECHO_GRPC_PID=$!
PIDS+=("$ECHO_GRPC_PID")
ECHO_GRPC_PORT=$(wait_for_port "$OUTPUT/echo-grpc.port" "$ECHO_GRPC_PID" "the gRPC echo server")
HTTP_BYTES=$(sed -n 's/.*infer response \([0-9]*\) bytes.*/\1/p' "$OUTPUT/echo-http.log")
GRPC_BYTES=$(sed -n 's/.*infer response \([0-9]*\) bytes.*/\1/p' "$OUTPUT/echo-grpc.log")

{
  echo "CPUs (nproc): $(nproc)"
  echo "CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)"
  echo "Memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "Java: $($JAVA -version 2>&1 | head -n 1)"
  echo "OS: $(uname -sr)"
  echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "Load average before the run: $(cut -d ' ' -f 1-3 /proc/loadavg)"
} >"$OUTPUT/machine.txt"

TICKS=$(getconf CLK_TCK)
CORES=$(nproc)

# CPU seconds the whole machine has been busy (user, nice, system, irq, softirq in /proc/stat)
machine_cpu() {
  awk -v hz="$TICKS" '/^cpu / { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / hz }' /proc/stat
}

# sets OWN_CPU: CPU seconds of this script's processes, the running servers plus every finished child (the
# clients); not called in a subshell, as `times` reports the calling shell's children
own_cpu() {
  local pid ticks=0
  for pid in "${PIDS[@]}"; do
    if [[ -r "/proc/$pid/stat" ]]; then
      ticks=$((ticks + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
    fi
  done
  times >"$OUTPUT/.times"
  OWN_CPU=$(awk -v hz="$TICKS" -v servers="$ticks" 'NR == 2 {
      split($1, user, /[ms]/); split($2, sys, /[ms]/)
      printf "%.2f\n", servers / hz + user[1] * 60 + user[2] + sys[1] * 60 + sys[2] }' "$OUTPUT/.times")
}

# runs sluice-bench (or the in-process ORT loop) for one cell; a failed cell is reported, not fatal. Also
# writes other-cpu: the share of the machine's CPUs that other processes used meanwhile (shared machines)
measure() {
  local row="$1" concurrency="$2" target="${3:-}" status=0
  local dir="$OUTPUT/$row/c$concurrency" machine_before own_before started
  echo "run-baseline: $row at concurrency $concurrency" >&2
  machine_before=$(machine_cpu)
  own_cpu
  own_before=$OWN_CPU
  started=$(date +%s.%N)
  if [[ "$row" == ort ]]; then
    $JAVA -cp "$JMH_JAR" io.sluice.benchmarks.baseline.OrtBaseline --model "$MODEL_FILE" \
      --concurrency "$concurrency" --duration "$DURATION" --warmup "$WARMUP" --output "$dir" \
      >"$OUTPUT/$row-c$concurrency.log" 2>&1 || status=$?
  else
    $JAVA -jar "$BENCH_JAR" --target "$target" --model "$MODEL" --concurrency "$concurrency" \
      --duration "$DURATION" --warmup "$WARMUP" --output "$dir" --quiet \
      >"$OUTPUT/$row-c$concurrency.log" 2>&1 || status=$?
  fi
  if [[ $status -ne 0 ]]; then
    echo "run-baseline: $row at concurrency $concurrency exited $status; see $OUTPUT/$row-c$concurrency.log" >&2
  fi
  own_cpu
  mkdir -p "$dir"
  awk -v m0="$machine_before" -v m1="$(machine_cpu)" -v o0="$own_before" -v o1="$OWN_CPU" -v t0="$started" \
    -v t1="$(date +%s.%N)" -v cores="$CORES" 'BEGIN {
      share = ((m1 - m0) - (o1 - o0)) / ((t1 - t0) * cores)
      printf "%.3f\n", share < 0 ? 0 : share }' >"$dir/other-cpu"
}

for concurrency in 1 "$SATURATION"; do
  measure ort "$concurrency"
  measure http-echo "$concurrency" "http://127.0.0.1:$ECHO_HTTP_PORT"
  measure grpc-echo "$concurrency" "grpc://127.0.0.1:$ECHO_GRPC_PORT"
  measure sluice-http "$concurrency" "http://127.0.0.1:$HTTP_PORT"
  measure sluice-grpc "$concurrency" "grpc://127.0.0.1:$GRPC_PORT"
done

SETUP="Model \`$MODEL\` version 2 from \`models/\` (1 x 4 FP32 features -> 3 probabilities), batch 1. \
Each cell is one closed-loop run of its own JVM: $DURATION measured after $WARMUP of warm-up; c=1 is one \
request in flight, c=$SATURATION is saturation ($SATURATION requests in flight; $SATURATION threads for the \
in-process loop). HTTP sends JSON bodies, gRPC \`raw_input_contents\`. The echo servers answer canned copies of \
Sluice's own answers (${HTTP_BYTES:-?} bytes of JSON, ${GRPC_BYTES:-?} bytes of protobuf). The load generator \
and the servers share the machine's $(nproc) cores."

REPORT=(--results "$OUTPUT" --saturation "$SATURATION" --machine "$OUTPUT/machine.txt" --command "$INVOKED"
  --setup "$SETUP")
if [[ $WRITE_DOC -eq 1 ]]; then
  REPORT+=(--doc "$ROOT/docs/BENCHMARKS.md")
fi
$JAVA -cp "$JMH_JAR" io.sluice.benchmarks.baseline.BaselineReport "${REPORT[@]}"
if [[ $WRITE_DOC -eq 1 ]]; then
  echo "run-baseline: updated docs/BENCHMARKS.md; results in $OUTPUT" >&2
fi
