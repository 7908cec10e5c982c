package io.sluice.canary.gates;

import java.util.List;
import java.util.Locale;

/**
 * Runs every {@link Gate} over one pair of windows (canary and stable, same window). Pure: no state, no
 * clock, no I/O; the same inputs give the same results.
 */
public final class GateEvaluator {
  // floating-point slack so that, e.g., 0.02 <= 0.01 + 0.01 holds however the sum rounds
  private static final double EPSILON = 1e-12;

  private GateEvaluator() {}

  /**
   * One result per gate, in {@link Gate} order.
   *
   * @param gates the thresholds
   * @param canary the canary's window
   * @param stable the stable version's window over the same period
   * @param driftScore the canary's drift score, NaN when unknown
   */
  public static List<GateResult> evaluate(Gates gates, VersionWindow canary, VersionWindow stable,
      double driftScore) {
    return List.of(
        errorRate(gates, canary),
        errorRateMargin(gates, canary, stable),
        latencyRatio(gates, canary, stable),
        outputDiff(gates, canary),
        driftScore(gates, driftScore));
  }

  /** Whether any result failed. */
  public static boolean anyFailed(List<GateResult> results) {
    for (GateResult result : results) {
      if (result.failed()) {
        return true;
      }
    }
    return false;
  }

  private static GateResult errorRate(Gates gates, VersionWindow canary) {
    double limit = gates.maxErrorRate();
    if (canary.requests() < gates.minWindowRequests()) {
      return waiting(Gate.ERROR_RATE, canary.errorRate(), Double.NaN, limit, gates, canary);
    }
    double rate = canary.errorRate();
    boolean pass = rate <= limit + EPSILON;
    return new GateResult(Gate.ERROR_RATE, pass ? GateResult.Verdict.PASS : GateResult.Verdict.FAIL, rate,
        Double.NaN, limit, "canary error rate " + rate(rate) + " (" + canary.errors() + " of " + canary.requests()
            + ")" + (pass ? " <= " : " > ") + "max " + rate(limit));
  }

  private static GateResult errorRateMargin(Gates gates, VersionWindow canary, VersionWindow stable) {
    double rate = canary.errorRate();
    if (canary.requests() < gates.minWindowRequests()) {
      return waiting(Gate.ERROR_RATE_MARGIN, rate, stable.errorRate(), Double.NaN, gates, canary);
    }
    if (stable.requests() < gates.minWindowRequests()) {
      return new GateResult(Gate.ERROR_RATE_MARGIN, GateResult.Verdict.SKIPPED, rate, stable.errorRate(),
          Double.NaN, "stable has " + stable.requests() + " requests in the window (need "
              + gates.minWindowRequests() + " to compare)");
    }
    double baseline = stable.errorRate();
    double limit = baseline + gates.errorRateMargin();
    boolean pass = rate <= limit + EPSILON;
    return new GateResult(Gate.ERROR_RATE_MARGIN, pass ? GateResult.Verdict.PASS : GateResult.Verdict.FAIL, rate,
        baseline, limit, "canary error rate " + rate(rate) + (pass ? " <= " : " > ") + "stable " + rate(baseline)
            + " (" + stable.errors() + " of " + stable.requests() + ") + margin " + rate(gates.errorRateMargin()));
  }

  private static GateResult latencyRatio(Gates gates, VersionWindow canary, VersionWindow stable) {
    double limit = gates.maxLatencyRatio();
    double canaryP99 = canary.p99LatencyMicros();
    double stableP99 = stable.p99LatencyMicros();
    if (canary.requests() < gates.minWindowRequests()) {
      return waiting(Gate.LATENCY_RATIO, Double.NaN, stableP99, limit, gates, canary);
    }
    if (stable.requests() < gates.minWindowRequests() || Double.isNaN(canaryP99) || !(stableP99 > 0)) {
      return new GateResult(Gate.LATENCY_RATIO, GateResult.Verdict.SKIPPED, Double.NaN, stableP99, limit,
          "no p99 latency to compare (canary " + canary.requests() + ", stable " + stable.requests()
              + " requests in the window; need " + gates.minWindowRequests() + " each)");
    }
    double ratio = canaryP99 / stableP99;
    boolean pass = ratio <= limit + EPSILON;
    return new GateResult(Gate.LATENCY_RATIO, pass ? GateResult.Verdict.PASS : GateResult.Verdict.FAIL, ratio,
        stableP99, limit, "canary p99 " + micros(canaryP99) + " / stable p99 " + micros(stableP99) + " = "
            + ratio(ratio) + (pass ? " <= " : " > ") + "max " + ratio(limit));
  }

  private static GateResult outputDiff(Gates gates, VersionWindow canary) {
    double limit = gates.maxOutputDiff();
    double diff = canary.meanOutputDiff();
    if (Double.isNaN(diff)) {
      return new GateResult(Gate.OUTPUT_DIFF, GateResult.Verdict.SKIPPED, diff, Double.NaN, limit,
          "no shadowed or compared requests in the window");
    }
    boolean pass = diff <= limit + EPSILON;
    return new GateResult(Gate.OUTPUT_DIFF, pass ? GateResult.Verdict.PASS : GateResult.Verdict.FAIL, diff,
        Double.NaN, limit, "mean output difference " + ratio(diff) + (pass ? " <= " : " > ") + "max "
            + ratio(limit));
  }

  private static GateResult driftScore(Gates gates, double score) {
    double limit = gates.maxDriftScore();
    if (Double.isNaN(score)) {
      return new GateResult(Gate.DRIFT_SCORE, GateResult.Verdict.SKIPPED, score, Double.NaN, limit,
          "no drift score");
    }
    boolean pass = score <= limit + EPSILON;
    return new GateResult(Gate.DRIFT_SCORE, pass ? GateResult.Verdict.PASS : GateResult.Verdict.FAIL, score,
        Double.NaN, limit, "drift score " + ratio(score) + (pass ? " <= " : " > ") + "max " + ratio(limit));
  }

  private static GateResult waiting(Gate gate, double value, double baseline, double limit, Gates gates,
      VersionWindow canary) {
    return new GateResult(gate, GateResult.Verdict.SKIPPED, value, baseline, limit, "canary has "
        + canary.requests() + " requests in the window (need " + gates.minWindowRequests() + " to judge)");
  }

  private static String rate(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String micros(double value) {
    return String.format(Locale.ROOT, "%.0f us", value);
  }
}
