package io.sluice.runtime.session;

/**
 * Server-wide defaults for loading versions; a model's {@code config.pbtxt} overrides them per model.
 *
 * @param queueCapacity requests that may wait per version before new ones are rejected
 * @param defaultConcurrency concurrent runs per version when the config has no {@code instance_group}
 * @param intraOpThreads ONNX Runtime intra-op threads per session when the config does not say; 0 lets
 *     ONNX Runtime decide
 * @param device {@code cpu} or {@code cuda:N}: where versions without an explicit instance kind are placed
 */
public record RuntimeOptions(int queueCapacity, int defaultConcurrency, int intraOpThreads, String device) {
  public RuntimeOptions {
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
    }
    if (defaultConcurrency <= 0) {
      throw new IllegalArgumentException("defaultConcurrency: " + defaultConcurrency + " (expected: > 0)");
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads: " + intraOpThreads + " (expected: >= 0)");
    }
    if (device == null || !(device.equals("cpu") || device.startsWith("cuda:"))) {
      throw new IllegalArgumentException("device: " + device + " (expected: cpu or cuda:N)");
    }
  }

  /** Defaults: 128 queued per version, one concurrent run per core, one intra-op thread each, on CPU. */
  public static RuntimeOptions defaults() {
    return new RuntimeOptions(128, Math.max(1, Runtime.getRuntime().availableProcessors()), 1, "cpu");
  }
}
