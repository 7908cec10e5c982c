package io.sluice.benchmarks.load.client;

/**
 * Cumulative counters of a model's statistics endpoint (Triton's {@code inference_stats}), summed over the
 * versions the server returned. Durations are nanoseconds, as on the wire.
 *
 * @param success successful inferences and their total end-to-end server time
 * @param fail failed inferences
 * @param queue time spent queued
 * @param computeInput time preparing inputs
 * @param computeInfer time running the model
 * @param computeOutput time preparing outputs
 * @param executionCount model executions (differs from {@code success.count} when batching)
 */
public record ServerStatistics(Duration success, Duration fail, Duration queue, Duration computeInput,
    Duration computeInfer, Duration computeOutput, long executionCount) {

  /**
   * A Triton {@code StatisticDuration}.
   *
   * @param count how many
   * @param nanos total nanoseconds
   */
  public record Duration(long count, long nanos) {

    /** This minus an earlier reading. */
    public Duration minus(Duration earlier) {
      return new Duration(count - earlier.count, nanos - earlier.nanos);
    }

    /** Adds another reading (another version's). */
    public Duration plus(Duration other) {
      return new Duration(count + other.count, nanos + other.nanos);
    }

    /** Mean microseconds per count, or 0 when the count is 0. */
    public double meanMicros() {
      return count == 0 ? 0 : nanos / 1000.0 / count;
    }
  }

  /** All zero. */
  public static final ServerStatistics ZERO = new ServerStatistics(new Duration(0, 0), new Duration(0, 0),
      new Duration(0, 0), new Duration(0, 0), new Duration(0, 0), new Duration(0, 0), 0);

  /** This minus an earlier reading: the activity between the two. */
  public ServerStatistics minus(ServerStatistics earlier) {
    return new ServerStatistics(success.minus(earlier.success), fail.minus(earlier.fail), queue.minus(earlier.queue),
        computeInput.minus(earlier.computeInput), computeInfer.minus(earlier.computeInfer),
        computeOutput.minus(earlier.computeOutput), executionCount - earlier.executionCount);
  }

  /** Sums two readings (two versions of one model). */
  public ServerStatistics plus(ServerStatistics other) {
    return new ServerStatistics(success.plus(other.success), fail.plus(other.fail), queue.plus(other.queue),
        computeInput.plus(other.computeInput), computeInfer.plus(other.computeInfer),
        computeOutput.plus(other.computeOutput), executionCount + other.executionCount);
  }
}
