#!/usr/bin/env bash
# Cost of input sampling and drift detection: the sample classifier served twice by one Sluice, once plain
# and once with every request sampled (sluice.sample_rate 1) into drift detection (baseline captured from the
# first 1000 samples, then a KS/chi-squared test every 500), driven alternately by the same closed loop.
# Usage: benchmarks/run-drift-cost.sh [SECONDS] [CLIENTS]     (defaults: 10 s per run, 16 clients)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
CLIENTS="${2:-16}"

source benchmarks/lib/serve.sh

cat > "$WORK/WriteModels.java" <<'JAVA'
import com.google.protobuf.TextFormat;
import io.sluice.proto.config.ModelConfig;
import io.sluice.proto.config.ModelParameter;
import io.sluice.runtime.onnx.SampleRepository;
import java.nio.file.*;
public class WriteModels {
  public static void main(String[] a) throws Exception {
    Path root = Path.of(a[0]);
    ModelConfig base = SampleRepository.classifierConfig().toBuilder().clearVersionPolicy().build();
    write(root, "plain", base.toBuilder().setName("plain").build());
    write(root, "sampled", base.toBuilder().setName("sampled")
        .putParameters("sluice.sample_rate", ModelParameter.newBuilder().setStringValue("1").build())
        .putParameters("sluice.drift.baseline_samples", ModelParameter.newBuilder().setStringValue("1000").build())
        .putParameters("sluice.drift.window", ModelParameter.newBuilder().setStringValue("500").build())
        .build());
  }
  static void write(Path root, String name, ModelConfig config) throws Exception {
    Files.createDirectories(root.resolve(name).resolve("1"));
    Files.write(root.resolve(name).resolve("1").resolve("model.onnx"), SampleRepository.classifierModel(1));
    Files.writeString(root.resolve(name).resolve("config.pbtxt"), TextFormat.printer().printToString(config));
  }
}
JAVA
write_models "$WORK/WriteModels.java" "$WORK/repo"
start_sluice "$WORK/repo"

# Round 0 warms the server up (discarded); then alternate plain/sampled twice so drift in machine load
# affects both equally.
for round in 0 1 2; do
  for model in plain sampled; do
    java -jar benchmarks/target/sluice-bench.jar --target "grpc://127.0.0.1:$GRPC" --model "$model" \
      --concurrency "$CLIENTS" --duration "${SECONDS_PER_RUN}s" --warmup 2s --grpc-channels 4 \
      --output "$WORK/${model}_$round" --quiet > /dev/null || true
  done
done
printf '| model | round | throughput (req/s) | p50 (µs) | p99 (µs) | errors |\n| --- | --- | --- | --- | --- | --- |\n'
for round in 1 2; do
  for model in plain sampled; do
    printf '| %s | %s | %.0f | %s | %s | %s |\n' "$model" "$round" "$(field "${model}_$round" throughput)" \
      "$(field "${model}_$round" p50)" "$(field "${model}_$round" p99)" "$(field "${model}_$round" errors)"
  done
done
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
def s(m, r, k): return json.load(open(f"{w}/{m}_{r}/summary.json"))[k]
plain = sum(s("plain", r, "throughput") for r in (1, 2)); sampled = sum(s("sampled", r, "throughput") for r in (1, 2))
p99p = sum(s("plain", r, "p99") for r in (1, 2)); p99s = sum(s("sampled", r, "p99") for r in (1, 2))
print(f"\nthroughput sampled/plain: {sampled / plain:.3f}; p99 sampled/plain: {p99s / p99p:.3f}")
PY
curl -s "http://127.0.0.1:$ADMIN/admin/v1/models/sampled/drift" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("drift windows tested:", r.get("windowsTested"), "state:", r.get("state"))' || true
curl -s "http://127.0.0.1:$ADMIN/metrics" | grep '^sluice_drift_samples_total' || true
