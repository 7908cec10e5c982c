package io.sluice.gateway.drift;

/**
 * Distances between two binned distributions, reported as drift scores beside the tests, and the Bonferroni
 * correction across features. Inputs are counts per bin (or category) aligned by index. Pure functions.
 */
final class DistributionScores {
  /**
   * The proportion used in place of an empty bin by {@link #populationStabilityIndex}, so that
   * {@code ln(a / e)} stays finite; the same convention as Evidently and most PSI write-ups (0.0001).
   */
  static final double PSI_EMPTY_BIN = 1e-4;

  private DistributionScores() {}

  /**
   * The population stability index {@code Σ (a_i - e_i) ln(a_i / e_i)} of the {@code actual} proportions
   * against the {@code expected} ones, with empty bins counted as {@link #PSI_EMPTY_BIN}. 0 for identical
   * distributions; by rule of thumb below 0.1 is stable and above 0.25 a large shift. NaN when either side is
   * empty.
   */
  static double populationStabilityIndex(long[] expected, long[] actual) {
    double expectedTotal = total(expected);
    double actualTotal = total(actual);
    if (expectedTotal == 0 || actualTotal == 0 || expected.length != actual.length) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] == 0 && actual[i] == 0) {
        continue;
      }
      double e = Math.max(expected[i] / expectedTotal, PSI_EMPTY_BIN);
      double a = Math.max(actual[i] / actualTotal, PSI_EMPTY_BIN);
      sum += (a - e) * Math.log(a / e);
    }
    return sum;
  }

  /**
   * The Jensen–Shannon distance with base-2 logarithms: the square root of
   * {@code ½ KL(P ‖ M) + ½ KL(Q ‖ M)}, {@code M = (P + Q) / 2}, in [0, 1] (0 for identical distributions,
   * 1 for disjoint ones). Empty bins need no epsilon ({@code 0 log 0 = 0}). NaN when either side is empty.
   */
  static double jensenShannonDistance(long[] first, long[] second) {
    double firstTotal = total(first);
    double secondTotal = total(second);
    if (firstTotal == 0 || secondTotal == 0 || first.length != second.length) {
      return Double.NaN;
    }
    double divergence = 0;
    for (int i = 0; i < first.length; i++) {
      double p = first[i] / firstTotal;
      double q = second[i] / secondTotal;
      double m = (p + q) / 2;
      if (p > 0) {
        divergence += p * Math.log(p / m);
      }
      if (q > 0) {
        divergence += q * Math.log(q / m);
      }
    }
    divergence = divergence / 2 / Math.log(2);
    return Math.sqrt(Math.min(1, Math.max(0, divergence)));
  }

  /**
   * Bonferroni-adjusted p-values: {@code min(1, p * m)} where m counts the p-values that are not NaN (tests
   * that ran). NaN entries stay NaN. A feature drifts when its adjusted p-value is below the level, which
   * keeps the chance of any false alarm across all features at or below that level.
   */
  static double[] bonferroni(double[] pValues) {
    int tests = 0;
    for (double p : pValues) {
      if (!Double.isNaN(p)) {
        tests++;
      }
    }
    double[] adjusted = new double[pValues.length];
    for (int i = 0; i < pValues.length; i++) {
      adjusted[i] = Double.isNaN(pValues[i]) ? Double.NaN : Math.min(1, pValues[i] * tests);
    }
    return adjusted;
  }

  private static double total(long[] counts) {
    double sum = 0;
    for (long count : counts) {
      sum += count;
    }
    return sum;
  }
}
