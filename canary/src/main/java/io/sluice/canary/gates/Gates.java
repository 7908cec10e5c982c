package io.sluice.canary.gates;

/**
 * Thresholds of the rollout gates. A canary passes when, over the evaluation window:
 * <ul>
 *   <li>its error rate is at most {@code maxErrorRate} (absolute cap) <em>and</em> at most the stable
 *       version's error rate plus {@code errorRateMargin} (the margin check is skipped while the stable
 *       version has fewer than {@code minWindowRequests} requests in the window);
 *   <li>its p99 latency is at most {@code maxLatencyRatio} times the stable version's (skipped while either
 *       has fewer than {@code minWindowRequests} requests);
 *   <li>its mean output difference from the primary on shadowed/compared requests is at most
 *       {@code maxOutputDiff} (skipped without comparisons);
 *   <li>its drift score is at most {@code maxDriftScore} (skipped without a score).
 * </ul>
 * The error-rate and latency gates wait for {@code minWindowRequests} canary requests in the window, so a
 * single early failure does not roll a canary back; a step cannot advance while they wait.
 *
 * @param maxErrorRate absolute cap on the canary's error rate, {@code 0..1} (default 0.01; 1 disables it)
 * @param errorRateMargin allowed excess over the stable error rate, {@code 0..1} (default 0.01)
 * @param maxLatencyRatio cap on canary p99 / stable p99, {@code > 0} (default 1.5)
 * @param maxOutputDiff cap on the mean absolute output difference, {@code >= 0} (default 0.1)
 * @param maxDriftScore cap on the drift score, {@code >= 0} (default 0.2)
 * @param minWindowRequests canary requests in the window before the error and latency gates judge,
 *     {@code >= 1} (default 20)
 */
public record Gates(double maxErrorRate, double errorRateMargin, double maxLatencyRatio, double maxOutputDiff,
    double maxDriftScore, long minWindowRequests) {

  public static final double DEFAULT_MAX_ERROR_RATE = 0.01;
  public static final double DEFAULT_ERROR_RATE_MARGIN = 0.01;
  public static final double DEFAULT_MAX_LATENCY_RATIO = 1.5;
  public static final double DEFAULT_MAX_OUTPUT_DIFF = 0.1;
  public static final double DEFAULT_MAX_DRIFT_SCORE = 0.2;
  public static final long DEFAULT_MIN_WINDOW_REQUESTS = 20;

  /** The defaults listed above. */
  public static final Gates DEFAULTS = new Gates(DEFAULT_MAX_ERROR_RATE, DEFAULT_ERROR_RATE_MARGIN,
      DEFAULT_MAX_LATENCY_RATIO, DEFAULT_MAX_OUTPUT_DIFF, DEFAULT_MAX_DRIFT_SCORE, DEFAULT_MIN_WINDOW_REQUESTS);

  public Gates {
    if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
      throw new IllegalArgumentException("maxErrorRate: " + maxErrorRate + " (expected: 0..1)");
    }
    if (!(errorRateMargin >= 0 && errorRateMargin <= 1)) {
      throw new IllegalArgumentException("errorRateMargin: " + errorRateMargin + " (expected: 0..1)");
    }
    if (!(maxLatencyRatio > 0) || Double.isInfinite(maxLatencyRatio)) {
      throw new IllegalArgumentException("maxLatencyRatio: " + maxLatencyRatio + " (expected: > 0)");
    }
    if (!(maxOutputDiff >= 0) || Double.isInfinite(maxOutputDiff)) {
      throw new IllegalArgumentException("maxOutputDiff: " + maxOutputDiff + " (expected: >= 0)");
    }
    if (!(maxDriftScore >= 0) || Double.isInfinite(maxDriftScore)) {
      throw new IllegalArgumentException("maxDriftScore: " + maxDriftScore + " (expected: >= 0)");
    }
    if (minWindowRequests < 1) {
      throw new IllegalArgumentException("minWindowRequests: " + minWindowRequests + " (expected: >= 1)");
    }
  }
}
