package io.sluice.canary.gates;

/**
 * One version's measurements over one window.
 *
 * @param requests requests the version answered or failed in the window (primary and shadowed), {@code >= 0}
 * @param errors requests that failed because of the version (INTERNAL, or a deadline missed while it ran);
 *     client errors such as INVALID_ARGUMENT and NOT_FOUND should not count; {@code 0..requests}
 * @param p99LatencyMicros 99th percentile latency in microseconds, {@link Double#NaN} without requests
 * @param meanOutputDiff mean absolute difference between this version's outputs and the primary's outputs
 *     on the requests it shadowed (or was compared on), {@link Double#NaN} without comparisons; a
 *     non-finite output (NaN or infinite) should be recorded as {@link Double#POSITIVE_INFINITY} so the gate
 *     fails on it
 */
public record VersionWindow(long requests, long errors, double p99LatencyMicros, double meanOutputDiff) {

  /** No measurements. */
  public static final VersionWindow EMPTY = new VersionWindow(0, 0, Double.NaN, Double.NaN);

  public VersionWindow {
    if (requests < 0) {
      throw new IllegalArgumentException("requests: " + requests + " (expected: >= 0)");
    }
    if (errors < 0 || errors > requests) {
      throw new IllegalArgumentException("errors: " + errors + " (expected: 0.." + requests + ")");
    }
    if (p99LatencyMicros < 0) {
      throw new IllegalArgumentException("p99LatencyMicros: " + p99LatencyMicros + " (expected: >= 0 or NaN)");
    }
    if (meanOutputDiff < 0) {
      throw new IllegalArgumentException("meanOutputDiff: " + meanOutputDiff + " (expected: >= 0 or NaN)");
    }
  }

  /** Measurements without output comparisons. */
  public static VersionWindow of(long requests, long errors, double p99LatencyMicros) {
    return new VersionWindow(requests, errors, p99LatencyMicros, Double.NaN);
  }

  /** {@code errors / requests}, or NaN without requests. */
  public double errorRate() {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }
}
