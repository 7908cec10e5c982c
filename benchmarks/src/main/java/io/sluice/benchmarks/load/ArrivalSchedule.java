package io.sluice.benchmarks.load;

import java.util.SplittableRandom;

/**
 * When each open-loop request is due, as nanoseconds after the start. Not thread-safe: one driver thread
 * reads it.
 */
public interface ArrivalSchedule {

  /** The next request's offset from the start, never decreasing. */
  long nextOffsetNanos();

  /**
   * Evenly spaced arrivals; offsets are computed from the index so rounding never drifts.
   *
   * @param rate requests per second, &gt; 0
   */
  static ArrivalSchedule constant(double rate) {
    double interval = 1e9 / rate;
    return new ArrivalSchedule() {
      private long index;

      @Override
      public long nextOffsetNanos() {
        return Math.round(index++ * interval);
      }
    };
  }

  /**
   * A Poisson process: exponential inter-arrival times with mean {@code 1/rate}, reproducible from the seed.
   *
   * @param rate requests per second, &gt; 0
   */
  static ArrivalSchedule poisson(double rate, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double mean = 1e9 / rate;
    return new ArrivalSchedule() {
      private double offset;

      @Override
      public long nextOffsetNanos() {
        long current = Math.round(offset);
        offset += -Math.log(1.0 - random.nextDouble()) * mean;
        return current;
      }
    };
  }
}
