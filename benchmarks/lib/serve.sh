# Shared by the run-*.sh benchmark scripts (source it from the repository root): builds the jars when
# missing, makes a work directory cleaned up on exit, starts Sluice on free loopback ports and reads
# sluice-bench summaries.
#   WORK                  the work directory (removed on exit, with the server stopped)
#   start_sluice REPO ARGS...   serves REPO with $SLUICE_JAR (default gateway/target/sluice.jar); sets HTTP,
#                               GRPC, ADMIN (ports) and SERVER_PID, and waits until ready
#   start_echo WIRE MODEL ARGS...  starts the http or grpc echo server (the transport floor: no model, no gateway)
#                               answering with a copy of the running Sluice's answer for MODEL (ARGS: e.g.
#                               --hand-off); sets ECHO_PORT
#   field RUN KEY               a value of $WORK/RUN/summary.json
#   write_models CLASS_FILE DIR runs a one-file Java program against sluice.jar (model generators)

[ -f gateway/target/sluice.jar ] || mvn -B -q package -DskipTests -pl gateway -am
[ -f benchmarks/target/sluice-bench.jar ] && [ -f benchmarks/target/sluice-jmh.jar ] || mvn -B -q package -DskipTests -pl benchmarks -am

WORK="$(mktemp -d)"
SERVER_PID=""
EXTRA_PIDS=""
cleanup() {
  for pid in $EXTRA_PIDS; do kill "$pid" 2>/dev/null || true; done
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_sluice() {
  local repository="$1"
  shift
  read -r HTTP GRPC ADMIN <<< "$(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')"
  java -jar "${SLUICE_JAR:-gateway/target/sluice.jar}" serve --model-repository "$repository" --host 127.0.0.1 \
    --http-port "$HTTP" --grpc-port "$GRPC" --admin-port "$ADMIN" "$@" > "$WORK/server-$HTTP.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$HTTP/v2/health/ready" > /dev/null && return 0
    sleep 0.5
  done
  echo "Sluice did not become ready; its log:" >&2
  cat "$WORK/server-$HTTP.log" >&2
  return 1
}

start_echo() {
  local wire="$1" model="$2" class file
  shift 2
  class=EchoHttpServer
  [ "$wire" = grpc ] && class=EchoGrpcServer
  file="$(mktemp -u "$WORK/echo-$wire-XXXXXX")"
  java -cp benchmarks/target/sluice-jmh.jar "io.sluice.benchmarks.baseline.$class" \
    --clone "$wire://127.0.0.1:$([ "$wire" = grpc ] && echo "$GRPC" || echo "$HTTP")" --model "$model" "$@" \
    > "$file.port" 2> "$file.log" &
  EXTRA_PIDS="$EXTRA_PIDS $!"
  for _ in $(seq 1 120); do
    ECHO_PORT="$(head -n 1 "$file.port")"
    [ -n "$ECHO_PORT" ] && return 0
    sleep 0.5
  done
  echo "the $wire echo server printed no port; its log:" >&2
  cat "$file.log" >&2
  return 1
}

field() {
  python3 -c "import json; print(json.load(open('$WORK/$1/summary.json'))['$2'])"
}

write_models() {
  java -cp gateway/target/sluice.jar "$1" "$2"
}
