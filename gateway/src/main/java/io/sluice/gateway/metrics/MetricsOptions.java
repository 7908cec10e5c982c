package io.sluice.gateway.metrics;

import java.time.Duration;

/**
 * Settings of the metrics.
 *
 * @param latencyInterval how often the latency recorders are read into interval snapshots (and the
 *     cumulative histograms and the latency log advance); also how often new model versions get their meters
 *     when no request or scrape registered them first
 * @param historyIntervals how many interval snapshots the latency log ({@code /admin/v1/latency.hlog}) keeps;
 *     older ones are dropped. Each kept interval costs a few hundred bytes per active series.
 */
public record MetricsOptions(Duration latencyInterval, int historyIntervals) {
  /** Default interval: 10 seconds. */
  public static final Duration DEFAULT_LATENCY_INTERVAL = Duration.ofSeconds(10);
  /** Default history: 360 intervals (one hour at the default interval). */
  public static final int DEFAULT_HISTORY_INTERVALS = 360;
  private static final Duration MIN_INTERVAL = Duration.ofMillis(10);

  public MetricsOptions {
    if (latencyInterval == null || latencyInterval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException("latencyInterval: " + latencyInterval + " (expected: >= 10 ms)");
    }
    if (historyIntervals < 1 || historyIntervals > 100_000) {
      throw new IllegalArgumentException("historyIntervals: " + historyIntervals + " (expected: 1..100000)");
    }
  }

  /** A 10-second interval and one hour of history. */
  public static MetricsOptions defaults() {
    return new MetricsOptions(DEFAULT_LATENCY_INTERVAL, DEFAULT_HISTORY_INTERVALS);
  }

  /**
   * An interval of {@code seconds} and one hour of history (at least one interval).
   *
   * @throws IllegalArgumentException when {@code seconds} is not positive
   */
  public static MetricsOptions ofIntervalSeconds(int seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException("latencyIntervalSeconds: " + seconds + " (expected: > 0)");
    }
    return new MetricsOptions(Duration.ofSeconds(seconds), Math.max(1, 3600 / seconds));
  }
}
