package io.sluice.runtime.exec;

import java.util.Arrays;

/**
 * How a version's dynamic batcher forms batches and treats its queue, as Triton's {@code dynamic_batching}.
 *
 * @param maxBatchSize the most samples (sum of the requests' batch dimensions) in one run
 * @param preferredBatchSizes batch sizes worth running at once without waiting for more (ascending): a batch
 *     whose leading requests reach one runs at that size, and no batch waits to grow past the largest
 * @param maxQueueDelayNanos the longest the oldest request may wait for a batch to grow (it waits less, or not
 *     at all, when more requests are unlikely to arrive in time)
 * @param queueCapacity requests that may wait; beyond it requests fail at once with UNAVAILABLE
 * @param defaultTimeoutNanos how long a request may wait in the queue (0 = no limit)
 * @param rejectOnTimeout true (REJECT) fails requests that waited longer than their timeout; false (DELAY)
 *     lets them run late
 * @param allowTimeoutOverride whether a request's own {@code timeout} parameter (when not 0) replaces the
 *     default timeout
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

  /** Whether {@code rows} samples are one of the preferred batch sizes. */
  boolean isPreferred(long rows) {
    for (int preferred : preferredBatchSizes) {
      if (preferred == rows) {
        return true;
      }
    }
    return false;
  }

  /** Whether the config names preferred batch sizes. */
  boolean hasPreferredBatchSizes() {
    return preferredBatchSizes.length > 0;
  }

  /**
   * The largest preferred batch size, or {@code maxBatchSize} without preferred sizes: a batch this large runs
   * without waiting for more.
   */
  long largestPreferredBatchSize() {
    return preferredBatchSizes.length == 0 ? maxBatchSize : preferredBatchSizes[preferredBatchSizes.length - 1];
  }
}
