package io.sluice.runtime.exec;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative per-version counters in the shape of Triton's statistics extension. Writers are request
 * threads (contention-free {@link LongAdder}s); readers take a consistent-enough snapshot for reporting.
 */
public final class VersionStatistics {
  /** A count and a total duration in nanoseconds. */
  public record Duration(long count, long nanos) {}

  /** A point-in-time copy of the counters. */
  public record Snapshot(
      long lastInferenceMillis,
      long inferenceCount,
      long executionCount,
      Duration success,
      Duration fail,
      Duration queue,
      Duration computeInput,
      Duration computeInfer,
      Duration computeOutput) {}

  private final LongAdder successCount = new LongAdder();
  private final LongAdder successNanos = new LongAdder();
  private final LongAdder failCount = new LongAdder();
  private final LongAdder failNanos = new LongAdder();
  private final LongAdder queueNanos = new LongAdder();
  private final LongAdder inputNanos = new LongAdder();
  private final LongAdder inferNanos = new LongAdder();
  private final LongAdder outputNanos = new LongAdder();
  private final LongAdder executions = new LongAdder();
  private final AtomicLong lastInferenceMillis = new AtomicLong();

  /** Records a request that ran; all durations in nanoseconds. */
  public void recordSuccess(long totalNanos, long queue, long input, long infer, long output, long nowMillis) {
    successCount.increment();
    successNanos.add(totalNanos);
    queueNanos.add(queue);
    inputNanos.add(input);
    inferNanos.add(infer);
    outputNanos.add(output);
    executions.increment();
    lastInferenceMillis.set(nowMillis);
  }

  /** Records a request that reached this version and failed. */
  public void recordFailure(long totalNanos) {
    failCount.increment();
    failNanos.add(totalNanos);
  }

  public Snapshot snapshot() {
    long successes = successCount.sum();
    return new Snapshot(
        lastInferenceMillis.get(),
        successes,
        executions.sum(),
        new Duration(successes, successNanos.sum()),
        new Duration(failCount.sum(), failNanos.sum()),
        new Duration(successes, queueNanos.sum()),
        new Duration(successes, inputNanos.sum()),
        new Duration(successes, inferNanos.sum()),
        new Duration(successes, outputNanos.sum()));
  }
}
