package io.sluice.gateway.drift;

import java.util.Arrays;

/**
 * The two-sample Kolmogorov–Smirnov test (two-sided): {@code D = sup |F1(t) - F2(t)|} over the empirical
 * distribution functions, and the probability under the null hypothesis (both samples from one continuous or
 * discrete distribution) of a {@code D} at least as large.
 *
 * <p>Ties are handled exactly: {@code D} is taken only at the distinct values of the pooled sample, and the
 * exact p-value is the permutation probability conditional on the pooled values (ties included), computed by
 * counting lattice paths that reach the observed {@code D} at a tie-block boundary. That is exact for any data
 * and costs {@code (n + m) * min(n, m)} steps, so it is used while that stays below {@link #EXACT_LIMIT};
 * beyond it the asymptotic Kolmogorov distribution with {@code λ = D sqrt(n m / (n + m))} is used (its error
 * shrinks with sample size, and with ties it is conservative).
 *
 * <p>Non-finite values (NaN, ±Infinity) are ignored; callers count them separately. Pure functions.
 */
final class KolmogorovSmirnov {
  /** The largest {@code (n + m) * min(n, m)} for which the exact p-value is computed. */
  static final long EXACT_LIMIT = 10_000_000L;

  private KolmogorovSmirnov() {}

  /**
   * @param statistic {@code D} in [0, 1]; NaN when either sample had no finite value
   * @param pValue {@code P(D >= statistic)} under the null hypothesis; NaN when the statistic is NaN
   * @param exact whether {@code pValue} is the exact permutation probability (else asymptotic)
   */
  record Result(double statistic, double pValue, boolean exact) {}

  /** Tests two samples in any order; the arrays are not modified. */
  static Result test(double[] first, double[] second) {
    double[] x = finiteSorted(first, first.length);
    double[] y = finiteSorted(second, second.length);
    return testSorted(x, x.length, y, y.length);
  }

  /**
   * Tests the first {@code n} values of {@code x} against the first {@code m} of {@code y}; both prefixes must
   * be sorted ascending and finite (see {@link #finiteSorted}).
   */
  static Result testSorted(double[] x, int n, double[] y, int m) {
    if (n == 0 || m == 0) {
      return new Result(Double.NaN, Double.NaN, false);
    }
    long scaled = scaledStatistic(x, n, y, m);
    double statistic = scaled / ((double) n * m);
    if ((long) (n + m) * Math.min(n, m) <= EXACT_LIMIT) {
      return new Result(statistic, exactPValue(x, n, y, m, scaled), true);
    }
    double effective = (double) n * m / ((double) n + m);
    return new Result(statistic, Distributions.kolmogorovSurvival(Math.sqrt(effective) * statistic), false);
  }

  /** A sorted copy of the finite values among the first {@code length} of {@code values}. */
  static double[] finiteSorted(double[] values, int length) {
    double[] finite = new double[length];
    int count = 0;
    for (int i = 0; i < length; i++) {
      double value = values[i];
      if (Double.isFinite(value)) {
        finite[count++] = value == 0 ? 0.0 : value; // -0.0 and 0.0 are one value
      }
    }
    finite = count == length ? finite : Arrays.copyOf(finite, count);
    Arrays.sort(finite);
    return finite;
  }

  /**
   * {@code D * n * m} as an integer: the largest {@code |i m - j n|} where {@code i} and {@code j} count the
   * values of each sample at or below a pooled value. Integers keep the comparison with permuted paths exact.
   */
  static long scaledStatistic(double[] x, int n, double[] y, int m) {
    long largest = 0;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      double value = Math.min(x[i], y[j]);
      while (i < n && x[i] == value) {
        i++;
      }
      while (j < m && y[j] == value) {
        j++;
      }
      largest = Math.max(largest, Math.abs((long) i * m - (long) j * n));
    }
    // once one sample is used up the difference only shrinks towards zero
    return largest;
  }

  /**
   * The exact {@code P(D * n * m >= scaled)} over all {@code C(n + m, n)} equally likely assignments of the
   * pooled values to the two samples. Walks the pooled order keeping, for each count {@code i} of first-sample
   * values so far, the probability of having come this far without reaching {@code scaled}; at every tie-block
   * boundary the mass at or beyond {@code scaled} is absorbed into the p-value. Summing absorbed mass (instead
   * of subtracting the survivors from 1) keeps small p-values accurate.
   */
  static double exactPValue(double[] x, int n, double[] y, int m, long scaled) {
    if (scaled <= 0) {
      return 1;
    }
    boolean[] boundary = tieBoundaries(x, n, y, m);
    int small = Math.min(n, m);
    int large = Math.max(n, m);
    int total = n + m;
    double[] mass = new double[small + 1];
    mass[0] = 1;
    double pValue = 0;
    for (int k = 0; k < total; k++) {
      int low = Math.max(0, k - large);
      int high = Math.min(k, small);
      double remaining = total - k;
      for (int i = high; i >= low; i--) {
        double here = mass[i];
        if (here == 0) {
          continue;
        }
        if (i < small) {
          mass[i + 1] += here * ((small - i) / remaining);
        }
        mass[i] = here * ((large - (k - i)) / remaining);
      }
      if (boundary[k + 1]) {
        int step = k + 1;
        for (int i = Math.max(0, step - large); i <= Math.min(step, small); i++) {
          if (mass[i] != 0 && Math.abs((long) i * large - (long) (step - i) * small) >= scaled) {
            pValue += mass[i];
            mass[i] = 0;
          }
        }
      }
    }
    return Math.min(1, pValue);
  }

  /** {@code boundary[k]} is true when the first {@code k} pooled values end a run of equal values. */
  private static boolean[] tieBoundaries(double[] x, int n, double[] y, int m) {
    boolean[] boundary = new boolean[n + m + 1];
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      double value = j >= m || (i < n && x[i] <= y[j]) ? x[i] : y[j];
      while (i < n && x[i] == value) {
        i++;
      }
      while (j < m && y[j] == value) {
        j++;
      }
      boundary[i + j] = true;
    }
    return boundary;
  }
}
