package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DistributionScoresTest {
  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  @Test
  void psiByHand() {
    double expected = (0.25 - 0.5) * Math.log(0.25 / 0.5) + (0.75 - 0.5) * Math.log(0.75 / 0.5);
    assertThat(DistributionScores.populationStabilityIndex(new long[] {50, 50}, new long[] {25, 75}))
        .isCloseTo(expected, within(1e-15));
  }

  @Test
  void psiCountsEmptyBinsAsTheDocumentedEpsilon() {
    double epsilon = DistributionScores.PSI_EMPTY_BIN;
    double expected = (0.5 - 1) * Math.log(0.5 / 1) + (0.5 - epsilon) * Math.log(0.5 / epsilon);
    assertThat(DistributionScores.populationStabilityIndex(new long[] {100, 0}, new long[] {50, 50}))
        .isCloseTo(expected, within(1e-12));
    assertThat(epsilon).isEqualTo(1e-4);
  }

  @Test
  void psiOfIdenticalDistributionsIsZero() {
    assertThat(DistributionScores.populationStabilityIndex(new long[] {3, 0, 5, 9}, new long[] {30, 0, 50, 90}))
        .isCloseTo(0, within(1e-15));
    assertThat(DistributionScores.populationStabilityIndex(new long[] {0, 0}, new long[] {1, 1})).isNaN();
  }

  @Test
  void jensenShannonByHand() {
    // P = (1, 0), Q = (1/2, 1/2), M = (3/4, 1/4)
    double divergence = 0.5 * (1 * log2(1 / 0.75)) + 0.5 * (0.5 * log2(0.5 / 0.75) + 0.5 * log2(0.5 / 0.25));
    assertThat(DistributionScores.jensenShannonDistance(new long[] {10, 0}, new long[] {7, 7}))
        .isCloseTo(Math.sqrt(divergence), within(1e-15));
  }

  @Test
  void jensenShannonIsBoundedAndSymmetric() {
    assertThat(DistributionScores.jensenShannonDistance(new long[] {4, 4, 2}, new long[] {40, 40, 20}))
        .isEqualTo(0);
    assertThat(DistributionScores.jensenShannonDistance(new long[] {5, 0}, new long[] {0, 3}))
        .isCloseTo(1, within(1e-15));
    long[] p = {1, 2, 3, 4};
    long[] q = {4, 3, 2, 1};
    assertThat(DistributionScores.jensenShannonDistance(p, q))
        .isEqualTo(DistributionScores.jensenShannonDistance(q, p))
        .isBetween(0.0, 1.0);
    assertThat(DistributionScores.jensenShannonDistance(new long[] {0}, new long[] {1})).isNaN();
  }

  @Test
  void bonferroniMultipliesByTheNumberOfTestsThatRan() {
    double[] adjusted = DistributionScores.bonferroni(new double[] {0.01, 0.04, Double.NaN, 0.5});
    assertThat(adjusted[0]).isCloseTo(0.03, within(1e-15));
    assertThat(adjusted[1]).isCloseTo(0.12, within(1e-15));
    assertThat(adjusted[2]).isNaN();
    assertThat(adjusted[3]).isEqualTo(1);
    assertThat(DistributionScores.bonferroni(new double[0])).isEmpty();
  }
}
