package io.sluice.runtime.exec;

import java.util.Arrays;

/**
 * How a version's dynamic batcher forms batches and treats its queue, as Triton's {@code dynamic_batching}.
 *
 * @param maxBatchSize the most samples (sum of the requests' batch dimensions) in one run
 * @param preferredBatchSizes batch sizes worth running at once without waiting for more (ascending)
 * @param maxQueueDelayNanos how long the oldest request may wait for a batch to grow
 * @param queueCapacity requests that may wait; beyond it requests fail at once with UNAVAILABLE
 * @param defaultTimeoutNanos how long a request may wait in the queue (0 = no limit)
 * @param rejectOnTimeout true (REJECT) fails requests that waited longer than their timeout; false (DELAY)
 *     lets them run late
 * @param allowTimeoutOverride whether a request's own timeout may replace the default one
 * @param instances concurrent executions of the version
 */
public record BatchingPolicy(int maxBatchSize, int[] preferredBatchSizes, long maxQueueDelayNanos,
    int queueCapacity, long defaultTimeoutNanos, boolean rejectOnTimeout, boolean allowTimeoutOverride,
    int instances) {

  public BatchingPolicy {
    if (maxBatchSize <= 0) {
      throw new IllegalArgumentException("maxBatchSize: " + maxBatchSize + " (expected: > 0)");
    }
    preferredBatchSizes = preferredBatchSizes.clone();
    Arrays.sort(preferredBatchSizes);
    for (int size : preferredBatchSizes) {
      if (size <= 0 || size > maxBatchSize) {
        throw new IllegalArgumentException("preferredBatchSize: " + size + " (expected: 1.." + maxBatchSize + ")");
      }
    }
    if (maxQueueDelayNanos < 0) {
      throw new IllegalArgumentException("maxQueueDelayNanos: " + maxQueueDelayNanos + " (expected: >= 0)");
    }
    if (queueCapacity <= 0) {
      throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: > 0)");
    }
    if (defaultTimeoutNanos < 0) {
      throw new IllegalArgumentException("defaultTimeoutNanos: " + defaultTimeoutNanos + " (expected: >= 0)");
    }
    if (instances <= 0) {
      throw new IllegalArgumentException("instances: " + instances + " (expected: > 0)");
    }
  }

  @Override
  public int[] preferredBatchSizes() {
    return preferredBatchSizes.clone();
  }

  /** Whether {@code size} samples are worth running without waiting for more. */
  boolean worthRunning(int size) {
    if (size >= maxBatchSize) {
      return true;
    }
    for (int preferred : preferredBatchSizes) {
      if (preferred == size) {
        return true;
      }
    }
    return false;
  }
}
