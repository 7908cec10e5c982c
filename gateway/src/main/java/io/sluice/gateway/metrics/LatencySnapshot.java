package io.sluice.gateway.metrics;

import org.HdrHistogram.Histogram;

/**
 * Percentiles of one latency histogram, in microseconds. Values are HdrHistogram's: each percentile is the
 * highest value equivalent to the recorded ones at that rank (within the histogram's precision, never below
 * the true value), {@code max} likewise.
 *
 * @param startMillis wall-clock start of the span covered (epoch milliseconds)
 * @param endMillis wall-clock end of the span covered (epoch milliseconds)
 * @param count requests recorded
 */
public record LatencySnapshot(
    long startMillis,
    long endMillis,
    long count,
    double p50Micros,
    double p90Micros,
    double p99Micros,
    double p999Micros,
    double maxMicros,
    double meanMicros) {

  /** The snapshot of {@code histogram} (values in nanoseconds) over {@code startMillis..endMillis}. */
  static LatencySnapshot of(Histogram histogram, long startMillis, long endMillis) {
    if (histogram.getTotalCount() == 0) {
      return new LatencySnapshot(startMillis, endMillis, 0, 0, 0, 0, 0, 0, 0);
    }
    return new LatencySnapshot(startMillis, endMillis, histogram.getTotalCount(),
        micros(histogram.getValueAtPercentile(50.0)),
        micros(histogram.getValueAtPercentile(90.0)),
        micros(histogram.getValueAtPercentile(99.0)),
        micros(histogram.getValueAtPercentile(99.9)),
        micros(histogram.getMaxValue()),
        histogram.getMean() / 1000.0);
  }

  private static double micros(long nanos) {
    return nanos / 1000.0;
  }
}
