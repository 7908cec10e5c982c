package io.sluice.gateway.drift;

import static org.awaitility.Awaitility.await;

import io.sluice.runtime.exec.InferenceRequest;
import io.sluice.runtime.exec.InferenceResponse;
import io.sluice.runtime.session.ModelSignature;
import io.sluice.runtime.session.TensorSpec;
import io.sluice.runtime.tensor.DataType;
import io.sluice.runtime.tensor.Tensor;
import io.sluice.runtime.tensor.Tensors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic traffic for the drift service tests: model {@code m} with one FP32 input {@code x} of four columns
 * (batched), requests of {@value #ROWS} rows offered as the dispatcher does, and waits for the worker.
 */
final class DriftTraffic {
  static final ModelSignature SIGNATURE = new ModelSignature(
      List.of(new TensorSpec("x", DataType.FP32, new long[] {-1, 4})),
      List.of(new TensorSpec("y", DataType.FP32, new long[] {-1, 1})), 8);
  static final int ROWS = 2;

  private DriftTraffic() {}

  /** Options for tests: a queue that never drops, ticks every 10 ms. */
  static DriftServiceOptions.Builder options() {
    return DriftServiceOptions.builder().queueCapacity(10_000).tickInterval(Duration.ofMillis(10));
  }

  /**
   * Four features: x[0] normal, x[1] uniform on [0, 1) (shifted: on [0.3, 1.3)), x[2] categorical 0..3 with
   * weights 4:3:2:1 (shifted: 1:2:3:4), x[3] exponential.
   */
  static float[] row(Random random, boolean shifted) {
    double u = random.nextDouble();
    int category = shifted ? (u < 0.1 ? 0 : u < 0.3 ? 1 : u < 0.6 ? 2 : 3)
        : (u < 0.4 ? 0 : u < 0.7 ? 1 : u < 0.9 ? 2 : 3);
    return new float[] {(float) random.nextGaussian(), (float) (random.nextDouble() + (shifted ? 0.3 : 0)),
        category, (float) -Math.log(1 - random.nextDouble())};
  }

  static Tensor batch(Random random, boolean shifted) {
    float[] values = new float[ROWS * 4];
    for (int r = 0; r < ROWS; r++) {
      System.arraycopy(row(random, shifted), 0, values, r * 4, 4);
    }
    return Tensors.ofFloats("x", new long[] {ROWS, 4}, values);
  }

  static InferenceRequest request(String id, Tensor input) {
    return new InferenceRequest("m", "", id, List.of(input), List.of(), 0);
  }

  static InferenceResponse response(String id) {
    return new InferenceResponse("m", "1", id, List.of(Tensors.ofFloats("y", new long[] {1, 1}, 0.5f)));
  }

  static void offer(DriftService service, String version, Random random, boolean shifted, int count,
      String idPrefix) {
    for (int i = 0; i < count; i++) {
      String id = idPrefix + i;
      service.offer("m", version, request(id, batch(random, shifted)), response(id));
    }
  }

  static DriftReport awaitWindows(DriftService service, String version, long windows) {
    await().atMost(Duration.ofSeconds(20)).until(() -> service.report("m", version)
        .map(DriftReport::windowsTested).orElse(0L) >= windows);
    return service.report("m", version).orElseThrow();
  }

  static List<Integer> drifted(DriftReport report) {
    List<Integer> indexes = new ArrayList<>();
    for (FeatureDrift feature : report.features()) {
      if (feature.drifted()) {
        indexes.add(feature.index());
      }
    }
    return indexes;
  }
}
