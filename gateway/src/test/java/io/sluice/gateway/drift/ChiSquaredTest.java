package io.sluice.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class ChiSquaredTest {
  @Test
  void twoByThreeTableByHand() {
    // rows 60 and 60, columns 30, 40, 50 of N = 120: expected 15, 20, 25 in both rows
    ChiSquared.Result result = ChiSquared.homogeneity(new long[] {10, 20, 30}, new long[] {20, 20, 20});
    double statistic = 25.0 / 15 + 0 + 25.0 / 25 + 25.0 / 15 + 0 + 25.0 / 25;
    assertThat(result.statistic()).isCloseTo(statistic, within(1e-12));
    assertThat(result.degreesOfFreedom()).isEqualTo(2);
    assertThat(result.pValue()).isCloseTo(Math.exp(-statistic / 2), withinPercentage(1e-7));
  }

  @Test
  void twoByTwoTableByHandWithoutContinuityCorrection() {
    // rows 20 and 20, columns 17 and 23 of N = 40: expected 8.5 and 11.5 in both rows
    ChiSquared.Result result = ChiSquared.homogeneity(new long[] {12, 8}, new long[] {5, 15});
    double statistic = 2 * (3.5 * 3.5 / 8.5 + 3.5 * 3.5 / 11.5);
    assertThat(result.statistic()).isCloseTo(statistic, within(1e-12));
    assertThat(result.degreesOfFreedom()).isEqualTo(1);
    assertThat(result.pValue()).isCloseTo(Reference.chiSquaredSurvivalOne(statistic), withinPercentage(1e-7));
  }

  @Test
  void unequalSampleSizesScaleTheExpectation() {
    // the same proportions at ten times the size: no evidence of a difference
    ChiSquared.Result result = ChiSquared.homogeneity(new long[] {100, 300, 600}, new long[] {10, 30, 60});
    assertThat(result.statistic()).isCloseTo(0, within(1e-12));
    assertThat(result.pValue()).isCloseTo(1, within(1e-12));
  }

  @Test
  void identicalCountsGiveNoEvidence() {
    ChiSquared.Result result = ChiSquared.homogeneity(new long[] {5, 7, 9, 11}, new long[] {5, 7, 9, 11});
    assertThat(result.statistic()).isEqualTo(0);
    assertThat(result.degreesOfFreedom()).isEqualTo(3);
    assertThat(result.pValue()).isEqualTo(1);
  }

  @Test
  void categoriesEmptyInBothSamplesDoNotCount() {
    ChiSquared.Result with = ChiSquared.homogeneity(new long[] {10, 0, 30, 0}, new long[] {20, 0, 20, 0});
    ChiSquared.Result without = ChiSquared.homogeneity(new long[] {10, 30}, new long[] {20, 20});
    assertThat(with).isEqualTo(without);
    assertThat(with.degreesOfFreedom()).isEqualTo(1);
  }

  @Test
  void newCategoryInTheWindowIsStrongEvidence() {
    ChiSquared.Result result = ChiSquared.homogeneity(new long[] {500, 500, 0}, new long[] {40, 40, 20});
    assertThat(result.degreesOfFreedom()).isEqualTo(2);
    assertThat(result.pValue()).isLessThan(1e-10);
  }

  @Test
  void degenerateTables() {
    ChiSquared.Result single = ChiSquared.homogeneity(new long[] {4}, new long[] {1});
    assertThat(single.statistic()).isEqualTo(0);
    assertThat(single.degreesOfFreedom()).isEqualTo(0);
    assertThat(single.pValue()).isEqualTo(1);
    ChiSquared.Result empty = ChiSquared.homogeneity(new long[] {0, 0}, new long[] {1, 2});
    assertThat(empty.statistic()).isNaN();
    assertThat(empty.pValue()).isNaN();
    ChiSquared.Result tiny = ChiSquared.homogeneity(new long[] {1, 0}, new long[] {0, 1});
    // N = 2, every expected count 0.5: X² = 4 × 0.5 = 2 on 1 degree of freedom
    assertThat(tiny.statistic()).isCloseTo(2, within(1e-15));
    assertThat(tiny.pValue()).isCloseTo(Reference.chiSquaredSurvivalOne(2), withinPercentage(1e-7));
    assertThatThrownBy(() -> ChiSquared.homogeneity(new long[] {1}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: equal");
    assertThatThrownBy(() -> ChiSquared.homogeneity(new long[] {-1, 2}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
  }
}
