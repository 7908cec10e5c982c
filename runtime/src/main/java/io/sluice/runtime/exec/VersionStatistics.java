package io.sluice.runtime.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Cumulative per-version counters in the shape of Triton's statistics extension. Per request: success and
 * failure counts and durations, and the queue and compute phases each request saw. Per execution (one
 * {@code session.run}, which may serve a batch of requests): the execution count, the number of samples
 * (inference count) and the compute phases per batch size. Writers are request and worker threads
 * (contention-free {@link LongAdder}s); readers take a consistent-enough snapshot for reporting.
 */
public final class VersionStatistics {
  /** A count and a total duration in nanoseconds. */
  public record Duration(long count, long nanos) {}

  /** Compute phases of the executions that ran {@code batchSize} samples. */
  public record BatchDurations(int batchSize, Duration computeInput, Duration computeInfer,
      Duration computeOutput) {}

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
      Duration computeOutput,
      List<BatchDurations> batches) {}

  private static final class BatchCounters {
    final LongAdder count = new LongAdder();
    final LongAdder inputNanos = new LongAdder();
    final LongAdder inferNanos = new LongAdder();
    final LongAdder outputNanos = new LongAdder();
  }

  private final LongAdder successCount = new LongAdder();
  private final LongAdder successNanos = new LongAdder();
  private final LongAdder failCount = new LongAdder();
  private final LongAdder failNanos = new LongAdder();
  private final LongAdder queueNanos = new LongAdder();
  private final LongAdder inputNanos = new LongAdder();
  private final LongAdder inferNanos = new LongAdder();
  private final LongAdder outputNanos = new LongAdder();
  private final LongAdder executions = new LongAdder();
  private final LongAdder samples = new LongAdder();
  private final AtomicLong lastInferenceMillis = new AtomicLong();
  private final Map<Integer, BatchCounters> batches = new ConcurrentHashMap<>();

  /**
   * Records a request that was answered; durations in nanoseconds (the compute phases are those of the
   * execution that served it).
   */
  public void recordSuccess(long totalNanos, long queue, long input, long infer, long output, long nowMillis) {
    successCount.increment();
    successNanos.add(totalNanos);
    queueNanos.add(queue);
    inputNanos.add(input);
    inferNanos.add(infer);
    outputNanos.add(output);
    lastInferenceMillis.set(nowMillis);
  }

  /** Records one execution of {@code batchSize} samples and its compute phases in nanoseconds. */
  public void recordExecution(int batchSize, long input, long infer, long output) {
    executions.increment();
    samples.add(batchSize);
    BatchCounters counters = batches.get(batchSize);
    if (counters == null) {
      counters = batches.computeIfAbsent(batchSize, size -> new BatchCounters());
    }
    counters.count.increment();
    counters.inputNanos.add(input);
    counters.inferNanos.add(infer);
    counters.outputNanos.add(output);
  }

  /** Records a request that reached this version and failed. */
  public void recordFailure(long totalNanos) {
    failCount.increment();
    failNanos.add(totalNanos);
  }

  public Snapshot snapshot() {
    long successes = successCount.sum();
    List<BatchDurations> batchDurations = new ArrayList<>();
    for (Map.Entry<Integer, BatchCounters> entry : new TreeMap<>(batches).entrySet()) {
      BatchCounters counters = entry.getValue();
      long count = counters.count.sum();
      batchDurations.add(new BatchDurations(entry.getKey(), new Duration(count, counters.inputNanos.sum()),
          new Duration(count, counters.inferNanos.sum()), new Duration(count, counters.outputNanos.sum())));
    }
    return new Snapshot(
        lastInferenceMillis.get(),
        samples.sum(),
        executions.sum(),
        new Duration(successes, successNanos.sum()),
        new Duration(failCount.sum(), failNanos.sum()),
        new Duration(successes, queueNanos.sum()),
        new Duration(successes, inputNanos.sum()),
        new Duration(successes, inferNanos.sum()),
        new Duration(successes, outputNanos.sum()),
        List.copyOf(batchDurations));
  }
}
