package io.sluice.gateway.drift;

/**
 * Pearson's chi-squared test of homogeneity for two samples of a categorical feature: a 2 × K contingency table
 * of category counts, {@code X² = Σ (O - E)² / E} with {@code E = row total × column total / N}, on
 * {@code K - 1} degrees of freedom, where K counts the categories seen in either sample. The p-value is the
 * chi-squared upper tail {@code Q((K - 1) / 2, X² / 2)}. Pure functions.
 */
final class ChiSquared {
  private ChiSquared() {}

  /**
   * @param statistic {@code X²}; NaN when either sample is empty
   * @param degreesOfFreedom {@code K - 1}; 0 when fewer than two categories were seen (then the statistic is 0
   *     and the p-value 1: both samples sit in the same single category)
   * @param pValue {@code P(X² >= statistic)} under the null hypothesis
   */
  record Result(double statistic, int degreesOfFreedom, double pValue) {}

  /**
   * Tests counts per category, aligned by index ({@code first[k]} and {@code second[k]} count category k).
   * Categories empty in both samples are left out. Negative counts are rejected.
   */
  static Result homogeneity(long[] first, long[] second) {
    if (first.length != second.length) {
      throw new IllegalArgumentException("category counts: " + first.length + " and " + second.length
          + " categories (expected: equal)");
    }
    long firstTotal = 0;
    long secondTotal = 0;
    int categories = 0;
    for (int k = 0; k < first.length; k++) {
      if (first[k] < 0 || second[k] < 0) {
        throw new IllegalArgumentException("category " + k + ": negative count");
      }
      firstTotal += first[k];
      secondTotal += second[k];
      if (first[k] + second[k] > 0) {
        categories++;
      }
    }
    if (firstTotal == 0 || secondTotal == 0) {
      return new Result(Double.NaN, 0, Double.NaN);
    }
    if (categories < 2) {
      return new Result(0, 0, 1);
    }
    double total = (double) firstTotal + secondTotal;
    double firstShare = firstTotal / total;
    double secondShare = secondTotal / total;
    double statistic = 0;
    for (int k = 0; k < first.length; k++) {
      double column = (double) first[k] + second[k];
      if (column == 0) {
        continue;
      }
      double expectedFirst = column * firstShare;
      double expectedSecond = column * secondShare;
      double deltaFirst = first[k] - expectedFirst;
      double deltaSecond = second[k] - expectedSecond;
      statistic += deltaFirst * deltaFirst / expectedFirst + deltaSecond * deltaSecond / expectedSecond;
    }
    int degreesOfFreedom = categories - 1;
    return new Result(statistic, degreesOfFreedom,
        Distributions.chiSquaredSurvival(statistic, degreesOfFreedom));
  }
}
