package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class KolmogorovSmirnovTest {
  @Test
  void separatedSamplesTextbook() {
    // all of x below all of y: D = 1, and only the two fully separated splits reach it: p = 2 / C(10, 5)
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(new double[] {1, 2, 3, 4, 5},
        new double[] {6, 7, 8, 9, 10});
    assertThat(result.statistic()).isEqualTo(1);
    assertThat(result.pValue()).isCloseTo(2.0 / 252, withinPercentage(1e-10));
    assertThat(result.exact()).isTrue();
  }

  @Test
  void exactPValuesMatchBruteForceEnumerationWithoutTies() {
    Random random = new Random(7);
    for (int trial = 0; trial < 12; trial++) {
      int n = 1 + random.nextInt(8);
      int m = 1 + random.nextInt(8);
      double[] x = gaussians(random, n, 0);
      double[] y = gaussians(random, m, 0.7);
      assertMatchesEnumeration(x, y);
    }
  }

  @Test
  void exactPValuesMatchBruteForceEnumerationWithTies() {
    Random random = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + random.nextInt(8);
      int m = 1 + random.nextInt(8);
      double[] x = new double[n];
      double[] y = new double[m];
      for (int i = 0; i < n; i++) {
        x[i] = random.nextInt(4);
      }
      for (int i = 0; i < m; i++) {
        y[i] = random.nextInt(4) + (trial % 2);
      }
      assertMatchesEnumeration(x, y);
    }
  }

  @Test
  void tiesAcrossSamplesAreOneValue() {
    // F_x and F_y are compared only after the whole tie block at 2: |2/4 - 2/4| there, not at its inside
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(new double[] {1, 2, 2, 3}, new double[] {2, 2, 3, 3});
    // at 1: |1/4 - 0| = 0.25; at 2: |3/4 - 2/4| = 0.25; at 3: 0
    assertThat(result.statistic()).isEqualTo(0.25);
    assertMatchesEnumeration(new double[] {1, 2, 2, 3}, new double[] {2, 2, 3, 3});
  }

  @Test
  void tinySamples() {
    KolmogorovSmirnov.Result one = KolmogorovSmirnov.test(new double[] {0}, new double[] {1});
    assertThat(one.statistic()).isEqualTo(1);
    assertThat(one.pValue()).isEqualTo(1); // both of the 2 splits have D = 1
    KolmogorovSmirnov.Result two = KolmogorovSmirnov.test(new double[] {0, 1}, new double[] {2, 3});
    assertThat(two.statistic()).isEqualTo(1);
    assertThat(two.pValue()).isCloseTo(2.0 / 6, within(1e-15));
    KolmogorovSmirnov.Result same = KolmogorovSmirnov.test(new double[] {5}, new double[] {5});
    assertThat(same.statistic()).isEqualTo(0);
    assertThat(same.pValue()).isEqualTo(1);
  }

  @Test
  void identicalSamplesHaveNoEvidence() {
    double[] values = gaussians(new Random(3), 300, 0);
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(values, values.clone());
    assertThat(result.statistic()).isEqualTo(0);
    assertThat(result.pValue()).isEqualTo(1);
  }

  @Test
  void symmetricInItsArguments() {
    Random random = new Random(5);
    double[] x = gaussians(random, 40, 0);
    double[] y = gaussians(random, 70, 0.3);
    KolmogorovSmirnov.Result forward = KolmogorovSmirnov.test(x, y);
    KolmogorovSmirnov.Result backward = KolmogorovSmirnov.test(y, x);
    assertThat(backward.statistic()).isEqualTo(forward.statistic());
    assertThat(backward.pValue()).isCloseTo(forward.pValue(), withinPercentage(1e-10));
  }

  @Test
  void nonFiniteValuesAreIgnored() {
    double[] x = {1, Double.NaN, 2, Double.POSITIVE_INFINITY, 3};
    double[] y = {Double.NEGATIVE_INFINITY, 1, 2, 3, Double.NaN};
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(x, y);
    assertThat(result.statistic()).isEqualTo(0);
    assertThat(result.pValue()).isEqualTo(1);
    KolmogorovSmirnov.Result empty = KolmogorovSmirnov.test(new double[] {Double.NaN}, new double[] {1});
    assertThat(empty.statistic()).isNaN();
    assertThat(empty.pValue()).isNaN();
  }

  @Test
  void largeSamplesUseTheKolmogorovDistribution() {
    Random random = new Random(9);
    double[] x = gaussians(random, 4000, 0);
    double[] y = gaussians(random, 5000, 0.05);
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(x, y);
    assertThat(result.exact()).isFalse();
    double lambda = Math.sqrt(4000.0 * 5000 / 9000) * result.statistic();
    assertThat(result.pValue()).isEqualTo(Distributions.kolmogorovSurvival(lambda));
    // the limit is close to the exact permutation probability at this size
    double exact = KolmogorovSmirnov.exactPValue(KolmogorovSmirnov.finiteSorted(x, 4000), 4000,
        KolmogorovSmirnov.finiteSorted(y, 5000), 5000, Math.round(result.statistic() * 4000 * 5000));
    assertThat(result.pValue()).isCloseTo(exact, withinPercentage(10));
  }

  @Test
  void shiftedDistributionsAreDetected() {
    Random random = new Random(13);
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(gaussians(random, 500, 0), gaussians(random, 500, 1));
    assertThat(result.statistic()).isGreaterThan(0.3);
    assertThat(result.pValue()).isLessThan(1e-20);
  }

  private static double[] gaussians(Random random, int count, double mean) {
    double[] values = new double[count];
    for (int i = 0; i < count; i++) {
      values[i] = mean + random.nextGaussian();
    }
    return values;
  }

  /** Compares with the permutation probability counted over every split of the pooled sample. */
  private static void assertMatchesEnumeration(double[] x, double[] y) {
    KolmogorovSmirnov.Result result = KolmogorovSmirnov.test(x, y);
    int n = x.length;
    int m = y.length;
    long observed = scaledD(x, y);
    assertThat(result.statistic()).isCloseTo((double) observed / (n * m), within(1e-15));
    double[] pooled = new double[n + m];
    System.arraycopy(x, 0, pooled, 0, n);
    System.arraycopy(y, 0, pooled, n, m);
    long atLeast = 0;
    long total = 0;
    for (int mask = 0; mask < 1 << pooled.length; mask++) {
      if (Integer.bitCount(mask) != n) {
        continue;
      }
      double[] first = new double[n];
      double[] second = new double[m];
      int a = 0;
      int b = 0;
      for (int i = 0; i < pooled.length; i++) {
        if ((mask & (1 << i)) != 0) {
          first[a++] = pooled[i];
        } else {
          second[b++] = pooled[i];
        }
      }
      total++;
      if (scaledD(first, second) >= observed) {
        atLeast++;
      }
    }
    assertThat(result.pValue()).as("x=%s y=%s", java.util.Arrays.toString(x), java.util.Arrays.toString(y))
        .isCloseTo((double) atLeast / total, withinPercentage(1e-8));
  }

  /** {@code D n m}: the largest {@code |#x<=t m - #y<=t n|} over the distinct pooled values t. */
  private static long scaledD(double[] x, double[] y) {
    TreeSet<Double> values = new TreeSet<>();
    for (double v : x) {
      values.add(v);
    }
    for (double v : y) {
      values.add(v);
    }
    long largest = 0;
    for (double t : values) {
      long cx = 0;
      long cy = 0;
      for (double v : x) {
        cx += v <= t ? 1 : 0;
      }
      for (double v : y) {
        cy += v <= t ? 1 : 0;
      }
      largest = Math.max(largest, Math.abs(cx * y.length - cy * x.length));
    }
    return largest;
  }
}
